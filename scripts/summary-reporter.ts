/**
 * A vitest reporter that ends the run with the sizes of the property and fuzz suites and then
 * the line CI reads: `N passed, N failed, N skipped`.
 *
 * Sizes come from each test's meta (vitest.setup.ts records the runs of every fast-check
 * property and the seed): per file, the number of properties and their runs; for the fuzz
 * suites (test/fuzz-*.test.ts, test/runaway.test.ts), the number of cases: every run of a
 * property, and every test without one as a case of its own.
 */
import type { Reporter, TestModule } from 'vitest/node';

/** Files whose cases count as fuzz cases. */
const fuzzFile = /(^|\/)test\/(fuzz-[^/]+|runaway)\.test\.ts$/;

const count = (n: number) => n.toLocaleString('en-US');

/** The lines describing the suites' sizes, from the test modules of a run. */
export function suiteSizeLines(testModules: ReadonlyArray<TestModule>): string[] {
  const perFile: Array<{ file: string; runs: number[] }> = [];
  const seeds = new Set<number>();
  let fuzzCases = 0;
  const fuzzPerFile: string[] = [];
  for (const module of testModules) {
    const file = module.relativeModuleId;
    const runs: number[] = [];
    let cases = 0;
    for (const test of module.children.allTests()) {
      const meta = test.meta();
      const propertyRuns = meta.fastCheckRuns ?? [];
      runs.push(...propertyRuns);
      if (meta.fastCheckSeed !== undefined) seeds.add(meta.fastCheckSeed);
      cases += propertyRuns.length > 0 ? propertyRuns.reduce((a, b) => a + b, 0) : 1;
    }
    if (runs.length > 0) perFile.push({ file, runs });
    if (fuzzFile.test(file)) {
      fuzzCases += cases;
      fuzzPerFile.push(`${file} ${count(cases)}`);
    }
  }
  if (perFile.length === 0) return [];
  const all = perFile.flatMap((entry) => entry.runs);
  const range = (runs: readonly number[]) => {
    const low = Math.min(...runs);
    const high = Math.max(...runs);
    return low === high ? count(low) : `${count(low)}–${count(high)}`;
  };
  const lines = [
    `property-based tests: ${count(all.length)} ${all.length === 1 ? 'property' : 'properties'}, ${count(all.reduce((a, b) => a + b, 0))} runs (${range(all)} per property), fast-check seed ${[...seeds].join(', ')}`,
    ...perFile
      .sort((a, b) => a.file.localeCompare(b.file))
      .map(
        ({ file, runs }) =>
          `  ${file}: ${runs.length} ${runs.length === 1 ? 'property' : 'properties'} × ${range(runs)} runs`,
      ),
  ];
  if (fuzzPerFile.length > 0) lines.push(`fuzz cases: ${count(fuzzCases)} (${fuzzPerFile.sort().join(', ')})`);
  return lines;
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      // A file that fails to load has no tests but must still fail the run.
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++;
    }
    const sizes = suiteSizeLines(testModules);
    process.stdout.write(`\n${sizes.map((line) => `${line}\n`).join('')}`);
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
