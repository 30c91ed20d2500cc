/**
 * IPv4 addresses as unsigned 32-bit integers.
 *
 * Inside the simulation an address is a plain `number` in 0..2^32-1 (network byte order read as
 * a big-endian integer: 10.1.0.4 is 0x0a010004). Text is parsed and formatted only at the edges:
 * the scenario loader, the trace printer and the capture writer.
 */

/** An IPv4 address as an unsigned 32-bit integer (10.1.0.4 = 0x0a010004). */
export type Ipv4Address = number;

const dottedQuad = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Parses a dotted-quad IPv4 address.
 *
 * Only the four-part decimal form is accepted: legacy `inet_aton` forms such as `10.1`
 * (which some libraries read as 10.0.0.1) and leading zeros (`010.1.0.4`, octal in some
 * parsers) are rejected, so a scenario never means something other than what it shows.
 *
 * @param text e.g. `"10.1.0.4"`
 * @returns the address as an unsigned 32-bit integer, or `undefined` when `text` is not a
 *   dotted-quad address.
 */
export function parseIpv4Address(text: string): Ipv4Address | undefined {
  const match = dottedQuad.exec(text);
  if (match === null) return undefined;
  let address = 0;
  for (let i = 1; i <= 4; i++) {
    const part = match[i] as string;
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    address = address * 256 + octet;
  }
  return address;
}

/**
 * Formats an address as a dotted quad.
 *
 * @param address an unsigned 32-bit integer; negative values from JavaScript bitwise
 *   operators are normalised first.
 */
export function formatIpv4Address(address: Ipv4Address): string {
  const a = address >>> 0;
  return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

/**
 * Parses a dotted-quad address that is known to be valid (constants in code and tests).
 *
 * @throws Error when `text` is not a dotted-quad address: a programmer error, never input.
 */
export function ipv4(text: string): Ipv4Address {
  const address = parseIpv4Address(text);
  if (address === undefined) throw new Error(`not an IPv4 address: ${JSON.stringify(text)}`);
  return address;
}
