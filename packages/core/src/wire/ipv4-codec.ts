/**
 * Whole IPv4 packets ⇄ bytes: the header, then TCP, UDP, ICMP, an inner IPv4 packet (IP-in-IP,
 * RFC 2003) or a fragment's bytes. Checksums are computed on encode; decode can verify them.
 */
import { IpProtocol } from '../net/ip-protocol.ts';
import { type Ipv4Packet, type Ipv4Payload, ipProtocolOf, ipv4Packet, isFragment } from '../net/packet.ts';
import { ipv4HeaderBytes, ipv4TotalLength } from '../net/packet-size.ts';
import { readIcmpMessage, writeIcmpMessage } from './icmp-codec.ts';
import { readIpv4Header, writeIpv4Header } from './ipv4-header.ts';
import { type WireResult, wireError, wireOk } from './result.ts';
import { readTcpSegment, writeTcpSegment } from './tcp-codec.ts';
import { readUdpDatagram, writeUdpDatagram } from './udp-codec.ts';

/** The largest IPv4 packet (the total length field is 16 bits). */
export const maxIpv4PacketBytes = 65535;

/**
 * Encodes a packet record as the bytes that would be on the wire.
 *
 * @throws RangeError when the packet is longer than 65,535 bytes: records are built by the
 *   simulation, so this is a programmer error, not input.
 */
export function encodeIpv4Packet(packet: Ipv4Packet): Uint8Array {
  const length = ipv4TotalLength(packet);
  if (length > maxIpv4PacketBytes) {
    throw new RangeError(`IPv4 packet of ${length} bytes exceeds ${maxIpv4PacketBytes}`);
  }
  const out = new Uint8Array(length);
  writeIpv4Packet(out, 0, packet, length);
  return out;
}

function writeIpv4Packet(out: Uint8Array, offset: number, packet: Ipv4Packet, length: number): void {
  writeIpv4Header(out, offset, { ...packet, protocol: ipProtocolOf(packet), totalLength: length });
  writePayload(out, offset + ipv4HeaderBytes, packet.payload, packet.src, packet.dst);
}

function writePayload(out: Uint8Array, offset: number, payload: Ipv4Payload, src: number, dst: number): void {
  switch (payload.kind) {
    case 'tcp':
      writeTcpSegment(out, offset, payload, src, dst);
      return;
    case 'udp':
      writeUdpDatagram(out, offset, payload, src, dst);
      return;
    case 'icmp':
      writeIcmpMessage(out, offset, payload);
      return;
    case 'ipv4':
      writeIpv4Packet(out, offset, payload, ipv4TotalLength(payload));
      return;
    case 'fragment':
      out.set(payload.bytes, offset);
      return;
  }
}

/** Options for {@link decodeIpv4Packet}. */
export interface DecodeOptions {
  /** Reject packets whose IPv4, TCP, UDP or ICMP checksum does not verify (default true). */
  readonly verifyChecksums?: boolean;
}

/**
 * Decodes the bytes of an IPv4 packet into a record.
 *
 * A fragment (MF set or a non-zero offset) decodes to a `fragment` payload holding its bytes,
 * whatever its protocol: reassembly (`fragment.ts`) turns fragments back into a datagram.
 *
 * @returns the record, or an error naming the first thing wrong: truncation, a length that
 *   disagrees with the bytes, a bad checksum, or a protocol lbsim does not model.
 */
export function decodeIpv4Packet(bytes: Uint8Array, options: DecodeOptions = {}): WireResult<Ipv4Packet> {
  return readIpv4Packet(bytes, 0, bytes.length, options.verifyChecksums ?? true);
}

function readIpv4Packet(bytes: Uint8Array, offset: number, available: number, verify: boolean): WireResult<Ipv4Packet> {
  const header = readIpv4Header(bytes, offset, verify);
  if (!header.ok) return header;
  const h = header.value;
  if (h.totalLength < ipv4HeaderBytes || h.totalLength > available) {
    return wireError(`IPv4 total length ${h.totalLength} does not fit the ${available} bytes given`);
  }
  const payloadOffset = offset + ipv4HeaderBytes;
  const payloadLength = h.totalLength - ipv4HeaderBytes;
  const payload = readPayload(bytes, payloadOffset, payloadLength, h, verify);
  if (!payload.ok) return payload;
  return wireOk(
    ipv4Packet(
      h.src,
      h.dst,
      h.ttl,
      h.dscp,
      h.id,
      h.dontFragment,
      h.moreFragments,
      h.fragmentOffsetBytes,
      payload.value,
    ),
  );
}

function readPayload(
  bytes: Uint8Array,
  offset: number,
  length: number,
  header: { readonly src: number; readonly dst: number; readonly protocol: number } & Pick<
    Ipv4Packet,
    'moreFragments' | 'fragmentOffsetBytes'
  >,
  verify: boolean,
): WireResult<Ipv4Payload> {
  if (isFragment(header)) {
    return wireOk({ kind: 'fragment', protocol: header.protocol, bytes: bytes.slice(offset, offset + length) });
  }
  switch (header.protocol) {
    case IpProtocol.Tcp:
      return readTcpSegment(bytes, offset, length, header.src, header.dst, verify);
    case IpProtocol.Udp:
      return readUdpDatagram(bytes, offset, length, header.src, header.dst, verify);
    case IpProtocol.Icmp:
      return readIcmpMessage(bytes, offset, length, verify);
    case IpProtocol.IpIp:
      return readIpv4Packet(bytes, offset, length, verify);
    default:
      return wireError(`IP protocol ${header.protocol} is not modelled`);
  }
}
