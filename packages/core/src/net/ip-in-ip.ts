/**
 * IP-in-IP encapsulation (RFC 2003), the tunnel from a Mux to the host of a DIP
 * (docs/mechanics.md §1.2: outer destination the DIP, outer source the Mux itself; the inner packet is left
 * untouched, so the DIP's replies can go straight back to the client).
 */
import type { Ipv4Address } from './ipv4-address.ts';
import type { Ipv4Packet } from './packet.ts';
import { defaultTtl, ipv4Packet } from './packet.ts';

/**
 * Wraps `inner` in an outer IPv4 header from `src` to `dst`.
 *
 * Per RFC 2003 §3.1 the outer header copies the inner TOS (DSCP) and DF bit, so a
 * don't-fragment packet stays one after encapsulation — which is exactly how a 1460-byte
 * segment becomes a 1520-byte packet that a 1500-byte link must drop (docs/mechanics.md §1.4).
 *
 * @param id identification of the outer header (16 bits)
 */
export function encapsulateIpIp(inner: Ipv4Packet, src: Ipv4Address, dst: Ipv4Address, id: number): Ipv4Packet {
  return ipv4Packet(src, dst, defaultTtl, inner.dscp, id & 0xffff, inner.dontFragment, false, 0, inner);
}

/** The inner packet of an IP-in-IP packet, or `undefined` when `packet` is not one. */
export function decapsulateIpIp(packet: Ipv4Packet): Ipv4Packet | undefined {
  return packet.payload.kind === 'ipv4' ? packet.payload : undefined;
}
