/**
 * CPU time of this process (user + system, `process.cpuUsage`), the figure that holds on a
 * shared machine where wall time depends on what else runs.
 */

/** CPU time used by this process so far, in ms. */
export function cpuTimeMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** The median of `values` (the upper one of an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
