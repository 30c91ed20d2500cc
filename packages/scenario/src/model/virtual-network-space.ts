/**
 * How a scenario's addresses relate to its virtual network: the address space behind the
 * `VirtualNetwork` and `Internet` service tags, and the subnet each NIC is in.
 *
 * Without a `virtualNetwork` section the scenario still has one, implicitly: it holds every NIC
 * address and every internal frontend IP, and nothing else. Either way internal frontends lie
 * inside the space and public frontends and Internet clients outside (the loader checks), which
 * is how the Host Agent tells the two kinds of frontend apart.
 */
import { type Ipv4Prefix, parseIpv4Address, parseIpv4Prefix, prefixContains } from '@lbsim/core';
import type { Scenario } from '../schema/scenario.ts';

type Nic = Scenario['hosts'][number]['vms'][number]['nics'][number];
type Subnet = NonNullable<Scenario['virtualNetwork']>['subnets'][number];

/** The virtual network's address space (declared, or implicit as above). */
export function virtualNetworkSpace(scenario: Scenario): Ipv4Prefix[] {
  if (scenario.virtualNetwork !== undefined) {
    return scenario.virtualNetwork.addressSpace.flatMap((text) => {
      const prefix = parseIpv4Prefix(text);
      return prefix === undefined ? [] : [prefix];
    });
  }
  const addresses = [
    ...scenario.hosts.flatMap((host) => host.vms.flatMap((vm) => vm.nics.map((nic) => nic.ip))),
    ...scenario.loadBalancers
      .filter((lb) => lb.type === 'internal')
      .flatMap((lb) => lb.frontends.map((frontend) => frontend.ip)),
  ];
  return addresses.flatMap((text) => {
    const address = parseIpv4Address(text);
    return address === undefined ? [] : [{ network: address, length: 32 }];
  });
}

/** The subnet a NIC is in: the one it names, else the first whose prefix holds its IP. */
export function subnetOfNic(scenario: Scenario, nic: Nic): Subnet | undefined {
  const subnets = scenario.virtualNetwork?.subnets ?? [];
  if (nic.subnet !== undefined) return subnets.find((subnet) => subnet.name === nic.subnet);
  const address = parseIpv4Address(nic.ip);
  if (address === undefined) return undefined;
  return subnets.find((subnet) => {
    const prefix = parseIpv4Prefix(subnet.addressPrefix);
    return prefix !== undefined && prefixContains(prefix, address);
  });
}
