/**
 * Immutable packet records: the hot-path representation of IPv4 packets.
 *
 * Every field is a number (or a short ASCII string of application bytes), so records are cheap
 * to create and compare. A rewrite (NAT, TTL decrement, encapsulation) returns a new record and
 * never changes one another node may still hold. IP-in-IP (RFC 2003) is a packet whose payload
 * is a packet. Bytes exist only at the edges: `core/wire` encodes records with real checksums
 * and parses them back, and fragments carry the bytes they were cut from (a non-first fragment
 * has no transport header, so bytes are all it honestly has).
 *
 * Lengths and checksums are not stored: they are derived from the record when needed
 * (`packet-size.ts`, `core/wire`).
 */

import { IpProtocol } from './ip-protocol.ts';
import type { Ipv4Address } from './ipv4-address.ts';

/** TCP timestamps option (RFC 7323 §3): TSval and TSecr, each an unsigned 32-bit number. */
export interface TcpTimestampOption {
  readonly value: number;
  readonly echoReply: number;
}

/** A TCP segment (RFC 9293). */
export interface TcpSegment {
  readonly kind: 'tcp';
  readonly srcPort: number;
  readonly dstPort: number;
  /** Sequence number, unsigned 32-bit. */
  readonly seq: number;
  /** Acknowledgment number, unsigned 32-bit; meaningful when the ACK flag is set. */
  readonly ack: number;
  /** {@link TcpFlags} bitmask. */
  readonly flags: number;
  /** Receive window in bytes (unscaled 16-bit field). */
  readonly window: number;
  /** MSS option in bytes, sent on SYN segments; `undefined` when absent. */
  readonly mss: number | undefined;
  /** Timestamps option; `undefined` when absent. */
  readonly timestamp: TcpTimestampOption | undefined;
  /** Payload length in bytes. */
  readonly payloadLength: number;
  /**
   * Application bytes at the start of the payload, as ASCII text without NUL characters
   * (`data.length <= payloadLength`); the rest of the payload is zero fill.
   */
  readonly data: string;
}

/** A UDP datagram (RFC 768). */
export interface UdpDatagram {
  readonly kind: 'udp';
  readonly srcPort: number;
  readonly dstPort: number;
  /** Payload length in bytes. */
  readonly payloadLength: number;
  /** Application bytes at the start of the payload; see {@link TcpSegment.data}. */
  readonly data: string;
}

/**
 * The part of an offending datagram an ICMP error quotes (RFC 792): its IPv4 header and the
 * first 8 bytes of what followed, which for TCP and UDP hold the ports.
 */
export interface IcmpQuote {
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  readonly protocol: number;
  readonly id: number;
  readonly ttl: number;
  readonly dscp: number;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  readonly fragmentOffsetBytes: number;
  /** The quoted datagram's total length in bytes, as its header said. */
  readonly totalLength: number;
  readonly srcPort: number;
  readonly dstPort: number;
  /** Bytes 4..7 of the transport header: the TCP sequence number, or UDP length and checksum. */
  readonly transportWord: number;
}

/** ICMP message types and codes lbsim uses (RFC 792, RFC 1191). */
export const IcmpType = {
  EchoReply: 0,
  DestinationUnreachable: 3,
  EchoRequest: 8,
  TimeExceeded: 11,
} as const;

/** Codes of Destination Unreachable (RFC 792; RFC 1191 for "fragmentation needed"). */
export const IcmpUnreachableCode = {
  Port: 3,
  FragmentationNeeded: 4,
} as const;

/** An ICMP message (RFC 792). */
export interface IcmpMessage {
  readonly kind: 'icmp';
  readonly type: number;
  readonly code: number;
  /**
   * The 4 bytes after the checksum: identifier and sequence for echo, the next-hop MTU in the
   * low 16 bits for "fragmentation needed" (RFC 1191), zero otherwise.
   */
  readonly rest: number;
  /** For error messages, the quoted datagram; `undefined` for echo. */
  readonly quote: IcmpQuote | undefined;
  /** Echo payload length in bytes (zero fill); 0 for errors. */
  readonly payloadLength: number;
}

/**
 * A fragment's share of a datagram (RFC 791 §2.3): the bytes of the original IP payload from
 * the fragment's offset. Only the first fragment holds the transport header.
 */
export interface FragmentPayload {
  readonly kind: 'fragment';
  /** The IP protocol of the datagram this was cut from. */
  readonly protocol: number;
  readonly bytes: Uint8Array;
}

/** What an IPv4 packet carries. A payload of kind `ipv4` is IP-in-IP. */
export type Ipv4Payload = TcpSegment | UdpDatagram | IcmpMessage | Ipv4Packet | FragmentPayload;

/** A transport message: what a socket sends and receives. */
export type TransportPayload = TcpSegment | UdpDatagram | IcmpMessage;

/** An IPv4 packet (RFC 791). Header length is always 20 bytes: lbsim sends no IP options. */
export interface Ipv4Packet {
  readonly kind: 'ipv4';
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  readonly ttl: number;
  /** Differentiated services code point, 6 bits. */
  readonly dscp: number;
  /** Identification, 16 bits; fragments of one datagram share it. */
  readonly id: number;
  /** DF: do not fragment. */
  readonly dontFragment: boolean;
  /** MF: more fragments follow. */
  readonly moreFragments: boolean;
  /** Fragment offset in bytes (a multiple of 8; the header field holds it divided by 8). */
  readonly fragmentOffsetBytes: number;
  readonly payload: Ipv4Payload;
}

