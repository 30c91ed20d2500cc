/**
 * Capture timestamps: virtual time counted from a fixed epoch, so the same run gives the same
 * capture bytes on any machine and any day (docs/architecture.md#determinism-and-accounting). Wireshark shows the epoch as
 * 2023-11-14 22:13:20 UTC; the times that matter are the offsets from it.
 */

/** The wall-clock second a run's virtual time 0 is written as in captures (Unix time). */
export const captureEpochSeconds = 1_700_000_000;

/** Nanoseconds per second, as a bigint for 64-bit timestamp arithmetic. */
const nsPerSecondBig = 1_000_000_000n;

/**
 * The capture timestamp of virtual time `atNs`: nanoseconds since the Unix epoch, as a bigint
 * (1.7e18 ns does not fit a double exactly).
 *
 * @param atNs virtual time, a non-negative integer number of ns
 * @throws RangeError when `atNs` is not a non-negative safe integer: the kernel never produces
 *   such a time, so this is a programmer error.
 */
export function captureTimestampNs(atNs: number): bigint {
  if (!Number.isSafeInteger(atNs) || atNs < 0) throw new RangeError(`virtual time ${atNs} ns is not a time`);
  return BigInt(captureEpochSeconds) * nsPerSecondBig + BigInt(atNs);
}

/**
 * The capture timestamp of `atNs` split as classic pcap records hold it: whole seconds since
 * the Unix epoch and the nanoseconds within that second.
 */
export function captureTimestampParts(atNs: number): { readonly seconds: number; readonly nanoseconds: number } {
  const total = captureTimestampNs(atNs);
  return { seconds: Number(total / nsPerSecondBig), nanoseconds: Number(total % nsPerSecondBig) };
}
