/**
 * `lbsim sweep <sweep.yaml>`: runs a scenario over the seeds and parameter grid a sweep file
 * gives (packages/sweep), on worker threads (one per core by default), in this process
 * (`--workers 0`), or as jobs on a BullMQ queue for `lbsim worker` processes (`--queue`).
 * Prints the summary table (mean, 95 % confidence interval, min, max per grid point and
 * measure) and the expectations' verdicts; `--out` streams one JSON line per run, in run order;
 * `--report` writes an HTML page of charts. The output is a function of the sweep file alone,
 * byte for byte, whatever the engine and worker count.
 *
 * A progress bar shows runs done on a terminal. The first Ctrl-C stops the sweep: runs in
 * progress are abandoned, and the finished ones are written and summarised (exit 1, since the
 * expectations cannot be judged on part of the runs); a second Ctrl-C ends the process.
 */
import { closeSync, existsSync, lstatSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadScenarioFile } from '@lbsim/scenario';
import {
  defaultThreadCount,
  formatRecordLine,
  formatSummaryTable,
  parseSweepText,
  planSweep,
  queueEngine,
  runInProcess,
  runSweep,
  type SweepEngine,
  type SweepFile,
  seedsSchema,
  threadPoolEngine,
} from '@lbsim/sweep';
import cliProgress from 'cli-progress';
import { resolveScenario } from '../catalogue/resolve-scenario.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { describeError } from '../output/describe-error.ts';
import { checkTarget } from '../output/overwrite-guard.ts';

/** What `lbsim sweep` was asked to do. */
export interface SweepOptions {
  /** The sweep file, or a catalogue sweep's id (`<catalogue>/sweeps/<id>.sweep.yaml`). */
  readonly file: string;
  readonly catalogue: string;
  /** Worker threads; 0 runs in this process. */
  readonly workers: number | undefined;
  /** A Redis URL: run on a BullMQ queue instead of threads. */
  readonly queue: string | undefined;
  readonly queueName: string;
  /** Seeds instead of the file's (`first..last`). */
  readonly seeds: string | undefined;
  /** JSON lines to this file (`-`: standard output, and no table). */
  readonly out: string | undefined;
  readonly report: string | undefined;
  /** Stops the sweep when it aborts (tests); Ctrl-C (SIGINT) always does. */
  readonly signal?: AbortSignal;
}

