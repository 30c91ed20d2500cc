/**
 * The catalogue sweeps (scenarios/sweeps/*.sweep.yaml) converge where their expectations say.
 * Their full seed counts take minutes of CPU (docs/sweeps.md gives the commands and the
 * figures they gave); here each runs in-process on a few seeds, and each expectation's
 * `near ± within` is widened by four standard errors of the mean over those seeds — wide
 * enough that a sweep meeting its expectation at full size passes, narrow enough that a
 * wrong limit (1/N against 1 − 1/N, or a rate off by a tenth) fails.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkExpectations, parseSweepText, planSweep, runInProcess, runSweep } from '@lbsim/sweep';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from './support.ts';

/** Each catalogue sweep with the seeds the test runs (the file's own are many more). */
const reduced: ReadonlyArray<readonly [string, string]> = [
  ['ilb-self-mapping', '1..12'],
  ['dip-removal', '1..3'],
  ['snat-exhaustion', '1..1'],
];

describe('the catalogue sweeps', () => {
  for (const [id, seeds] of reduced) {
    it(`${id} converges where its expectations say (seeds ${seeds})`, async () => {
      const file = join(repositoryRoot, 'scenarios/sweeps', `${id}.sweep.yaml`);
      const loaded = parseSweepText(readFileSync(file, 'utf8'), file);
      if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
      const sweep = { ...loaded.sweep, seeds };
      const beside = join(repositoryRoot, 'scenarios/sweeps', sweep.scenario);
      const scenarioFile = sweep.scenario.endsWith('.yaml')
        ? beside
        : join(repositoryRoot, 'scenarios', sweep.scenario, 'broken.yaml');
      const planned = planSweep(sweep, readFileSync(scenarioFile, 'utf8'), scenarioFile);
      if (!planned.ok) throw new Error(planned.errors.join('\n'));
      const outcome = await runSweep(planned.plan, runInProcess, new AbortController().signal);
      expect(outcome.engine.kind).toBe('finished');
      expect(outcome.records.every((record) => record.status === 'completed')).toBe(true);
      const verdicts = sweep.expect.flatMap((expectation) => {
        const { near, within } = expectation.mean;
        return outcome.summaries
          .filter((summary) =>
            Object.entries(expectation.where ?? {}).every(([name, value]) => summary.parameters[name] === value),
          )
          .map((summary) => {
            const statistics = summary.measures[expectation.measure];
            const standardError =
              statistics?.standardDeviation === null || statistics === undefined
                ? 0
                : (statistics.standardDeviation ?? 0) / Math.sqrt(statistics.n);
            const slack = 4 * standardError;
            const mean =
              near === undefined || within === undefined ? expectation.mean : { near, within: within + slack };
            return checkExpectations([{ ...expectation, mean }], [summary])[0];
          });
      });
      expect(verdicts.length).toBeGreaterThan(0);
      expect(verdicts.filter((verdict) => !verdict?.met)).toEqual([]);
    }, 120_000);
  }
});
