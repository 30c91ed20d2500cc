/**
 * Address and port rewrites (NAT). Each returns a new packet; ports are rewritten only for
 * TCP and UDP, and never in fragments (a non-first fragment has no ports).
 */
import type { Ipv4Address } from './ipv4-address.ts';
import type { Ipv4Packet } from './packet.ts';

/** `packet` with destination `address` and, for TCP/UDP, destination port `port`. */
export function rewriteDestination(packet: Ipv4Packet, address: Ipv4Address, port: number): Ipv4Packet {
  const payload = packet.payload;
  if (payload.kind === 'tcp' || payload.kind === 'udp') {
    return { ...packet, dst: address, payload: { ...payload, dstPort: port } };
  }
  return { ...packet, dst: address };
}

/** `packet` with source `address` and, for TCP/UDP, source port `port`. */
export function rewriteSource(packet: Ipv4Packet, address: Ipv4Address, port: number): Ipv4Packet {
  const payload = packet.payload;
  if (payload.kind === 'tcp' || payload.kind === 'udp') {
    return { ...packet, src: address, payload: { ...payload, srcPort: port } };
  }
  return { ...packet, src: address };
}