/** Runs `lbsim sweep`. @returns 0 expectations met, 1 not met or stopped, 2 bad input or a failed run. */
export async function sweepCommand(options: SweepOptions, io: CliIo): Promise<ExitCode> {
  const fail = (message: string): ExitCode => {
    io.stderr(`lbsim: ${message}\n`);
    return 2;
  };
  const sweepPath = resolveSweepFile(options.file, options.catalogue);
  if (sweepPath === undefined) {
    return fail(
      `no sweep file ${options.file}, and no catalogue sweep of that name in ${join(options.catalogue, 'sweeps')}`,
    );
  }
  let text: string;
  try {
    text = readFileSync(sweepPath, 'utf8');
  } catch (error) {
    return fail(`cannot read ${sweepPath}: ${describeError(error)}`);
  }
  const loaded = parseSweepText(text, sweepPath);
  if (!loaded.ok) {
    for (const error of loaded.errors) io.stderr(`${error}\n`);
    return fail(`${sweepPath} is not a valid sweep file`);
  }
  let sweep: SweepFile = loaded.sweep;
  if (options.seeds !== undefined) {
    const seeds = seedsSchema.safeParse(options.seeds);
    if (!seeds.success) return fail(`--seeds takes first..last, e.g. 1..100, got ${options.seeds}`);
    sweep = { ...sweep, seeds: seeds.data };
  }

  const scenarioPath = scenarioFileOf(sweep.scenario, sweepPath, options.catalogue);
  if (!scenarioPath.ok) return fail(`${sweepPath}: scenario: ${scenarioPath.error}`);
  const scenario = loadScenarioFile(scenarioPath.path);
  if (!scenario.ok) {
    for (const error of scenario.errors) io.stderr(`${error.file}:${error.line ?? ''}: ${error.message}\n`);
    return fail(`${scenarioPath.path}, the sweep's scenario, is not valid`);
  }
  const planned = planSweep(sweep, readFileSync(scenarioPath.path, 'utf8'), scenarioPath.path);
  if (!planned.ok) {
    for (const error of planned.errors) io.stderr(`${error}\n`);
    return fail(`${sweepPath}: the grid does not give valid scenarios`);
  }
  const plan = planned.plan;

  const inputs = [sweepPath, scenarioPath.path];
  if (options.out !== undefined && options.out !== '-') {
    const refusal = linesTargetRefusal(options.out, inputs);
    if (refusal !== undefined) return fail(refusal);
  }
  if (options.report !== undefined) {
    const target = checkTarget(options.report, 'report', inputs);
    if (!target.ok) return fail(target.refusal);
  }

  const engine = engineFor(options);
  const threads = options.workers ?? defaultThreadCount();
  const where =
    options.queue !== undefined
      ? `on the queue ${options.queueName} at ${options.queue}`
      : threads === 0
        ? 'in this process'
        : `on ${threads} worker threads`;
  io.stderr(
    `lbsim: sweep ${sweep.name}: ${plan.points.length} grid points × ${plan.seeds.length} seeds = ${plan.runCount} runs ${where}\n`,
  );

  const linesFile = options.out === undefined || options.out === '-' ? undefined : openSync(options.out, 'w');
  const writeLine = (line: string) => {
    if (options.out === '-') io.stdout(line);
    else if (linesFile !== undefined) writeSync(linesFile, line);
  };
  const controller = new AbortController();
  // The first Ctrl-C stops the sweep and keeps what finished; a second ends the process.
  const onInterrupt = () => {
    if (controller.signal.aborted) process.exit(130);
    io.stderr('\nlbsim: stopping the sweep; the finished runs are kept (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  const bar = progressBar(plan.runCount, io);
  let outcome: Awaited<ReturnType<typeof runSweep>>;
  try {
    outcome = await runSweep(plan, engine, controller.signal, {
      onOrderedRecord: (record) => writeLine(formatRecordLine(record)),
      onProgress: (finished) => bar?.update(finished),
    });
  } finally {
    bar?.stop();
    process.off('SIGINT', onInterrupt);
    if (linesFile !== undefined) closeSync(linesFile);
  }

  if (outcome.engine.kind === 'failed') return fail(`the sweep failed: ${outcome.engine.error}`);
  const parameterNames = sweep.parameters.map((parameter) => parameter.name);
  const measureNames = sweep.measures.map((measure) => measure.name);
  const table = formatSummaryTable(parameterNames, measureNames, outcome.summaries);
  if (options.out === '-') io.stderr(table);
  else io.stdout(table);
  if (options.report !== undefined) {
    const { buildSweepReport } = await import('@lbsim/sweep/report');
    writeFileSync(options.report, buildSweepReport(plan, outcome));
  }
  const say = options.out === '-' ? io.stderr : io.stdout;
  if (outcome.engine.kind === 'stopped' || outcome.records.length < plan.runCount) {
    say(`stopped after ${outcome.records.length} of ${plan.runCount} runs: expectations not judged\n`);
    return 1;
  }
  for (const expectation of outcome.expectations) {
    say(`${expectation.met ? 'met' : 'NOT MET'}: ${expectation.description}: ${expectation.actual}\n`);
  }
  const unmet = outcome.expectations.filter((expectation) => !expectation.met).length;
  say(
    outcome.expectations.length === 0
      ? `${plan.runCount} runs\n`
      : `${plan.runCount} runs; ${outcome.expectations.length - unmet} of ${outcome.expectations.length} expectations met\n`,
  );
  return unmet === 0 ? 0 : 1;
}

/** The engine the options ask for. */
function engineFor(options: SweepOptions): SweepEngine {
  if (options.queue !== undefined) return queueEngine({ url: options.queue, name: options.queueName });
  const threads = options.workers ?? defaultThreadCount();
  return threads === 0 ? runInProcess : threadPoolEngine(threads);
}

/** The sweep file `argument` names: a file, or `<catalogue>/sweeps/<argument>.sweep.yaml`. */
function resolveSweepFile(argument: string, catalogue: string): string | undefined {
  if (existsSync(argument)) return argument;
  const inCatalogue = join(catalogue, 'sweeps', `${argument}.sweep.yaml`);
  return /\.ya?ml$/.test(argument) || !existsSync(inCatalogue) ? undefined : inCatalogue;
}

/** The scenario a sweep names: a file beside the sweep file, or a catalogue id. */
function scenarioFileOf(
  scenario: string,
  sweepPath: string,
  catalogue: string,
): { readonly ok: true; readonly path: string } | { readonly ok: false; readonly error: string } {
  const beside = resolve(dirname(sweepPath), scenario);
  if (existsSync(beside)) return { ok: true, path: beside };
  return resolveScenario(scenario, catalogue);
}

/**
 * Why JSON lines must not be written at `path`, or `undefined`: only a new file, an empty one,
 * or an earlier sweep's lines (starting `{"run":`) are replaced; never an input, a link or a
 * directory.
 */
function linesTargetRefusal(path: string, inputs: readonly string[]): string | undefined {
  if (inputs.some((input) => resolve(input) === resolve(path))) return `--out ${path} is an input of the sweep`;
  let stats: ReturnType<typeof lstatSync>;
  try {
    stats = lstatSync(path);
  } catch {
    return undefined;
  }
  if (!stats.isFile()) return `${path} exists and is not a regular file: lbsim does not write there`;
  const head = readFileSync(path, 'utf8').slice(0, 7);
  return head === '' || head === '{"run":'
    ? undefined
    : `${path} exists and is not an lbsim sweep's JSON lines: lbsim does not overwrite it; remove it or choose another path`;
}

/** A bar of runs done on standard error, on a terminal only. */
function progressBar(total: number, io: CliIo): { update: (done: number) => void; stop: () => void } | undefined {
  if (!io.stderrIsTty) return undefined;
  const stream = {
    isTTY: true,
    columns: io.stderrColumns,
    write: (text: string) => {
      io.stderr(text);
      return true;
    },
  };
  const bar = new cliProgress.SingleBar(
    {
      format: 'sweeping [{bar}] {percentage}% | {value} of {total} runs | {eta_formatted} left',
      stream: stream as unknown as NodeJS.WritableStream,
      hideCursor: false,
      linewrap: true,
      clearOnComplete: true,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}
