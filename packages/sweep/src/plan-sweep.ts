/**
 * Planning a sweep: the grid (every combination of the parameters' steps, the first parameter
 * varying slowest), each grid point's scenario checked once before anything runs, and the runs
 * in their fixed order — grid point by grid point, each with every seed in the sweep file's
 * order. A run's index is `point × seeds + seed's place`, whatever engine runs it.
 */
import { parseScenarioText } from '@lbsim/scenario';
import { parse } from 'yaml';
import { parsePath, valueAtPath, withValueAtPath } from './parameter-path.ts';
import type { RunTask } from './run-task.ts';
import type { Parameter, SweepFile } from './schema/sweep-file.ts';
import { expandSeeds } from './seed-range.ts';

/** One combination of parameter values, and the scenario it gives. */
export interface GridPoint {
  readonly point: number;
  /** The values by parameter name, in the sweep file's order (for `first`, the k). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The scenario document with these values, as JSON text. */
  readonly scenarioText: string;
}

/** A sweep ready to run. */
export interface SweepPlan {
  readonly sweep: SweepFile;
  readonly points: readonly GridPoint[];
  readonly seeds: readonly number[];
  /** Runs in all: points × seeds. */
  readonly runCount: number;
  /** The run with index `run` (0 ≤ run < runCount). */
  readonly taskAt: (run: number) => RunTask;
}

/** A plan, or every problem found in the parameters and the grid points' scenarios. */
export type PlanResult =
  | { readonly ok: true; readonly plan: SweepPlan }
  | { readonly ok: false; readonly errors: readonly string[] };

/** One parameter's steps: the value recorded for each, and how each changes a document. */
interface ParameterSteps {
  readonly name: string;
  readonly labels: readonly unknown[];
  readonly apply: (document: unknown, step: number) => { ok: true; document: unknown } | { ok: false; error: string };
}

/**
 * Plans `sweep` over the scenario `scenarioText` (YAML; `scenarioFile` names it in messages,
 * and it should have been loaded as a scenario file first, for errors with line numbers).
 * Each grid point's scenario is validated as a scenario file is.
 */
export function planSweep(sweep: SweepFile, scenarioText: string, scenarioFile: string): PlanResult {
  let baseDocument: unknown;
  try {
    baseDocument = parse(scenarioText, { maxAliasCount: 100, logLevel: 'error' });
  } catch (error) {
    return { ok: false, errors: [`${scenarioFile}: YAML: ${(error as Error).message.split('\n')[0]}`] };
  }
  const seeds = expandSeeds(sweep.seeds);
  if (!seeds.ok) return { ok: false, errors: [`seeds: ${seeds.error}`] };
  const errors: string[] = [];
  const steps: ParameterSteps[] = [];
  sweep.parameters.forEach((parameter, index) => {
    const planned = stepsOf(parameter, baseDocument);
    if (planned.ok) steps.push(planned.steps);
    else errors.push(`parameters[${index}] (${parameter.name}): ${planned.error}`);
  });
  if (errors.length > 0) return { ok: false, errors };

  const points: GridPoint[] = [];
  for (const combination of combinations(steps.map((parameter) => parameter.labels.length))) {
    let document: unknown = baseDocument;
    const parameters: Record<string, unknown> = {};
    for (const [index, parameter] of steps.entries()) {
      const step = combination[index] ?? 0;
      parameters[parameter.name] = parameter.labels[step];
      const applied = parameter.apply(document, step);
      if (!applied.ok) return { ok: false, errors: [`parameters[${index}] (${parameter.name}): ${applied.error}`] };
      document = applied.document;
    }
    const scenarioText = JSON.stringify(document);
    const label = `${scenarioFile} with ${describeParameters(parameters)}`;
    const loaded = parseScenarioText(scenarioText, label);
    if (!loaded.ok) {
      errors.push(
        ...loaded.errors.map((error) => `${label}: ${error.path === '' ? '' : `${error.path}: `}${error.message}`),
      );
      continue;
    }
    points.push({ point: points.length, parameters, scenarioText });
  }
  if (errors.length > 0) return { ok: false, errors };

  const seedList = seeds.seeds;
  const taskAt = (run: number): RunTask => {
    const point = points[Math.floor(run / seedList.length)];
    const seed = seedList[run % seedList.length];
    if (point === undefined || seed === undefined) throw new RangeError(`no run ${run} in this sweep`);
    return {
      run,
      point: point.point,
      seed,
      parameters: point.parameters,
      scenarioText: point.scenarioText,
      measures: sweep.measures,
    };
  };
  return { ok: true, plan: { sweep, points, seeds: seedList, runCount: points.length * seedList.length, taskAt } };
}

/** `N=4, algorithm=maglev`: a grid point in words (`the scenario as it is` without parameters). */
export function describeParameters(parameters: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(parameters);
  if (entries.length === 0) return 'the scenario as it is';
  return entries.map(([name, value]) => `${name}=${formatParameterValue(value)}`).join(', ');
}

/** A parameter value as tables and charts show it: text as it is, anything else as JSON. */
export function formatParameterValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Every combination of indexes below `sizes`, the first index varying slowest. */
function combinations(sizes: readonly number[]): number[][] {
  return sizes.reduce<number[][]>(
    (partial, size) => partial.flatMap((prefix) => Array.from({ length: size }, (_, index) => [...prefix, index])),
    [[]],
  );
}

/** A parameter's steps, or why its path does not fit the scenario. */
function stepsOf(
  parameter: Parameter,
  baseDocument: unknown,
): { ok: true; steps: ParameterSteps } | { ok: false; error: string } {
  const path = parsePath(parameter.path);
  if (!path.ok) return path;
  const first = parameter.first;
  if (first !== undefined) {
    const list = valueAtPath(baseDocument, path.steps);
    if (!Array.isArray(list))
      return { ok: false, error: `first needs a list at ${parameter.path}; the scenario has none there` };
    const tooMany = first.find((count) => count > list.length);
    if (tooMany !== undefined) {
      return { ok: false, error: `first: ${tooMany} asks for more items than the ${list.length} at ${parameter.path}` };
    }
    return {
      ok: true,
      steps: {
        name: parameter.name,
        labels: first,
        apply: (document, step) => withValueAtPath(document, path.steps, list.slice(0, first[step])),
      },
    };
  }
  const values = parameter.values ?? [];
  return {
    ok: true,
    steps: {
      name: parameter.name,
      labels: values,
      apply: (document, step) => withValueAtPath(document, path.steps, values[step]),
    },
  };
}
