/**
 * NAT for fragments at the Host Agent, without reassembly.
 *
 * When a Mux forwards fragments (fragment policies `three-tuple` and `track-first-fragment`,
 * or an HA-ports rule: docs/mechanics.md §2.7, §2.9), the Host Agent must translate them like the
 * whole datagram: the first fragment carries the ports and is matched to NAT state by them;
 * later fragments are matched by the datagram's (source, destination, protocol, IP id) to the
 * state their first fragment found. Addresses, ports and the transport checksum are rewritten
 * in place (core/wire `rewriteFragment`).
 */
import {
  type FiveTuple,
  firstFragmentPorts,
  fiveTupleOf,
  type Ipv4Packet,
  ipProtocolOf,
  isFragment,
  rewriteDestination,
  rewriteFragment,
  rewriteSource,
} from '@lbsim/core';
import type { NatFlowSummary } from './nat-table.ts';

/** Most datagrams remembered; the oldest are forgotten first. */
export const maxTrackedDatagrams = 65_536;

/** The key of a datagram's fragments. */
function datagramKey(packet: Ipv4Packet): string {
  return `${packet.src}|${packet.dst}|${ipProtocolOf(packet)}|${packet.id}`;
}

/**
 * The transport 5-tuple of a packet: from its TCP/UDP header, or from the bytes of a first
 * fragment; `undefined` for a non-first fragment (it has no ports).
 */
export function transportTupleOf(packet: Ipv4Packet): FiveTuple | undefined {
  if (!isFragment(packet)) return fiveTupleOf(packet);
  const ports = firstFragmentPorts(packet);
  if (ports === undefined) return undefined;
  return {
    protocol: ipProtocolOf(packet),
    srcAddress: packet.src,
    srcPort: ports.srcPort,
    dstAddress: packet.dst,
    dstPort: ports.dstPort,
  };
}

/**
 * The ports of {@link transportTupleOf} without a record: `srcPort << 16 | dstPort` (0 for a
 * packet without ports: ICMP, IP-in-IP), or -1 for a non-first fragment. The Host Agent looks
 * flows up by these on every packet (issue 20: a tuple record per lookup).
 */
export function transportPortsOf(packet: Ipv4Packet): number {
  const payload = packet.payload;
  if (!isFragment(packet)) {
    return payload.kind === 'udp' || payload.kind === 'tcp' ? ((payload.srcPort << 16) | payload.dstPort) >>> 0 : 0;
  }
  const ports = firstFragmentPorts(packet);
  return ports === undefined ? -1 : ((ports.srcPort << 16) | ports.dstPort) >>> 0;
}

/** NAT state found for datagrams by their first fragment. */
export class FragmentNat {
  private readonly byDatagram = new Map<string, NatFlowSummary>();

  /** Remembers that the datagram of this (first) fragment belongs to `entry`. */
  remember(fragment: Ipv4Packet, entry: NatFlowSummary): void {
    const key = datagramKey(fragment);
    this.byDatagram.delete(key);
    this.byDatagram.set(key, entry);
    while (this.byDatagram.size > maxTrackedDatagrams)
      this.byDatagram.delete(this.byDatagram.keys().next().value as string);
  }

  /** The NAT entry of a later fragment's datagram, if its first fragment came by. */
  recall(fragment: Ipv4Packet): NatFlowSummary | undefined {
    return this.byDatagram.get(datagramKey(fragment));
  }
}

/** Translates a client's packet or fragment to the guest address and backend port. */
export function translateInbound(packet: Ipv4Packet, guestAddress: number, backendPort: number): Ipv4Packet {
  return isFragment(packet)
    ? rewriteFragment(packet, { dst: guestAddress, dstPort: backendPort })
    : rewriteDestination(packet, guestAddress, backendPort);
}

/** Translates a VM's reply (packet or fragment) back to the VIP and frontend port. */
export function translateReply(packet: Ipv4Packet, vip: number, frontendPort: number): Ipv4Packet {
  return isFragment(packet)
    ? rewriteFragment(packet, { src: vip, srcPort: frontendPort })
    : rewriteSource(packet, vip, frontendPort);
}
