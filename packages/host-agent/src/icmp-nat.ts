/**
 * NAT of ICMP errors at the Host Agent. An ICMP error a Mux tunnels here was sent to the VIP
 * and quotes the VIP's reply (source VIP:frontendPort); the VM knows that flow by its own
 * address and backend port. Translating the destination and the quote lets the VM's stack find
 * the connection — which is what makes path MTU discovery work behind a load balancer
 * (docs/mechanics.md §2.7, §4.5).
 */
import type { IcmpMessage, IcmpQuote, Ipv4Packet } from '@lbsim/core';

/** The flow an ICMP error quotes, as the client sent it (the reverse of the quoted packet). */
export function quotedInboundTuple(quote: IcmpQuote) {
  return {
    protocol: quote.protocol,
    srcAddress: quote.dst,
    srcPort: quote.dstPort,
    dstAddress: quote.src,
    dstPort: quote.srcPort,
  };
}

/** The ICMP error with its destination and quoted source changed to the VM's view. */
export function translateIcmpError(packet: Ipv4Packet, guestAddress: number, backendPort: number): Ipv4Packet {
  const message = packet.payload as IcmpMessage;
  const quote = message.quote;
  if (quote === undefined) return { ...packet, dst: guestAddress };
  return {
    ...packet,
    dst: guestAddress,
    payload: { ...message, quote: { ...quote, src: guestAddress, srcPort: backendPort } },
  };
}