/** The IP protocol number of a packet, derived from its payload. */
export function ipProtocolOf(packet: Ipv4Packet): number {
  const payload = packet.payload;
  switch (payload.kind) {
    case 'tcp':
      return IpProtocol.Tcp;
    case 'udp':
      return IpProtocol.Udp;
    case 'icmp':
      return IpProtocol.Icmp;
    case 'ipv4':
      return IpProtocol.IpIp;
    case 'fragment':
      return payload.protocol;
  }
}

/** Whether the packet is a fragment (first or not) of a larger datagram. */
export function isFragment(packet: Pick<Ipv4Packet, 'moreFragments' | 'fragmentOffsetBytes'>): boolean {
  return packet.moreFragments || packet.fragmentOffsetBytes !== 0;
}

/** Default TTL of packets lbsim's endpoints originate (Linux `net.ipv4.ip_default_ttl`). */
export const defaultTtl = 64;

/** Header fields for {@link makeIpv4Packet}; omitted fields take common defaults. */
export interface Ipv4HeaderFields {
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  readonly ttl?: number;
  readonly dscp?: number;
  readonly id?: number;
  readonly dontFragment?: boolean;
  readonly moreFragments?: boolean;
  readonly fragmentOffsetBytes?: number;
}

/**
 * Builds an IPv4 packet. Defaults: TTL 64, DSCP 0, id 0, DF set (as Linux and Windows set it
 * on TCP for path MTU discovery), not a fragment.
 */
export function makeIpv4Packet(header: Ipv4HeaderFields, payload: Ipv4Payload): Ipv4Packet {
  return ipv4Packet(
    header.src,
    header.dst,
    header.ttl ?? defaultTtl,
    header.dscp ?? 0,
    header.id ?? 0,
    header.dontFragment ?? true,
    header.moreFragments ?? false,
    header.fragmentOffsetBytes ?? 0,
    payload,
  );
}

/**
 * The record every packet of the data path is: built by a constructor rather than an object
 * literal because V8 tracks the survival of literals per allocation site and, when packets in
 * flight outlive a young-generation collection (10,000 UDP flows at once), starts allocating
 * that site's objects in the old generation, where short-lived packets cost a full collection
 * (issue 20: 40 % of the UDP 10,000 × 10 run). Instances of a class are never pretenured that
 * way. One class also gives every packet one object shape. Fields in {@link Ipv4Packet}'s order.
 */
class Ipv4PacketRecord implements Ipv4Packet {
  readonly kind: 'ipv4';
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  readonly ttl: number;
  readonly dscp: number;
  readonly id: number;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  readonly fragmentOffsetBytes: number;
  readonly payload: Ipv4Payload;

  constructor(
    src: Ipv4Address,
    dst: Ipv4Address,
    ttl: number,
    dscp: number,
    id: number,
    dontFragment: boolean,
    moreFragments: boolean,
    fragmentOffsetBytes: number,
    payload: Ipv4Payload,
  ) {
    this.kind = 'ipv4';
    this.src = src;
    this.dst = dst;
    this.ttl = ttl;
    this.dscp = dscp;
    this.id = id;
    this.dontFragment = dontFragment;
    this.moreFragments = moreFragments;
    this.fragmentOffsetBytes = fragmentOffsetBytes;
    this.payload = payload;
  }
}

/**
 * An IPv4 packet with every header field given (no defaults): what {@link makeIpv4Packet}
 * builds, without a header-fields record, for the code that builds a packet per hop.
 */
export function ipv4Packet(
  src: Ipv4Address,
  dst: Ipv4Address,
  ttl: number,
  dscp: number,
  id: number,
  dontFragment: boolean,
  moreFragments: boolean,
  fragmentOffsetBytes: number,
  payload: Ipv4Payload,
): Ipv4Packet {
  return new Ipv4PacketRecord(src, dst, ttl, dscp, id, dontFragment, moreFragments, fragmentOffsetBytes, payload);
}

/** Fields for {@link makeTcpSegment}; omitted fields are zero or absent. */
export interface TcpSegmentFields {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq?: number;
  readonly ack?: number;
  readonly flags: number;
  readonly window?: number;
  readonly mss?: number | undefined;
  readonly timestamp?: TcpTimestampOption | undefined;
  readonly payloadLength?: number;
  readonly data?: string;
}

/** Default receive window advertised by lbsim's TCP (bytes; the largest unscaled value). */
export const defaultTcpWindow = 65535;

/** Builds a TCP segment; the payload length defaults to the length of `data`. */
export function makeTcpSegment(fields: TcpSegmentFields): TcpSegment {
  const data = fields.data ?? '';
  return {
    kind: 'tcp',
    srcPort: fields.srcPort,
    dstPort: fields.dstPort,
    seq: fields.seq ?? 0,
    ack: fields.ack ?? 0,
    flags: fields.flags,
    window: fields.window ?? defaultTcpWindow,
    mss: fields.mss,
    timestamp: fields.timestamp,
    payloadLength: fields.payloadLength ?? data.length,
    data,
  };
}

/** Builds a UDP datagram; the payload length defaults to the length of `data`. */
export function makeUdpDatagram(fields: {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payloadLength?: number;
  readonly data?: string;
}): UdpDatagram {
  const data = fields.data ?? '';
  return {
    kind: 'udp',
    srcPort: fields.srcPort,
    dstPort: fields.dstPort,
    payloadLength: fields.payloadLength ?? data.length,
    data,
  };
}

/** Returns a copy of `packet` with the given header fields replaced. */
export function withIpv4Header(packet: Ipv4Packet, fields: Partial<Ipv4HeaderFields>): Ipv4Packet {
  return { ...packet, ...fields };
}

/** Returns a copy of `packet` carrying `payload`. */
export function withPayload(packet: Ipv4Packet, payload: Ipv4Payload): Ipv4Packet {
  return { ...packet, payload };
}
