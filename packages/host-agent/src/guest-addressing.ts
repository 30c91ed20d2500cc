/**
 * Which packets a guest OS accepts from a NIC and may send out of one, by address
 * (docs/mechanics.md §2.4, §2.5, §7.4, §7.7, [AZ-FIP], [AZ-CONCEPTS]).
 *
 * Arriving on NIC n, a packet is dropped when
 * - its source is one of the VM's own addresses (`martian-source`): Linux drops a packet from
 *   the network with a local source address (`accept_local` is 0 by default), Windows drops
 *   "land" packets. This is the inbound leg of an internal-LB flow that the Mux mapped back to
 *   the VM that opened it: it arrives as (X → X), and the guest never matches it with its
 *   connection to the frontend, so that connection times out;
 * - its destination is no address of the VM — on no NIC and no loopback (`not-local-address`):
 *   a floating-IP rule delivers the frontend IP, which the guest must have on loopback;
 * - its destination is an address of another interface (another NIC, or loopback) and the VM
 *   keeps the strong host model (`strong-host-receive`): Windows accepts such packets only with
 *   `weakhostreceive` enabled on the NIC; Linux uses the weak host model.
 *
 * Leaving by NIC n, a packet whose source is not n's address is dropped under the strong host
 * model (`strong-host-send`) unless `weakhostsend` is enabled — what floating IP needs on
 * Windows to answer from the loopback's frontend IP.
 */
import { type DropReason, formatIpv4Address, type Ipv4Address, type Ipv4Packet } from '@lbsim/core';
import type { GuestNic } from './guest-routes.ts';

/** The addresses of a guest and how strictly it ties them to interfaces. */
export interface GuestAddressing {
  readonly vmName: string;
  /** NICs, primary first. */
  readonly nics: readonly GuestNic[];
  /** Addresses on loopback (e.g. a floating-IP frontend). */
  readonly loopbacks: readonly Ipv4Address[];
  /** Accept packets for an address of another interface (Linux always; Windows `weakhostreceive`). */
  readonly weakHostReceive: boolean;
  /** Send packets whose source is an address of another interface (Linux always; Windows `weakhostsend`). */
  readonly weakHostSend: boolean;
}

/** Accept, or drop with a reason and a note for people. */
export type GuestVerdict =
  | { readonly kind: 'accept' }
  | { readonly kind: 'drop'; readonly reason: DropReason; readonly note: string };

const accept: GuestVerdict = { kind: 'accept' };

/** Where `address` is configured on the guest: a NIC's name, `loopback`, or `undefined`. */
export function interfaceOf(addressing: GuestAddressing, address: Ipv4Address): string | undefined {
  // Loops rather than `find` with a closure: this runs for every packet the guest sends or takes.
  const nics = addressing.nics;
  for (let i = 0; i < nics.length; i++) {
    const nic = nics[i] as GuestNic;
    if (nic.address === address) return nic.name;
  }
  return addressing.loopbacks.includes(address) ? 'loopback' : undefined;
}

/** Whether `address` is one of the guest's own (NIC or loopback). */
export function ownsAddress(addressing: GuestAddressing, address: Ipv4Address): boolean {
  return interfaceOf(addressing, address) !== undefined;
}

/** Decides a packet that arrived from the network on `nic`. */
export function admitArrival(addressing: GuestAddressing, packet: Ipv4Packet, nic: GuestNic): GuestVerdict {
  // Addresses are formatted only for a drop's note: accepting a packet builds no text.
  const vm = addressing.vmName;
  const sourceInterface = interfaceOf(addressing, packet.src);
  if (sourceInterface !== undefined) {
    return {
      kind: 'drop',
      reason: 'martian-source',
      note: `${formatIpv4Address(packet.src)} → ${formatIpv4Address(packet.dst)}: the source is ${vm}'s own address (on ${sourceInterface}), so the guest drops it as a martian; an internal-LB flow mapped back to the VM that opened it arrives like this`,
    };
  }
  if (packet.dst === nic.address) return accept;
  const destinationInterface = interfaceOf(addressing, packet.dst);
  if (destinationInterface === undefined) {
    return {
      kind: 'drop',
      reason: 'not-local-address',
      note: `destination ${formatIpv4Address(packet.dst)} is not an address of ${vm} (on no NIC and no loopback; with floating IP the frontend IP must be on loopback)`,
    };
  }
  if (addressing.weakHostReceive) return accept;
  return {
    kind: 'drop',
    reason: 'strong-host-receive',
    note: `${formatIpv4Address(packet.dst)} is on ${vm}'s ${destinationInterface}, but the packet arrived on ${nic.name}: the strong host model accepts it only with weakhostreceive enabled on ${nic.name}`,
  };
}

/** Decides a packet about to leave by `nic` (the route's choice). */
export function admitDeparture(addressing: GuestAddressing, packet: Ipv4Packet, nic: GuestNic): GuestVerdict {
  if (packet.src === nic.address || addressing.weakHostSend) return accept;
  const where = interfaceOf(addressing, packet.src) ?? 'no interface';
  return {
    kind: 'drop',
    reason: 'strong-host-send',
    note: `source ${formatIpv4Address(packet.src)} is on ${where}, not on ${nic.name} which the route chose: the strong host model sends it only with weakhostsend enabled`,
  };
}
