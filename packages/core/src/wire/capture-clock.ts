/**
 * Capture timestamps: virtual time itself, with the run starting at the Unix epoch (time 0), as
 * ns-3 writes its captures. So `frame.time_epoch` in Wireshark is run time in seconds, the same
 * scale in every file of a run (two vantage points compare directly), and the same run gives
 * the same capture bytes on any machine and any day. Wireshark shows the absolute time as
 * 1970-01-01 00:00:00 UTC plus run time.
 */

/** The Unix time a run's virtual time 0 is written as in captures: the epoch itself. */
export const captureEpochSeconds = 0;

/** Nanoseconds per second, as a bigint for 64-bit timestamp arithmetic. */
const nsPerSecondBig = 1_000_000_000n;

/**
 * The capture timestamp of virtual time `atNs`: nanoseconds since the Unix epoch, as a bigint
 * (pcapng holds 64 bits).
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
