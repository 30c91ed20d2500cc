/**
 * Run counts, and test timeouts, that follow the global fast-check setting. A property that sets its own
 * `numRuns` (a slow one fewer, a cheap one more) otherwise ignores a soak session's larger
 * global `numRuns`; `scaledRuns(40)` is 40 under fast-check's default of 100 runs and 800
 * when the global setting is 2,000 (lbsim's `LBSIM_SOAK=1`, vitest.setup.ts).
 */
import fc from 'fast-check';

/** `n` scaled by the global `numRuns` over fast-check's default of 100; at least 1. */
export function scaledRuns(n: number): number {
  return Math.max(1, Math.round((n * (fc.readConfigureGlobal().numRuns ?? 100)) / 100));
}

/** Timeout of a property test at fast-check's default of 100 runs, ms: ten minutes. */
const propertyTimeoutAtDefaultRunsMs = 600_000;

/**
 * Timeout of a property test, ms, scaled like {@link scaledRuns}: ten minutes at the default
 * 100 runs, 200 minutes in a soak session of 2,000. A property is bounded by its case count
 * (`numRuns`), never by wall time: its timeout only catches a hang, so it sits far above the
 * property's normal run (the slowest of lbsim's own take about 30 s alone on a shared two-core
 * machine), and a busy machine does not fail a property that holds. Pass it as the test's
 * option: `it('…', { timeout: propertyTimeoutMs() }, () => { fc.assert(…) })`.
 */
export function propertyTimeoutMs(): number {
  return scaledRuns(propertyTimeoutAtDefaultRunsMs);
}
