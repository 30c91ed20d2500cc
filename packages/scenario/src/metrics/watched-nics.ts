/**
 * The NICs the NSG flow log watches: every NIC an NSG guards, each with its own copy of the
 * Host Agent's NSG state over the run's shared group objects (so a rule changed during the run
 * reaches the copy too), and the address space behind the VirtualNetwork tag.
 */
import { ipv4 } from '@lbsim/core';
import type { AddressSpace, NetworkSecurityGroup } from '@lbsim/host-agent';
import { nicSecurityOf } from '../build/network-security.ts';
import { indexVms } from '../model/topology-names.ts';
import { virtualNetworkSpace } from '../model/virtual-network-space.ts';
import type { Scenario } from '../schema/scenario.ts';
import type { WatchedNic } from './nsg-flow-log.ts';

/** Every NIC with an NSG, in scenario order, and the virtual network's address space. */
export function watchedNics(
  scenario: Scenario,
  groups: ReadonlyMap<string, NetworkSecurityGroup>,
): { readonly nics: WatchedNic[]; readonly virtualNetwork: AddressSpace } {
  const virtualNetwork = virtualNetworkSpace(scenario);
  const nics: WatchedNic[] = [];
  for (const [name, ref] of indexVms(scenario)) {
    ref.vm.nics.forEach((nic, index) => {
      const nicName = ref.nicNames[index] as string;
      const security = nicSecurityOf(scenario, groups, nic, nicName, virtualNetwork);
      if (security.hasSecurityGroup) nics.push({ vm: name, name: nicName, address: ipv4(nic.ip), security });
    });
  }
  return { nics, virtualNetwork };
}
