/**
 * Virtual time: an integer number of nanoseconds since the start of a run, held in a `number`
 * (exact up to 2^53 ns, about 104 days — far beyond any scenario).
 */

/** Nanoseconds per microsecond, millisecond, second and minute. */
export const nsPerUs = 1_000;
export const nsPerMs = 1_000_000;
export const nsPerSecond = 1_000_000_000;
export const nsPerMinute = 60 * nsPerSecond;
/** Nanoseconds per hour. */
export const nsPerHour = 60 * nsPerMinute;

/**
 * The first value of an object field that will hold nanosecond times or other integers that
 * outgrow 31 bits (TCP sequence numbers and timestamps), or numbers read from a `Float64Array`
 * (the event queue's lanes keep sequence numbers there); the constructor then stores the
 * field's real value.
 *
 * Why: V8 keeps a number field that has only held integers below 2^31 as a small integer. The
 * first larger value (a time past 2.147 s, a sequence number past 2^31, a backed-off RTO), or
 * a number that V8 holds as a double (read from a `Float64Array`), makes it a double field,
 * which retires the object's hidden class: every optimised function that used the class is
 * thrown away and compiled again, in the middle of a run (the TCP workload lost 20 to 30 such
 * functions at 2.147 s of virtual time). A field whose first value is not a small integer is a
 * double field from the start.
 */
export const doubleFieldStart = Number.NaN;

/** Whole nanoseconds in `seconds` (rounded to the nearest nanosecond). */
export function secondsToNs(seconds: number): number {
  return Math.round(seconds * nsPerSecond);
}

/** Whole nanoseconds in `ms` milliseconds. */
export function msToNs(ms: number): number {
  return Math.round(ms * nsPerMs);
}

/**
 * Formats a virtual time as seconds with nanosecond digits, the way capture tools print
 * relative time: `12.000150000`.
 */
export function formatTimeNs(timeNs: number): string {
  const seconds = Math.floor(timeNs / nsPerSecond);
  const fraction = String(timeNs - seconds * nsPerSecond).padStart(9, '0');
  return `${seconds}.${fraction}`;
}

/**
 * Formats a duration for people with the largest unit that divides it, or seconds and below
 * with up to three decimals: `1000h`, `4min`, `90s`, `30s`, `1.5ms`.
 */
export function formatDurationNs(durationNs: number): string {
  if (durationNs !== 0 && durationNs % nsPerHour === 0) return `${durationNs / nsPerHour}h`;
  if (durationNs !== 0 && durationNs % nsPerMinute === 0) return `${durationNs / nsPerMinute}min`;
  if (durationNs >= nsPerSecond) return `${trim(durationNs / nsPerSecond)}s`;
  if (durationNs >= nsPerMs) return `${trim(durationNs / nsPerMs)}ms`;
  if (durationNs >= nsPerUs) return `${trim(durationNs / nsPerUs)}µs`;
  return `${durationNs}ns`;
}

function trim(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}
