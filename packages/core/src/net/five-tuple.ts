/**
 * The 5-tuple that names a flow, and the keys flow tables are indexed by.
 */

import { formatIpProtocol } from './ip-protocol.ts';
import { formatIpv4Address, type Ipv4Address } from './ipv4-address.ts';
import { type Ipv4Packet, ipProtocolOf, isFragment } from './packet.ts';

/** A flow's 5-tuple: protocol, source address and port, destination address and port. */
export interface FiveTuple {
  readonly protocol: number;
  readonly srcAddress: Ipv4Address;
  readonly srcPort: number;
  readonly dstAddress: Ipv4Address;
  readonly dstPort: number;
}

/**
 * The 5-tuple of a packet's own headers (the outer ones of an encapsulated packet).
 *
 * Ports are those of TCP and UDP. ICMP and IP-in-IP have no ports and get 0. A fragment's ports
 * are unknown without reassembly (a non-first fragment carries no transport header), so
 * fragments get 0 too: callers that care check {@link isFragment} first.
 */
export function fiveTupleOf(packet: Ipv4Packet): FiveTuple {
  const payload = packet.payload;
  const ported = (payload.kind === 'tcp' || payload.kind === 'udp') && !isFragment(packet);
  return {
    protocol: ipProtocolOf(packet),
    srcAddress: packet.src,
    srcPort: ported ? payload.srcPort : 0,
    dstAddress: packet.dst,
    dstPort: ported ? payload.dstPort : 0,
  };
}

/** The tuple of the other direction of the same flow. */
export function reverseFiveTuple(tuple: FiveTuple): FiveTuple {
  return {
    protocol: tuple.protocol,
    srcAddress: tuple.dstAddress,
    srcPort: tuple.dstPort,
    dstAddress: tuple.srcAddress,
    dstPort: tuple.srcPort,
  };
}

/** Whether two tuples are equal field by field. */
export function sameFiveTuple(a: FiveTuple, b: FiveTuple): boolean {
  return (
    a.protocol === b.protocol &&
    a.srcAddress === b.srcAddress &&
    a.srcPort === b.srcPort &&
    a.dstAddress === b.dstAddress &&
    a.dstPort === b.dstPort
  );
}

/**
 * A string key for maps indexed by 5-tuple. Distinct tuples give distinct keys (fields are
 * numbers joined by a separator).
 */
export function flowKey(tuple: FiveTuple): string {
  return `${tuple.protocol}|${tuple.srcAddress}|${tuple.srcPort}|${tuple.dstAddress}|${tuple.dstPort}`;
}

/** The same key as {@link flowKey} without building a tuple record. */
export function flowKeyOf(
  protocol: number,
  srcAddress: Ipv4Address,
  srcPort: number,
  dstAddress: Ipv4Address,
  dstPort: number,
): string {
  return `${protocol}|${srcAddress}|${srcPort}|${dstAddress}|${dstPort}`;
}

/** The tuple a {@link flowKey} was made from. */
export function parseFlowKey(key: string): FiveTuple {
  const [protocol, srcAddress, srcPort, dstAddress, dstPort] = key.split('|').map(Number);
  return {
    protocol: protocol ?? 0,
    srcAddress: srcAddress ?? 0,
    srcPort: srcPort ?? 0,
    dstAddress: dstAddress ?? 0,
    dstPort: dstPort ?? 0,
  };
}

/** Formats a tuple for people: `TCP 203.0.113.7:50000 → 10.1.0.100:80`. */
export function formatFiveTuple(tuple: FiveTuple): string {
  return `${formatIpProtocol(tuple.protocol)} ${formatIpv4Address(tuple.srcAddress)}:${tuple.srcPort} → ${formatIpv4Address(tuple.dstAddress)}:${tuple.dstPort}`;
}
