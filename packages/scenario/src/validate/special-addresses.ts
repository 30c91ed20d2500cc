/**
 * IPv4 ranges no NIC, frontend IP (VIP) or Internet host can have: Azure refuses them as
 * addresses of a virtual network, and the Internet routes none of them (RFC 6890's
 * special-purpose registry). The Azure list is the virtual network FAQ's "Are there any
 * restrictions on using IP addresses within these subnets?"
 * (https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq): multicast
 * 224.0.0.0/4, broadcast 255.255.255.255/32, loopback 127.0.0.0/8, link-local 169.254.0.0/16
 * and the platform address 168.63.129.16/32 (the last is checked with the address claims in
 * references.ts, with its own message).
 */
import { type Ipv4Prefix, parseIpv4Prefix, prefixContains } from '@lbsim/core';

/** A special-purpose range and what it is, for messages. */
export interface SpecialRange {
  readonly prefix: Ipv4Prefix;
  /** The range as written, e.g. `127.0.0.0/8`. */
  readonly text: string;
  /** What the range is, e.g. `loopback`. */
  readonly name: string;
  /** What an address in it is, e.g. `a loopback address`. */
  readonly kind: string;
}

function range(text: string, name: string, kind: string): SpecialRange {
  return { prefix: parseIpv4Prefix(text) as Ipv4Prefix, text, name, kind };
}

/**
 * The ranges, most specific first so 255.255.255.255 is named as broadcast rather than as
 * reserved: "this network" 0.0.0.0/8 (RFC 1122 §3.2.1.3), loopback (RFC 1122), link-local
 * (RFC 3927), multicast (RFC 5771), limited broadcast (RFC 919) and reserved 240.0.0.0/4
 * (RFC 1112 §4).
 */
export const specialRanges: readonly SpecialRange[] = [
  range('255.255.255.255/32', 'broadcast', 'the broadcast address'),
  range('0.0.0.0/8', '"this network"', 'a "this network" address'),
  range('127.0.0.0/8', 'loopback', 'a loopback address'),
  range('169.254.0.0/16', 'link-local', 'a link-local address'),
  range('224.0.0.0/4', 'multicast', 'a multicast address'),
  range('240.0.0.0/4', 'reserved', 'a reserved address'),
];

/** The special range holding `address`, or `undefined` for an ordinary unicast address. */
export function specialRangeOf(address: number): SpecialRange | undefined {
  return specialRanges.find((candidate) => prefixContains(candidate.prefix, address));
}

/** Whether two prefixes share an address: the shorter one holds the other's network. */
export function prefixesOverlap(a: Ipv4Prefix, b: Ipv4Prefix): boolean {
  return a.length <= b.length ? prefixContains(a, b.network) : prefixContains(b, a.network);
}
