/**
 * The same scenario and seed give byte-identical output in any process (docs/architecture.md#determinism-and-accounting): per
 * catalogue scenario, two separate `lbsim run --trace --pcap --report` processes, their output
 * and every file they wrote compared by SHA-256; and two `--json` processes for one scenario
 * (JSON lines are the same trace events formatted otherwise; every scenario's JSON is compared
 * in-process by packages/sim-cli/test/json-output.test.ts). One pair of processes per scenario
 * keeps the suite's time in check as the catalogue grows. The processes run the built command
 * (`pnpm build`'s bundle, built afresh into a temporary directory), as a user's `lbsim` runs:
 * the same code as the sources, without compiling TypeScript in each of the 120 processes.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogueFile, catalogueScenarios, loadCatalogueScenario, repositoryRoot, runWithTrace } from './support.ts';

const scenarios = catalogueScenarios();
let bundle = '';

beforeAll(() => {
  const out = mkdtempSync(join(tmpdir(), 'lbsim-determinism-build-'));
  execFileSync(process.execPath, ['--import', 'tsx', join(repositoryRoot, 'scripts/build.ts'), '--out', out], {
    cwd: repositoryRoot,
    stdio: 'pipe',
  });
  bundle = join(out, 'dist', 'lbsim.js');
}, 120_000);

/**
 * Digest of `lbsim run <scenario> <options>` in a fresh process: what it printed and, with
 * `files`, the captures and the report it wrote.
 */
function digestOfRun(name: string, options: readonly string[], files: boolean): string {
  const directory = mkdtempSync(join(tmpdir(), 'lbsim-determinism-'));
  const captures = join(directory, 'captures');
  const report = join(directory, 'report.html');
  const outputs = files ? ['--pcap', captures, '--report', report] : [];
  const stdout = execFileSync(process.execPath, [bundle, 'run', catalogueFile(name), ...options, ...outputs], {
    cwd: repositoryRoot,
    encoding: 'buffer',
    maxBuffer: 512 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const hash = createHash('sha256').update(stdout);
  if (files) {
    hash.update(readFileSync(report));
    for (const file of readdirSync(captures).sort()) hash.update(file).update(readFileSync(join(captures, file)));
  }
  return hash.digest('hex');
}

describe('determinism', () => {
  for (const name of scenarios) {
    it(`${name}: two processes print byte-identical traces and summaries and write identical captures and reports`, () => {
      expect(digestOfRun(name, ['--trace'], true)).toBe(digestOfRun(name, ['--trace'], true));
    });
  }

  it('basic-public-lb: two processes print byte-identical JSON lines', () => {
    expect(digestOfRun('basic-public-lb', ['--json'], false)).toBe(digestOfRun('basic-public-lb', ['--json'], false));
  });

  it('another seed gives another trace; the same seed in-process gives the same', () => {
    const scenario = loadCatalogueScenario('basic-public-lb');
    const digest = (seed: number) =>
      createHash('sha256')
        .update(JSON.stringify(runWithTrace(scenario, seed).events.map((e) => [e.atNs, e.node, e.kind, e.note])))
        .digest('hex');
    expect(digest(11)).toBe(digest(11));
    expect(digest(11)).not.toBe(digest(12));
  });
});
