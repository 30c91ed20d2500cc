/**
 * Building the quote an ICMP error carries (RFC 792): the offending datagram's IP header and
 * the first 8 bytes after it, taken from its encoding so every field is exactly what was sent.
 */
import type { IcmpQuote, Ipv4Packet } from '../net/packet.ts';
import { ipProtocolOf } from '../net/packet.ts';
import { ipv4HeaderBytes, ipv4TotalLength } from '../net/packet-size.ts';
import { encodeIpv4Packet } from './ipv4-codec.ts';

/** The {@link IcmpQuote} of `packet`. */
export function icmpQuoteOf(packet: Ipv4Packet): IcmpQuote {
  const bytes = encodeIpv4Packet(packet);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const word = (offset: number): number => (offset + 4 <= bytes.length ? view.getUint32(offset) : 0);
  const ports = word(ipv4HeaderBytes);
  return {
    src: packet.src,
    dst: packet.dst,
    protocol: ipProtocolOf(packet),
    id: packet.id,
    ttl: packet.ttl,
    dscp: packet.dscp,
    dontFragment: packet.dontFragment,
    moreFragments: packet.moreFragments,
    fragmentOffsetBytes: packet.fragmentOffsetBytes,
    totalLength: ipv4TotalLength(packet),
    srcPort: ports >>> 16,
    dstPort: ports & 0xffff,
    transportWord: word(ipv4HeaderBytes + 4),
  };
}
