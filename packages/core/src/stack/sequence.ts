/**
 * TCP sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4): comparisons hold across
 * wrap-around as long as the numbers compared are within 2^31 of each other.
 */

/** `a + n` modulo 2^32. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}

/** Whether `a` comes before `b`. */
export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** Whether `a` comes before or equals `b`. */
export function seqLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}
