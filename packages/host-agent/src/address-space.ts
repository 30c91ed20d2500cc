/**
 * The virtual network's address space and the service tags NSG rules name (docs/mechanics.md §2.3,
 * §7.6, [AZ-NSG], [AZ-168]).
 *
 * - `VirtualNetwork`: the virtual network's address space. (Azure's tag also covers peered and
 *   on-premises spaces and the host's virtual IP; lbsim models one virtual network and keeps
 *   168.63.129.16 under `AzureLoadBalancer` alone.)
 * - `AzureLoadBalancer`: 168.63.129.16, the source of health probes.
 * - `Internet`: every address outside the virtual network but 168.63.129.16, which is not on
 *   the Internet: an "allow Internet" rule does not admit health probes, nor does a "deny
 *   Internet" rule stop them.
 *
 * The same space tells the Host Agent whether a frontend is internal (inside: a VM reaches it
 * without SNAT) or public (outside: a VM's flow to it would be SNATed, and it is closed to
 * inbound traffic until an NSG opens it).
 */
import { azurePlatformAddress, type Ipv4Address, type Ipv4Prefix, prefixContains } from '@lbsim/core';

/** The service tags lbsim knows. */
export type ServiceTag = 'VirtualNetwork' | 'AzureLoadBalancer' | 'Internet';

/** Every service tag, for validation messages. */
export const serviceTags: readonly ServiceTag[] = ['VirtualNetwork', 'AzureLoadBalancer', 'Internet'];

/** Prefixes of a virtual network (its `addressSpace`). */
export type AddressSpace = readonly Ipv4Prefix[];

/** Whether `address` lies in the address space. */
export function addressSpaceContains(space: AddressSpace, address: Ipv4Address): boolean {
  return space.some((prefix) => prefixContains(prefix, address));
}

/** Whether `address` belongs to the service tag, given the virtual network's space. */
export function serviceTagContains(tag: ServiceTag, address: Ipv4Address, virtualNetwork: AddressSpace): boolean {
  switch (tag) {
    case 'AzureLoadBalancer':
      return address === azurePlatformAddress;
    case 'VirtualNetwork':
      return addressSpaceContains(virtualNetwork, address);
    case 'Internet':
      return address !== azurePlatformAddress && !addressSpaceContains(virtualNetwork, address);
  }
}
