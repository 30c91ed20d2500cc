/**
 * Same VM, same NIC (docs/mechanics.md §2.5, §7.4, [AZ-TS-BACKEND]): a VM that reaches its own
 * load-balancer frontend and is mapped back to the NIC it sent from. Azure documents it as
 * unsupported ("will fail") without saying where; lbsim drops it at the Host Agent when the
 * tunnelled packet comes back to that NIC.
 *
 * Only for public frontends. A VM's flow to a public frontend leaves the virtual network and
 * would be SNATed; a flow to an internal frontend is not SNATed (both ends are private), so
 * the Host Agent delivers it and the guest itself rejects the (X → X) packet — the internal-LB
 * self-mapping of `guest-addressing.ts`. Whether a frontend is public is read from the address
 * space: internal frontends lie in the virtual network, public ones outside (the loader
 * checks).
 *
 * With outbound SNAT (`outbound-snat.ts`) a VM's flow to a public frontend arrives from a
 * frontend IP and SNAT port rather than from the NIC; the condition stays "mapped back to the
 * NIC that opened the flow", found from the SNAT flow the source belongs to
 * ({@link checkSnatHairpin}). A flow that left by another NIC of the same VM (the dual-NIC
 * workaround, [AZ-TS-BACKEND]) is delivered.
 */
import { fiveTupleOf, formatFiveTuple, formatIpv4Address, type Ipv4Address, type Ipv4Packet } from '@lbsim/core';
import { type AddressSpace, addressSpaceContains } from './address-space.ts';

/** The decision on a tunnelled packet: deliver, or drop with a note. */
export type HairpinVerdict = { readonly kind: 'deliver' } | { readonly kind: 'drop'; readonly note: string };

/** Shared: a packet that is no hairpin allocates no verdict. */
const deliver: HairpinVerdict = { kind: 'deliver' };

/**
 * Checks a decapsulated packet `inner` tunnelled to the local NIC `nic`.
 * @param virtualNetwork tells internal frontends (inside) from public ones (outside)
 */
export function checkSameNicHairpin(
  inner: Ipv4Packet,
  nic: { readonly name: string; readonly address: Ipv4Address },
  virtualNetwork: AddressSpace,
): HairpinVerdict {
  if (inner.src !== nic.address || addressSpaceContains(virtualNetwork, inner.dst)) return deliver;
  return {
    kind: 'drop',
    note: `${formatFiveTuple(fiveTupleOf(inner))} came back to ${nic.name}, the NIC that opened it: a VM cannot reach its own load-balancer frontend over the NIC in the pool (call it from another VM)`,
  };
}

/** The VM side of a SNAT flow: the DIP and port it left from. */
export interface SnatOrigin {
  readonly dip: Ipv4Address;
  readonly dipPort: number;
}

/**
 * Checks a decapsulated packet `inner` tunnelled to the local NIC `nic` whose source is the
 * translated address of a SNAT flow that left from `origin` (or `undefined`: no such flow).
 */
export function checkSnatHairpin(
  inner: Ipv4Packet,
  nic: { readonly name: string; readonly address: Ipv4Address },
  origin: SnatOrigin | undefined,
): HairpinVerdict {
  if (origin === undefined || origin.dip !== nic.address) return deliver;
  const tuple = fiveTupleOf(inner);
  const original = formatFiveTuple({ ...tuple, srcAddress: origin.dip, srcPort: origin.dipPort });
  return {
    kind: 'drop',
    note: `${original} came back to ${nic.name}, the NIC that opened it: a VM cannot reach its own load-balancer frontend over the NIC in the pool (call it from another VM); it left SNATed as ${formatIpv4Address(tuple.srcAddress)}:${tuple.srcPort}`,
  };
}
