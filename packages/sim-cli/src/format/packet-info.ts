/**
 * One-line descriptions of packets in the style of capture tools: ports, flags and lengths,
 * with the inner packet of IP-in-IP shown inside brackets.
 */
import {
  formatIpProtocol,
  formatIpv4Address,
  formatTcpFlags,
  type Ipv4Packet,
  ipProtocolOf,
  ipv4TotalLength,
} from '@lbsim/core';

/** The protocol column: TCP, UDP, ICMP, IPIP, or FRAG for a fragment. */
export function protocolColumn(packet: Ipv4Packet): string {
  if (packet.payload.kind === 'fragment') return 'FRAG';
  return formatIpProtocol(ipProtocolOf(packet));
}

/** The info column, e.g. `52000 → 80 [SYN] Len=0 MSS=1460`. */
export function packetInfo(packet: Ipv4Packet): string {
  const payload = packet.payload;
  switch (payload.kind) {
    case 'tcp': {
      const options = [
        payload.mss === undefined ? '' : ` MSS=${payload.mss}`,
        payload.timestamp === undefined ? '' : ` TSval=${payload.timestamp.value}`,
      ].join('');
      return `${payload.srcPort} → ${payload.dstPort} [${formatTcpFlags(payload.flags)}] Len=${payload.payloadLength}${options}`;
    }
    case 'udp':
      return `${payload.srcPort} → ${payload.dstPort} Len=${payload.payloadLength}`;
    case 'icmp':
      return `type ${payload.type} code ${payload.code}${payload.quote === undefined ? '' : ` about ${formatIpv4Address(payload.quote.src)}:${payload.quote.srcPort} → ${formatIpv4Address(payload.quote.dst)}:${payload.quote.dstPort}`}`;
    case 'ipv4':
      return `⟨${formatIpv4Address(payload.src)} → ${formatIpv4Address(payload.dst)} ${protocolColumn(payload)} ${packetInfo(payload)}⟩`;
    case 'fragment':
      return `id ${packet.id} offset ${packet.fragmentOffsetBytes} ${packet.moreFragments ? 'MF ' : ''}Len=${payload.bytes.length}`;
  }
}

/** Total IPv4 length in bytes, as text. */
export function lengthColumn(packet: Ipv4Packet): string {
  return String(ipv4TotalLength(packet));
}
