/**
 * Run counts that follow the global fast-check setting. A property that sets its own
 * `numRuns` (a slow one fewer, a cheap one more) otherwise ignores a soak session's larger
 * global `numRuns`; `scaledRuns(40)` is 40 under fast-check's default of 100 runs and 800
 * when the global setting is 2,000 (lbsim's `LBSIM_SOAK=1`, vitest.setup.ts).
 */
import fc from 'fast-check';

/** `n` scaled by the global `numRuns` over fast-check's default of 100; at least 1. */
export function scaledRuns(n: number): number {
  return Math.max(1, Math.round((n * (fc.readConfigureGlobal().numRuns ?? 100)) / 100));
}
