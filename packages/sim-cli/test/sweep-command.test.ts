/**
 * `lbsim sweep` in-process (`--workers 0`): the table, the JSON lines and the report on a small
 * sweep; bad input is one clear message and exit 2; other files are never overwritten.
 * Threads and the queue run the built bundle: test/sweep-engines.test.ts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lbsim, lbsimWith } from './in-process.ts';

const root = join(import.meta.dirname, '../../..');
const sweepFile = join(root, 'scenarios/sweeps/ilb-self-mapping.sweep.yaml');

describe('lbsim sweep', () => {
  it('prints the table and verdicts, writes JSON lines in run order and a report with confidence bands', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'lbsim-sweep-command-'));
    const out = join(directory, 'runs.jsonl');
    const report = join(directory, 'sweep.html');
    const result = await lbsim(
      'sweep',
      sweepFile,
      '--workers',
      '0',
      '--seeds',
      '1..3',
      '--out',
      out,
      '--report',
      report,
    );
    expect(result.stderr).toContain('7 grid points × 3 seeds = 21 runs in this process');
    expect(result.stdout.split('\n')[0]).toMatch(/^N +measure +n +mean +±95% CI +min +max$/);
    expect(result.stdout).toMatch(/^1 +failed +3 +1\.0000 +0\.0000 +1\.0000 +1\.0000$/m);
    expect(result.stdout).toContain('21 runs; ');
    // Three seeds are too few for ±0.02: some expectations are not met, and the exit says so.
    expect(result.code).toBe(result.stdout.includes('NOT MET') ? 1 : 0);
    const runs = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { run: number; seed: number; parameters: { N: number } });
    expect(runs.map((run) => run.run)).toEqual([...Array(21).keys()]);
    expect(runs.slice(3, 6).map((run) => [run.parameters.N, run.seed])).toEqual([
      [2, 1],
      [2, 2],
      [2, 3],
    ]);
    const page = readFileSync(report, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(page).toContain('<polygon points=');
  }, 120_000);

  it('shows a progress bar of runs on a terminal', async () => {
    const result = await lbsimWith(['sweep', sweepFile, '--workers', '0', '--seeds', '1..1'], {
      stderrIsTty: true,
      stderrColumns: 100,
    });
    expect(result.stderr).toMatch(/sweeping \[.*\] \d+% \| \d+ of 7 runs/);
  }, 60_000);

  it('refuses bad input with one message and exit 2', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'lbsim-sweep-bad-'));
    const cases: ReadonlyArray<readonly [readonly string[], RegExp]> = [
      [['sweep', join(directory, 'missing.sweep.yaml')], /no sweep file/],
      [['sweep', sweepFile, '--seeds', '9..1'], /empty/],
      [['sweep', sweepFile, '--seeds', 'many'], /--seeds takes first\.\.last/],
      [['sweep', sweepFile, '--workers', '-1'], /--workers takes an integer/],
      [['sweep', sweepFile, '--queue', 'http://x'], /redis:\/\//],
      [['worker', '--queue', 'nonsense'], /Redis URL/],
    ];
    for (const [argv, message] of cases) {
      const result = await lbsim(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr, argv.join(' ')).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    const badSweep = join(directory, 'bad.sweep.yaml');
    writeFileSync(
      badSweep,
      `name: bad\nscenario: ${join(root, 'scenarios/sweeps/ilb-self-mapping-pool.yaml')}\nseeds: 1..2\nparameters:\n  - { name: muxes, path: network.muxes, values: [0] }\nmeasures:\n  - { name: m, traffic: from-web-1, outcome: completed }\n`,
    );
    const invalid = await lbsim('sweep', badSweep, '--workers', '0');
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/with muxes=0: network\.muxes: /);
  }, 120_000);

  it('does not overwrite a file that is not an earlier sweep output', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'lbsim-sweep-keep-'));
    const precious = join(directory, 'notes.txt');
    writeFileSync(precious, 'my notes\n');
    for (const option of ['--out', '--report']) {
      const result = await lbsim('sweep', sweepFile, '--workers', '0', '--seeds', '1..1', option, precious);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/does not overwrite/);
      expect(readFileSync(precious, 'utf8')).toBe('my notes\n');
    }
  });
});
