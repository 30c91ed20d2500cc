/**
 * fast-check settings for every test file: a fixed seed by default so the test run is
 * repeatable (CI and local alike); `FC_SEED=<n>` replays a failure, `FC_SEED=random` explores,
 * and `LBSIM_SOAK=1` multiplies the number of runs for long soak sessions (tests that set
 * their own numRuns scale it the same way: `runs()` in test/support.ts).
 *
 * A failing property prints its seed and path (fast-check's report, kept: no custom
 * reporter; test/fast-check-config.test.ts checks). A global plugin records the runs of every
 * property a test checks and holds, with the seed, in the test's meta;
 * scripts/summary-reporter.ts prints the sizes of the suites from them.
 */
import fc from 'fast-check';
import { afterEach, beforeEach } from 'vitest';

declare module 'vitest' {
  interface TaskMeta {
    /** Runs of each fast-check property the test checked, in order. */
    fastCheckRuns?: number[];
    /** The fast-check seed of the run. */
    fastCheckSeed?: number;
  }
}

const seedSetting = process.env['FC_SEED'];
const seed =
  seedSetting === undefined || seedSetting === ''
    ? 20261123
    : seedSetting === 'random'
      ? (Date.now() ^ (Math.random() * 0x100000000)) | 0
      : Number(seedSetting);
const soak = process.env['LBSIM_SOAK'] === '1';

fc.configureGlobal({ seed, numRuns: soak ? 2000 : 100, endOnFailure: true });

let propertyRuns: number[] = [];
fc.installGlobalPlugin(() => ({
  onAllRunsComplete: (details) => {
    // A property that fails is reported by fast-check; the sizes count the suites that hold.
    if (!details.failed) propertyRuns.push(details.numRuns);
  },
}));
beforeEach(() => {
  propertyRuns = [];
});
afterEach(({ task }) => {
  if (propertyRuns.length === 0) return;
  task.meta.fastCheckRuns = propertyRuns;
  task.meta.fastCheckSeed = seed;
});
