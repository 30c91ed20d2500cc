/**
 * Address and port rewrites (NAT). Each returns a new packet; ports are rewritten only for
 * TCP and UDP, and never in fragments (a non-first fragment has no ports).
 *
 * The new records are written out field by field rather than spread: every packet then has the
 * one shape `makeIpv4Packet` gives it, which keeps the nodes that read packets monomorphic
 * (issue 20: a NAT rewrite ran on every packet of the data path).
 */
import type { Ipv4Address } from './ipv4-address.ts';
import { type Ipv4Packet, type Ipv4Payload, ipv4Packet, type UdpDatagram } from './packet.ts';

/** `packet` with destination `address` and, for TCP/UDP, destination port `port`. */
export function rewriteDestination(packet: Ipv4Packet, address: Ipv4Address, port: number): Ipv4Packet {
  const payload = packet.payload;
  // A port that stays (a rule whose backend port is its frontend port) keeps the payload:
  // payloads are immutable, so the new packet shares it rather than copying it.
  if ((payload.kind !== 'udp' && payload.kind !== 'tcp') || payload.dstPort === port) {
    return withAddresses(packet, packet.src, address, payload);
  }
  if (payload.kind === 'udp') {
    return withAddresses(packet, packet.src, address, udpWithPorts(payload, payload.srcPort, port));
  }
  return withAddresses(packet, packet.src, address, { ...payload, dstPort: port });
}

/** `packet` with source `address` and, for TCP/UDP, source port `port`. */
export function rewriteSource(packet: Ipv4Packet, address: Ipv4Address, port: number): Ipv4Packet {
  const payload = packet.payload;
  if ((payload.kind !== 'udp' && payload.kind !== 'tcp') || payload.srcPort === port) {
    return withAddresses(packet, address, packet.dst, payload);
  }
  if (payload.kind === 'udp') {
    return withAddresses(packet, address, packet.dst, udpWithPorts(payload, port, payload.dstPort));
  }
  return withAddresses(packet, address, packet.dst, { ...payload, srcPort: port });
}

/** A copy of `packet` with new addresses and payload (same field order as `makeIpv4Packet`). */
function withAddresses(packet: Ipv4Packet, src: Ipv4Address, dst: Ipv4Address, payload: Ipv4Payload): Ipv4Packet {
  return ipv4Packet(
    src,
    dst,
    packet.ttl,
    packet.dscp,
    packet.id,
    packet.dontFragment,
    packet.moreFragments,
    packet.fragmentOffsetBytes,
    payload,
  );
}

/** A copy of a UDP datagram with new ports (same field order as `makeUdpDatagram`). */
function udpWithPorts(datagram: UdpDatagram, srcPort: number, dstPort: number): UdpDatagram {
  return { kind: 'udp', srcPort, dstPort, payloadLength: datagram.payloadLength, data: datagram.data };
}
