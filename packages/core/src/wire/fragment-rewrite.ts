/**
 * Reading and rewriting fragments at the byte level, for load balancers and NATs that handle
 * fragments without reassembling them.
 *
 * Only the first fragment holds the transport header, so only it shows ports — and only it
 * holds the transport checksum, which covers the whole datagram. A NAT that changes addresses
 * or ports therefore patches that checksum incrementally (RFC 1624: HC' = ~(~HC + ~m + m') for
 * each changed 16-bit word m → m'), since it never sees the rest of the datagram at once.
 */
import { IpProtocol } from '../net/ip-protocol.ts';
import type { Ipv4Address } from '../net/ipv4-address.ts';
import type { FragmentPayload, Ipv4Packet } from '../net/packet.ts';

/** The ports of a first fragment of a TCP or UDP datagram, or `undefined` for any other packet. */
export function firstFragmentPorts(
  packet: Ipv4Packet,
): { readonly srcPort: number; readonly dstPort: number } | undefined {
  const payload = packet.payload;
  if (payload.kind !== 'fragment' || packet.fragmentOffsetBytes !== 0 || payload.bytes.length < 4) return undefined;
  if (payload.protocol !== IpProtocol.Tcp && payload.protocol !== IpProtocol.Udp) return undefined;
  const bytes = payload.bytes;
  return {
    srcPort: ((bytes[0] as number) << 8) | (bytes[1] as number),
    dstPort: ((bytes[2] as number) << 8) | (bytes[3] as number),
  };
}

/** Address and port changes for {@link rewriteFragment}; omitted fields stay. */
export interface FragmentRewrite {
  readonly src?: Ipv4Address;
  readonly srcPort?: number;
  readonly dst?: Ipv4Address;
  readonly dstPort?: number;
}

/**
 * A fragment with addresses and, in a first fragment, ports changed; the transport checksum in
 * a first fragment is updated incrementally so the reassembled datagram still verifies.
 */
export function rewriteFragment(packet: Ipv4Packet, change: FragmentRewrite): Ipv4Packet {
  const payload = packet.payload;
  if (payload.kind !== 'fragment') throw new Error('rewriteFragment needs a fragment');
  const src = change.src ?? packet.src;
  const dst = change.dst ?? packet.dst;
  const ports = firstFragmentPorts(packet);
  if (ports === undefined) return { ...packet, src, dst };
  const bytes = payload.bytes.slice();
  const checksumOffset = payload.protocol === IpProtocol.Tcp ? 16 : 6;
  const pairs: Array<readonly [number, number]> = [
    [packet.src >>> 16, src >>> 16],
    [packet.src & 0xffff, src & 0xffff],
    [packet.dst >>> 16, dst >>> 16],
    [packet.dst & 0xffff, dst & 0xffff],
  ];
  const srcPort = change.srcPort ?? ports.srcPort;
  const dstPort = change.dstPort ?? ports.dstPort;
  pairs.push([ports.srcPort, srcPort], [ports.dstPort, dstPort]);
  writeWord(bytes, 0, srcPort);
  writeWord(bytes, 2, dstPort);
  if (bytes.length >= checksumOffset + 2) {
    const old = readWord(bytes, checksumOffset);
    // A UDP checksum of 0 means "none" (RFC 768): leave it so.
    if (!(payload.protocol === IpProtocol.Udp && old === 0)) {
      let updated = updateChecksum(old, pairs);
      if (payload.protocol === IpProtocol.Udp && updated === 0) updated = 0xffff;
      writeWord(bytes, checksumOffset, updated);
    }
  }
  const rewritten: FragmentPayload = { kind: 'fragment', protocol: payload.protocol, bytes };
  return { ...packet, src, dst, payload: rewritten };
}

/** RFC 1624 eqn. 3 over several word changes. */
function updateChecksum(checksum: number, changes: ReadonlyArray<readonly [number, number]>): number {
  let sum = ~checksum & 0xffff;
  for (const [from, to] of changes) sum += (~from & 0xffff) + to;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function readWord(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] as number) << 8) | (bytes[offset + 1] as number);
}

function writeWord(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = (value >>> 8) & 0xff;
  bytes[offset + 1] = value & 0xff;
}
