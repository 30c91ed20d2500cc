/**
 * IPv4 fragmentation and reassembly of bytes (RFC 791 §2.3, §3.2).
 *
 * A datagram larger than the link MTU with DF clear is cut into fragments whose data lengths
 * are multiples of 8 bytes (all but the last); every fragment repeats the IP header with the
 * same identification, MF set on all but the last, and the offset of its data in bytes. Only
 * the first fragment holds the transport header, which is why a load balancer hashing ports
 * cannot place the others (docs/mechanics.md §2.7).
 */
import { type Ipv4Packet, ipProtocolOf, isFragment } from '../net/packet.ts';
import { ipv4HeaderBytes, ipv4TotalLength } from '../net/packet-size.ts';
import { decodeIpv4Packet, encodeIpv4Packet } from './ipv4-codec.ts';
import { writeIpv4Header } from './ipv4-header.ts';
import { type WireResult, wireError } from './result.ts';

/**
 * Cuts `packet` into fragments that each fit `mtuBytes`.
 *
 * @returns `[packet]` when it fits; the fragments in offset order when it does not and DF is
 *   clear; `undefined` when it does not fit and DF is set (the caller drops it and may answer
 *   with ICMP "fragmentation needed", RFC 1191).
 * @throws RangeError when the MTU leaves no room for 8 bytes of data (below 28 bytes; RFC 791
 *   requires every link to carry 68): a configuration the scenario schema rejects first.
 */
export function fragmentPacket(packet: Ipv4Packet, mtuBytes: number): Ipv4Packet[] | undefined {
  if (ipv4TotalLength(packet) <= mtuBytes) return [packet];
  if (packet.dontFragment) return undefined;
  const chunk = Math.floor((mtuBytes - ipv4HeaderBytes) / 8) * 8;
  if (chunk < 8) throw new RangeError(`MTU ${mtuBytes} cannot carry a fragment`);
  const protocol = ipProtocolOf(packet);
  const payloadBytes = encodeIpv4Packet(packet).subarray(ipv4HeaderBytes);
  const fragments: Ipv4Packet[] = [];
  for (let start = 0; start < payloadBytes.length; start += chunk) {
    const end = Math.min(start + chunk, payloadBytes.length);
    fragments.push({
      ...packet,
      // Re-fragmenting a fragment keeps its place in the original datagram and its MF.
      fragmentOffsetBytes: packet.fragmentOffsetBytes + start,
      moreFragments: end === payloadBytes.length ? packet.moreFragments : true,
      payload: { kind: 'fragment', protocol, bytes: payloadBytes.slice(start, end) },
    });
  }
  return fragments;
}

/**
 * Reassembles the fragments of one datagram, given in any order.
 *
 * @returns the datagram decoded from the joined bytes (checksums verified), or an error when
 *   the fragments disagree on the datagram they belong to, overlap, leave a hole or lack the
 *   last fragment.
 */
export function reassembleFragments(fragments: readonly Ipv4Packet[]): WireResult<Ipv4Packet> {
  const first = fragments[0];
  if (first === undefined) return wireError('no fragments to reassemble');
  const sorted = [...fragments].sort((a, b) => a.fragmentOffsetBytes - b.fragmentOffsetBytes);
  const protocol = ipProtocolOf(first);
  let expected = 0;
  for (const fragment of sorted) {
    if (
      fragment.src !== first.src ||
      fragment.dst !== first.dst ||
      fragment.id !== first.id ||
      fragment.payload.kind !== 'fragment' ||
      fragment.payload.protocol !== protocol ||
      !isFragment(fragment)
    ) {
      return wireError('fragments do not belong to one datagram');
    }
    if (fragment.fragmentOffsetBytes !== expected) {
      return wireError(
        fragment.fragmentOffsetBytes > expected
          ? `hole at offset ${expected}`
          : `overlap at offset ${fragment.fragmentOffsetBytes}`,
      );
    }
    expected += fragment.payload.bytes.length;
  }
  if ((sorted[sorted.length - 1] as Ipv4Packet).moreFragments) {
    return wireError(`last fragment missing after offset ${expected}`);
  }
  const bytes = new Uint8Array(ipv4HeaderBytes + expected);
  writeIpv4Header(bytes, 0, {
    ...first,
    protocol,
    moreFragments: false,
    fragmentOffsetBytes: 0,
    totalLength: bytes.length,
  });
  let offset = ipv4HeaderBytes;
  for (const fragment of sorted) {
    if (fragment.payload.kind !== 'fragment') continue;
    bytes.set(fragment.payload.bytes, offset);
    offset += fragment.payload.bytes.length;
  }
  return decodeIpv4Packet(bytes);
}
