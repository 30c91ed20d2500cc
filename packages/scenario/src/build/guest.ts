/**
 * One VM of the scenario: its guest OS (NICs with their subnets, loopbacks, routes, host model,
 * TCP settings) and how its Host Agent sees it (NICs with their NSGs).
 */
import { type Fabric, ipv4, nsPerSecond, parseIpv4Prefix } from '@lbsim/core';
import {
  type AddressSpace,
  type GuestFirewall,
  GuestVm,
  type LocalVm,
  type NetworkSecurityGroup,
} from '@lbsim/host-agent';
import { subnetOfNic } from '../model/virtual-network-space.ts';
import type { Scenario } from '../schema/scenario.ts';
import { nicSecurityOf } from './network-security.ts';
import { tcpConfigFor } from './tcp-config.ts';

type Vm = Scenario['hosts'][number]['vms'][number];

/** Reassembly timeout of every endpoint (Linux `ipfrag_time`), ns. */
export const reassemblyTimeoutNs = 30 * nsPerSecond;

const everywhere = { network: 0, length: 0 };

/**
 * Builds a VM's guest behind the Host Agent named `hostAgent`.
 * @param nicNames the VM's NIC names (given or default), in order
 */
export function buildGuestVm(
  scenario: Scenario,
  fabric: Fabric,
  vm: Vm,
  nicNames: readonly string[],
  hostAgent: string,
): GuestVm {
  const nics = vm.nics.map((nic, index) => {
    const subnet = subnetOfNic(scenario, nic);
    return {
      name: nicNames[index] as string,
      address: ipv4(nic.ip),
      subnet: subnet === undefined ? undefined : parseIpv4Prefix(subnet.addressPrefix),
    };
  });
  // Linux has the weak host model; Windows the strong one unless netsh enables weak host.
  const weakHost = vm.os === 'linux';
  return new GuestVm(fabric, {
    name: vm.name,
    hostAgent,
    nics,
    loopbacks: vm.loopbacks.map(ipv4),
    routes: vm.routes.map((route) => ({
      destination: parseIpv4Prefix(route.destination) ?? everywhere,
      source: route.source === undefined ? undefined : parseIpv4Prefix(route.source),
      nic: route.nic,
    })),
    weakHostReceive: vm.weakHostReceive ?? weakHost,
    weakHostSend: vm.weakHostSend ?? weakHost,
    tcp: tcpConfigFor(vm.os, vm.tcp, scenario.network.mtu),
    mtuBytes: scenario.network.mtu,
    reassemblyTimeoutNs,
    dropOutOfOrderFragments: vm.outOfOrderFragments === 'drop',
    sendFragmentsInReverse: vm.fragmentOrder === 'reverse',
    firewall: guestFirewallOf(vm),
  });
}

/** The VM's guest firewall, its sources parsed; none when the scenario gives none. */
function guestFirewallOf(vm: Vm): GuestFirewall | undefined {
  if (vm.firewall === undefined) return undefined;
  return {
    defaultAction: vm.firewall.defaultAction,
    rules: vm.firewall.rules.map((rule) => ({
      name: rule.name,
      action: rule.action,
      port: rule.port,
      source: rule.source === undefined ? undefined : parseIpv4Prefix(rule.source),
    })),
  };
}

/** The VM as its Host Agent sees it: its NICs with the NSGs that guard them. */
export function localVmOf(
  scenario: Scenario,
  vm: Vm,
  nicNames: readonly string[],
  securityGroups: ReadonlyMap<string, NetworkSecurityGroup>,
  virtualNetwork: AddressSpace,
): LocalVm {
  return {
    name: vm.name,
    nics: vm.nics.map((nic, index) => ({
      name: nicNames[index] as string,
      address: ipv4(nic.ip),
      security: nicSecurityOf(scenario, securityGroups, nic, nicNames[index] as string, virtualNetwork),
    })),
  };
}
