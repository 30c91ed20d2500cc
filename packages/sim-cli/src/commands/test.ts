/**
 * `lbsim test <dir>`: runs every scenario under a directory against its expectations and
 * reports each as met, not met or invalid, one line as each finishes, then a tally. Exit 0
 * only when every scenario's expectations are met.
 *
 * Scenarios in a folder named `scale` (scenarios/scale/: a million connections, minutes of
 * wall time) are scale runs, not checks: they are listed as skipped unless the directory
 * given is itself a scale folder or inside one. Entries that cannot be read (a dangling link
 * such as an editor's lock file, a link loop) are listed as skipped too, and the rest run.
 */
import { errorCount, loadScenarioFile, type RunResult, runScenario, shortStopReason } from '@lbsim/scenario';
import { type CatalogueEntry, findScenarios } from '../catalogue/find-scenarios.ts';
import { terminalText } from '../format/terminal-text.ts';
import type { CliIo, ExitCode } from '../io.ts';

/** The verdict on one scenario file. */
export type ScenarioVerdict =
  | { readonly kind: 'met'; readonly detail: string }
  | { readonly kind: 'not met'; readonly detail: string }
  | { readonly kind: 'invalid'; readonly detail: string };

function verdictOfRun(result: RunResult): ScenarioVerdict {
  if (result.status.kind !== 'completed') {
    return {
      kind: 'invalid',
      detail: `the run stopped after ${result.status.eventsRun} events: ${shortStopReason(result.status)}`,
    };
  }
  const total = result.expectations.length;
  const failed = result.expectations.filter((expectation) => !expectation.met);
  const first = failed[0];
  if (first === undefined) {
    return { kind: 'met', detail: total === 0 ? 'no expectations' : `${total} expectation${total === 1 ? '' : 's'}` };
  }
  return {
    kind: 'not met',
    detail: `${failed.length} of ${total} not met; first: ${first.description}: ${first.actual}`,
  };
}

/** Loads and runs one scenario file; `heapLimitBytes` as in {@link CliIo}. */
export function judgeScenario(entry: CatalogueEntry, heapLimitBytes?: number): ScenarioVerdict {
  const loaded = loadScenarioFile(entry.path, { heapLimitBytes });
  if (!loaded.ok) {
    const count = errorCount(loaded.errors);
    const first = loaded.errors[0];
    return {
      kind: 'invalid',
      detail: `${count} problem${count === 1 ? '' : 's'}${first === undefined ? '' : `; first: ${first.message}`}`,
    };
  }
  return verdictOfRun(runScenario(loaded.scenario, heapLimitBytes === undefined ? {} : { heapLimitBytes }));
}

const labels: Readonly<Record<ScenarioVerdict['kind'], string>> = {
  met: 'met    ',
  'not met': 'NOT MET',
  invalid: 'INVALID',
};

/**
 * Tests every scenario under `directory`. Exit 0 when all are met, 1 when one is not met, 2
 * when one is invalid or there is nothing to test.
 */
export function testCommand(directory: string, io: CliIo): ExitCode {
  const found = findScenarios(directory);
  if (!found.ok) {
    io.stderr(`lbsim: ${found.error}\n`);
    return 2;
  }
  if (found.entries.length === 0) {
    io.stderr(`lbsim: no scenario files (*.yaml) under ${directory}\n`);
    return 2;
  }
  const print = (text: string) => io.stdout(terminalText(text, io.stdoutColumns));
  const tally = { met: 0, 'not met': 0, invalid: 0 };
  // Lines are printed as each scenario finishes; the paths are known first, so they align.
  const width = Math.max(...[...found.entries, ...found.skipped].map((entry) => entry.path.length));
  const scaleRuns = found.entries.filter(isScaleRun);
  const skipped = [
    ...found.skipped,
    ...scaleRuns.map((entry) => ({ path: entry.path, reason: 'a scale run; run it alone with lbsim run' })),
  ];
  for (const entry of skipped) print(`skipped  ${entry.path.padEnd(width)}  ${entry.reason}\n`);
  const judged = found.entries.filter((entry) => !isScaleRun(entry));
  for (const entry of judged) {
    const verdict = judgeScenario(entry, io.heapLimitBytes);
    tally[verdict.kind]++;
    print(`${labels[verdict.kind]}  ${entry.path.padEnd(width)}  ${verdict.detail}\n`);
  }
  const total = judged.length;
  const skippedText = skipped.length > 0 ? `, ${skipped.length} skipped` : '';
  print(
    `\n${total} scenario${total === 1 ? '' : 's'}: ${tally.met} met, ${tally['not met']} not met, ${tally.invalid} invalid${skippedText}\n`,
  );
  if (total === 0) {
    io.stderr(`lbsim: only scale runs under ${directory}; run them with lbsim run\n`);
    return 2;
  }
  if (tally.invalid > 0) return 2;
  return tally['not met'] > 0 ? 1 : 0;
}

/** Whether an entry is a scale run: inside a `scale` folder below the directory given. */
function isScaleRun(entry: CatalogueEntry): boolean {
  return entry.variant !== '' && entry.id.split('/').includes('scale');
}
