/**
 * Helpers shared by the cross-package suites.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TraceEvent } from '@lbsim/core';
import { propertyTimeoutMs, scaledRuns } from '@lbsim/core/testing';
import { loadScenarioFile, type RunResult, runScenario, type Scenario } from '@lbsim/scenario';

/** The repository root. */
export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A catalogue scenario file by name: its path under scenarios/ without `.yaml`. */
export function catalogueFile(name: string): string {
  return join(repositoryRoot, 'scenarios', `${name}.yaml`);
}

/**
 * The folder of scale runs (a million connections, minutes of wall time): not a failure mode,
 * and left out of the catalogue the tests run; `pnpm bench` and docs/performance.md cover it.
 */
export const scaleFolder = 'scale';

/**
 * The folder of catalogue sweeps (`*.sweep.yaml`, run by `lbsim sweep`) and their base
 * scenarios: not a failure mode; the base scenarios are catalogue scenarios all the same.
 */
export const sweepsFolder = 'sweeps';

/** The failure-mode folders under scenarios/, sorted (top-level files are plain demos). */
export function failureModeFolders(): string[] {
  const directory = join(repositoryRoot, 'scenarios');
  return readdirSync(directory)
    .filter((name) => name !== scaleFolder && name !== sweepsFolder && statSync(join(directory, name)).isDirectory())
    .sort();
}

/** Every catalogue scenario's name (path under scenarios/ without `.yaml`), sorted; no scale runs. */
export function catalogueScenarios(): string[] {
  const found: string[] = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory).sort()) {
      const path = join(directory, entry);
      if (statSync(path).isDirectory()) {
        if (path !== join(repositoryRoot, 'scenarios', scaleFolder)) walk(path);
      } else if (entry.endsWith('.yaml') && !entry.endsWith('.sweep.yaml'))
        found.push(relative(join(repositoryRoot, 'scenarios'), path).replace(/\.yaml$/, ''));
    }
  };
  walk(join(repositoryRoot, 'scenarios'));
  return found;
}

/** Loads a catalogue scenario, failing the test with its diagnostics if it does not load. */
export function loadCatalogueScenario(name: string): Scenario {
  const result = loadScenarioFile(catalogueFile(name));
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.scenario;
}

/** Runs a scenario keeping every trace event. */
export function runWithTrace(scenario: Scenario, seed?: number): { result: RunResult; events: TraceEvent[] } {
  const events: TraceEvent[] = [];
  const result = runScenario(scenario, {
    sinks: [{ record: (event) => events.push(event) }],
    ...(seed === undefined ? {} : { seed }),
  });
  return { result, events };
}

/** The broken variant of a catalogue entry: `scenarios/<id>/broken.yaml`. */
export function brokenScenarioFile(id: string): string {
  return join(repositoryRoot, 'scenarios', id, 'broken.yaml');
}

/** Loads a scenario file, failing the test with its diagnostics if it does not load. */
export function loadScenario(file: string): Scenario {
  const result = loadScenarioFile(file);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.scenario;
}

/** Runs for a property that sets its own `numRuns`, scaled under `LBSIM_SOAK=1` (see scaledRuns). */
export const runs: (n: number) => number = scaledRuns;

/** Timeout of a property test, ms (see propertyTimeoutMs in @lbsim/core/testing). */
export const propertyTimeout: number = propertyTimeoutMs();
/** A fenced ```yaml block of a doc under docs/ that is a complete scenario. */
export interface DocsScenarioExample {
  /** The doc, from the repository root: `docs/scenario-format.md`. */
  readonly doc: string;
  /** Its place among the doc's yaml blocks, from 1. */
  readonly index: number;
  readonly text: string;
}

/**
 * Every ```yaml block of docs/*.md that is a complete scenario (it has `name:` and `hosts:` at
 * the top level); fragments that show a few keys are left out.
 */
export function docsScenarioExamples(): DocsScenarioExample[] {
  const directory = join(repositoryRoot, 'docs');
  return readdirSync(directory)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .flatMap((name) => {
      const blocks = [...readFileSync(join(directory, name), 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)];
      return blocks
        .map((match, i) => ({ doc: `docs/${name}`, index: i + 1, text: match[1] as string }))
        .filter((example) => /^name:/m.test(example.text) && /^hosts:/m.test(example.text));
    });
}

/**
 * Cases of the hostile-input soak property (test/fuzz-loader.test.ts): 200 in an ordinary
 * run, 100,000 under `LBSIM_SOAK=1` (issue 16's soak figure, docs/testing.md), or
 * `LBSIM_SOAK_CASES=<n>` to soak for a shorter or longer time.
 */
export const hostileInputRuns: number =
  Number(process.env['LBSIM_SOAK_CASES'] ?? '') || (process.env['LBSIM_SOAK'] === '1' ? 100_000 : runs(200));
