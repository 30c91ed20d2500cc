/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of
 * 16-bit big-endian words, with an odd trailing byte padded by a zero byte.
 */

/**
 * Adds `bytes[start, end)` to a running 32-bit one's complement sum (not yet folded).
 * @param sum the sum so far (start with 0)
 */
export function sumWords(bytes: Uint8Array, start: number, end: number, sum: number): number {
  let s = sum;
  let i = start;
  for (; i + 1 < end; i += 2) s += ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
  if (i < end) s += (bytes[i] as number) << 8;
  return s;
}

/** Folds a running sum to 16 bits and complements it: the value to put in a checksum field. */
export function finishChecksum(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** The Internet checksum of `bytes[start, end)`. */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return finishChecksum(sumWords(bytes, start, end, 0));
}

/**
 * The running sum of the IPv4 pseudo-header TCP and UDP checksums cover (RFC 9293 §3.1,
 * RFC 768): source, destination, zero, protocol, transport length.
 */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, transportLength: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + transportLength;
}
