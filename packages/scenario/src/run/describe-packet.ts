/**
 * Packets in one line, the way explanations and drop records quote them: protocol, addresses
 * with ports, TCP flags and the IPv4 total length, the inner packet of IP-in-IP in brackets.
 * The capture-style trace table has its own columns (sim-cli format/packet-info.ts); this is the
 * prose form for sentences such as "… dropped TCP 203.0.113.7:50422 → 52.170.10.20:80 [SYN] 60 B".
 */
import {
  formatIpProtocol,
  formatIpv4Address,
  formatTcpFlags,
  type Ipv4Packet,
  ipv4TotalLength,
  TcpFlags,
} from '@lbsim/core';

/**
 * The packet in one line, e.g. `TCP 203.0.113.7:50422 → 52.170.10.20:80 [SYN] 60 B`,
 * `IPIP 100.127.0.2 → 10.1.0.4 ⟨TCP … [SYN]⟩ 80 B`, `UDP fragment id 221 offset 0 MF
 * 203.0.113.9 → 52.170.60.10 1500 B`. Lengths are IPv4 total lengths in bytes.
 */
export function describePacket(packet: Ipv4Packet): string {
  return `${describeContent(packet)} ${ipv4TotalLength(packet)} B`;
}

function describeContent(packet: Ipv4Packet): string {
  const src = formatIpv4Address(packet.src);
  const dst = formatIpv4Address(packet.dst);
  const payload = packet.payload;
  switch (payload.kind) {
    case 'tcp': {
      const data = payload.payloadLength === 0 ? '' : ` Len=${payload.payloadLength}`;
      return `TCP ${src}:${payload.srcPort} → ${dst}:${payload.dstPort} [${formatTcpFlags(payload.flags)}]${data}`;
    }
    case 'udp':
      return `UDP ${src}:${payload.srcPort} → ${dst}:${payload.dstPort} Len=${payload.payloadLength}`;
    case 'icmp': {
      const quote = payload.quote;
      const about =
        quote === undefined
          ? ''
          : ` about ${formatIpv4Address(quote.src)}:${quote.srcPort} → ${formatIpv4Address(quote.dst)}:${quote.dstPort}`;
      return `ICMP ${src} → ${dst} type ${payload.type} code ${payload.code}${about}`;
    }
    case 'ipv4':
      return `IPIP ${src} → ${dst} ⟨${describeContent(payload)}⟩`;
    case 'fragment':
      return `${formatIpProtocol(payload.protocol)} fragment id ${packet.id} offset ${packet.fragmentOffsetBytes}${packet.moreFragments ? ' MF' : ''} ${src} → ${dst}`;
  }
}

/** The innermost packet: the packet itself, or what an IP-in-IP tunnel carries. */
export function innermostPacket(packet: Ipv4Packet): Ipv4Packet {
  return packet.payload.kind === 'ipv4' ? innermostPacket(packet.payload) : packet;
}

/** Destination port of the innermost TCP or UDP header; `undefined` for ICMP and fragments. */
export function destinationPortOf(packet: Ipv4Packet): number | undefined {
  const payload = innermostPacket(packet).payload;
  return payload.kind === 'tcp' || payload.kind === 'udp' ? payload.dstPort : undefined;
}

/** Whether the innermost packet is a TCP SYN without ACK: a connection attempt. */
export function isConnectionAttempt(packet: Ipv4Packet): boolean {
  const payload = innermostPacket(packet).payload;
  return payload.kind === 'tcp' && (payload.flags & (TcpFlags.Syn | TcpFlags.Ack)) === TcpFlags.Syn;
}
