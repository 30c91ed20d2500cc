/**
 * Sizes of headers and packets in bytes, derived from records (lengths are never stored).
 */
import type { Ipv4Packet, Ipv4Payload, TcpSegment } from './packet.ts';

/** IPv4 header without options (RFC 791). lbsim sends no IP options. */
export const ipv4HeaderBytes = 20;
/** UDP header (RFC 768). */
export const udpHeaderBytes = 8;
/** TCP header without options (RFC 9293). */
export const tcpBaseHeaderBytes = 20;
/** ICMP header: type, code, checksum and the 4-byte rest of header (RFC 792). */
export const icmpHeaderBytes = 8;
/** Bytes of the offending datagram an ICMP error quotes beyond its IP header (RFC 792). */
export const icmpQuotedTransportBytes = 8;
/** MSS option: kind 2, length 4 (RFC 9293 §3.2). */
export const tcpMssOptionBytes = 4;
/** Timestamps option (10 bytes, RFC 7323) preceded by two NOPs so it stays 4-byte aligned. */
export const tcpTimestampOptionBytes = 12;

/** Length of a TCP header in bytes including its options (a multiple of 4). */
export function tcpHeaderBytes(segment: TcpSegment): number {
  return (
    tcpBaseHeaderBytes +
    (segment.mss === undefined ? 0 : tcpMssOptionBytes) +
    (segment.timestamp === undefined ? 0 : tcpTimestampOptionBytes)
  );
}

/** Length in bytes of what an IPv4 header is followed by. */
export function ipv4PayloadBytes(payload: Ipv4Payload): number {
  switch (payload.kind) {
    case 'tcp':
      return tcpHeaderBytes(payload) + payload.payloadLength;
    case 'udp':
      return udpHeaderBytes + payload.payloadLength;
    case 'icmp':
      return (
        icmpHeaderBytes +
        (payload.quote === undefined ? payload.payloadLength : ipv4HeaderBytes + icmpQuotedTransportBytes)
      );
    case 'ipv4':
      return ipv4TotalLength(payload);
    case 'fragment':
      return payload.bytes.length;
  }
}

/** The IPv4 total length field of a packet: header plus payload, in bytes. */
export function ipv4TotalLength(packet: Ipv4Packet): number {
  return ipv4HeaderBytes + ipv4PayloadBytes(packet.payload);
}
