import { formatIpv4Address, type Ipv4Address, parseIpv4Address } from './ipv4-address.ts';

/** An IPv4 prefix (CIDR block) such as 10.0.0.0/24. */
export interface Ipv4Prefix {
  /** The network address with the host bits cleared. */
  readonly network: Ipv4Address;
  /** Prefix length in bits, 0..32. */
  readonly length: number;
}

/** The netmask of a prefix length as an unsigned 32-bit integer (24 → 0xffffff00). */
export function prefixMask(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

/**
 * Parses `a.b.c.d/n`. A bare address is read as a /32.
 *
 * @returns the prefix, or `undefined` when the text is not an address with an optional length
 *   0..32, or when host bits are set (`10.0.0.1/24`), which is almost always a typo.
 */
export function parseIpv4Prefix(text: string): Ipv4Prefix | undefined {
  const slash = text.indexOf('/');
  const address = parseIpv4Address(slash === -1 ? text : text.slice(0, slash));
  if (address === undefined) return undefined;
  if (slash === -1) return { network: address, length: 32 };
  const lengthText = text.slice(slash + 1);
  if (!/^\d{1,2}$/.test(lengthText)) return undefined;
  const length = Number(lengthText);
  if (length > 32) return undefined;
  if ((address & ~prefixMask(length)) >>> 0 !== 0) return undefined;
  return { network: address, length };
}

/** Whether `address` lies in `prefix`. */
export function prefixContains(prefix: Ipv4Prefix, address: Ipv4Address): boolean {
  return (address & prefixMask(prefix.length)) >>> 0 === prefix.network;
}

/** Formats a prefix as `a.b.c.d/n`. */
export function formatIpv4Prefix(prefix: Ipv4Prefix): string {
  return `${formatIpv4Address(prefix.network)}/${prefix.length}`;
}
