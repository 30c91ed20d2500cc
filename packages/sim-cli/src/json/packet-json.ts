/**
 * Packets as JSON objects for `--json` (fields documented in docs/json-output.md): the IPv4
 * header's fields, then exactly one of `tcp`, `udp`, `icmp`, `inner` (IP-in-IP) or
 * `fragment`, so consumers switch on which key is present.
 */
import {
  formatIpProtocol,
  formatIpv4Address,
  type Ipv4Packet,
  ipProtocolOf,
  ipv4TotalLength,
  tcpFlagNames,
} from '@lbsim/core';

/** A packet as `--json` writes it. */
export interface PacketJson {
  readonly src: string;
  readonly dst: string;
  /** `TCP`, `UDP`, `ICMP`, `IPIP`, or the protocol number of anything else. */
  readonly protocol: string;
  /** IPv4 total length, bytes. */
  readonly length: number;
  readonly ttl: number;
  readonly dscp: number;
  /** IPv4 identification. */
  readonly id: number;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  readonly fragmentOffsetBytes: number;
  readonly tcp?: TcpJson;
  readonly udp?: { readonly srcPort: number; readonly dstPort: number; readonly payloadLength: number };
  readonly icmp?: IcmpJson;
  readonly inner?: PacketJson;
  /** A fragment: the bytes it carries (its transport header only if it is the first). */
  readonly fragment?: { readonly payloadBytes: number };
}

/** A TCP segment as `--json` writes it. */
export interface TcpJson {
  readonly srcPort: number;
  readonly dstPort: number;
  /** Flag names in header order: `FIN`, `SYN`, `RST`, `PSH`, `ACK`, `URG`, `ECE`, `CWR`. */
  readonly flags: readonly string[];
  readonly seq: number;
  readonly ack: number;
  readonly window: number;
  readonly payloadLength: number;
  /** The MSS option, on segments that carry it. */
  readonly mss?: number;
  /** The timestamps option (RFC 7323), on segments that carry it. */
  readonly timestamp?: { readonly value: number; readonly echoReply: number };
}

/** An ICMP message as `--json` writes it. */
export interface IcmpJson {
  readonly type: number;
  readonly code: number;
  /** The packet the error is about, when it quotes one. */
  readonly quote?: {
    readonly src: string;
    readonly dst: string;
    readonly protocol: string;
    readonly srcPort: number;
    readonly dstPort: number;
  };
}

/** A packet record as JSON. */
export function packetToJson(packet: Ipv4Packet): PacketJson {
  const header = {
    src: formatIpv4Address(packet.src),
    dst: formatIpv4Address(packet.dst),
    protocol: formatIpProtocol(ipProtocolOf(packet)),
    length: ipv4TotalLength(packet),
    ttl: packet.ttl,
    dscp: packet.dscp,
    id: packet.id,
    dontFragment: packet.dontFragment,
    moreFragments: packet.moreFragments,
    fragmentOffsetBytes: packet.fragmentOffsetBytes,
  };
  const payload = packet.payload;
  switch (payload.kind) {
    case 'tcp':
      return {
        ...header,
        tcp: {
          srcPort: payload.srcPort,
          dstPort: payload.dstPort,
          flags: tcpFlagNames(payload.flags),
          seq: payload.seq,
          ack: payload.ack,
          window: payload.window,
          payloadLength: payload.payloadLength,
          ...(payload.mss === undefined ? {} : { mss: payload.mss }),
          ...(payload.timestamp === undefined
            ? {}
            : { timestamp: { value: payload.timestamp.value, echoReply: payload.timestamp.echoReply } }),
        },
      };
    case 'udp':
      return {
        ...header,
        udp: { srcPort: payload.srcPort, dstPort: payload.dstPort, payloadLength: payload.payloadLength },
      };
    case 'icmp': {
      const quote = payload.quote;
      return {
        ...header,
        icmp: {
          type: payload.type,
          code: payload.code,
          ...(quote === undefined
            ? {}
            : {
                quote: {
                  src: formatIpv4Address(quote.src),
                  dst: formatIpv4Address(quote.dst),
                  protocol: formatIpProtocol(quote.protocol),
                  srcPort: quote.srcPort,
                  dstPort: quote.dstPort,
                },
              }),
        },
      };
    }
    case 'ipv4':
      return { ...header, inner: packetToJson(payload) };
    case 'fragment':
      return { ...header, fragment: { payloadBytes: payload.bytes.length } };
  }
}
