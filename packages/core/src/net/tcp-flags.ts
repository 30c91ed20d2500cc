/**
 * TCP header flags as a bitmask, bit positions as on the wire (RFC 9293 §3.1: the low byte
 * of the 16-bit field that follows the data offset).
 */
export const TcpFlags = {
  Fin: 0x01,
  Syn: 0x02,
  Rst: 0x04,
  Psh: 0x08,
  Ack: 0x10,
  Urg: 0x20,
  Ece: 0x40,
  Cwr: 0x80,
} as const;

/** (bit, name) in header bit order, FIN first. */
const bitOrder: ReadonlyArray<readonly [number, string]> = Object.entries(TcpFlags).map(
  ([name, bit]) => [bit, name.toUpperCase()] as const,
);

/** The names of the flags set in `flags`, in header bit order: `['SYN', 'ACK']`. */
export function tcpFlagNames(flags: number): string[] {
  return bitOrder.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
}

/** Whether every flag in `mask` is set in `flags`. */
export function hasFlags(flags: number, mask: number): boolean {
  return (flags & mask) === mask;
}

/** Formats flags the way capture tools print them: `SYN, ACK` (SYN first, then bit order). */
export function formatTcpFlags(flags: number): string {
  const set = tcpFlagNames(flags);
  const syn = set.indexOf('SYN');
  if (syn > 0) set.unshift(...set.splice(syn, 1));
  return set.join(', ');
}
