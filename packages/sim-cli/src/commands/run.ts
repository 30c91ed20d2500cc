/**
 * `lbsim run <file>`: run a scenario and print what happened; on request also write captures
 * (`--pcap`), JSON lines (`--json`) and an HTML report (`--report`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type CaptureFormat, formatTimeNs, type TraceSink } from '@lbsim/core';
import {
  describeStop,
  describeTopology,
  loadScenarioFile,
  type RunResult,
  runScenario,
  type Scenario,
} from '@lbsim/scenario';
import { CaptureDirectory, type CaptureRunInfo, capturePaths } from '../capture/capture-directory.ts';
import { captureRunId } from '../capture/capture-run-id.ts';
import { CaptureTap } from '../capture/capture-tap.ts';
import { vantagePointsOf } from '../capture/vantage-points.ts';
import { formatDiagnostics } from '../format/diagnostics.ts';
import { formatSummary } from '../format/summary.ts';
import { colourSummary } from '../format/summary-colour.ts';
import { fitToWidth, neutralizeControls } from '../format/terminal-text.ts';
import { describeUnknownConnections, describeUnknownVantagePoints } from '../format/trace-filter.ts';
import { TraceTable } from '../format/trace-table.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { createJsonLines } from '../json/json-lines.ts';
import { writeJsonSummary } from '../json/json-summary.ts';
import { JsonTraceSink } from '../json/json-trace-sink.ts';
import { formatMetrics } from '../metrics/metrics-view.ts';
import { sameFile } from '../output/overwrite-guard.ts';
import { OutputWriteError, StagedFile } from '../output/staged-file.ts';
import { createProgress, type Progress } from '../progress/progress-bar.ts';
import { NodeCounters } from '../report/node-counters.ts';
import { SequenceRecorder } from '../report/sequence-recorder.ts';
import { vantageOrder } from '../report/vantage-order.ts';
import { lbsimVersion } from '../version.ts';

/** Options of `lbsim run`. */
export interface RunCommandOptions {
  readonly file: string;
  /** Overrides the scenario's seed. */
  readonly seed: number | undefined;
  /** Print the packet trace before the summary. */
  readonly trace: boolean;
  /** Trace (and draw in the report) only these connection ids. */
  readonly connections: readonly number[];
  /** Trace only these vantage points. */
  readonly nodes: readonly string[];
  /** Trace health-probe packets too (default true). */
  readonly probes?: boolean | undefined;
  /** Write one capture per vantage point into this directory. */
  readonly pcapDirectory?: string | undefined;
  /** Format of the captures (default pcapng). */
  readonly pcapFormat?: CaptureFormat | undefined;
  /** Print the trace and summary as JSON lines instead of text. */
  readonly json?: boolean | undefined;
  /** Write the HTML report to this file. */
  readonly reportFile?: string | undefined;
  /**
   * Print Azure Load Balancer's metrics and the NSG flow log after the summary (with `json`, they
   * are JSON lines whether asked or not).
   */
  readonly metrics?: boolean | undefined;
  /** Colour the summary's verdicts (a terminal that allows colour, or `--color`); default no. */
  readonly colour?: boolean | undefined;
}

/**
 * Stages the report at `path` before the run, or says why it cannot be written there: it must
 * not be the scenario (`input`) nor one of this run's captures (`captures`), only an earlier
 * report is replaced, and its directory must take a new file now, not after the run.
 */
function stageReport(
  path: string,
  input: string,
  captures: readonly string[],
): { readonly ok: true; readonly file: StagedFile } | { readonly ok: false; readonly error: string } {
  const directory = dirname(path);
  if (!existsSync(directory))
    return { ok: false, error: `cannot write report ${path}: directory ${directory} does not exist` };
  if (!statSync(directory).isDirectory()) {
    return { ok: false, error: `cannot write report ${path}: ${directory} is not a directory` };
  }
  if (captures.some((capture) => resolve(capture) === resolve(path) || sameFile(capture, path))) {
    return { ok: false, error: `--report ${path} is one of the captures --pcap writes: give the report another name` };
  }
  return StagedFile.create(path, 'report', [input]);
}

/**
 * What the captures' section headers say about the run; `runId` is a digest of lbsim's
 * version, the scenario's text, the seed and the format, so the same run writes the same bytes.
 */
function captureRunInfo(file: string, seed: number, format: string): CaptureRunInfo {
  const version = lbsimVersion().version;
  let bytes: Uint8Array = new Uint8Array(0);
  try {
    bytes = readFileSync(file);
  } catch {
    // Loaded a moment ago; the digest only needs to be stable, not complete.
  }
  return { scenarioFile: file, seed, version, runId: captureRunId(version, seed, format, bytes) };
}

/** Not written: staged outputs are dropped, so the user's files stay as they were. */
const nothingWritten = 'nothing was written: the files already there are as they were';

/**
 * Runs the scenario. Exit 0 when every expectation is met, 1 when one is not, 2 when the file
 * is invalid, an output cannot be written, or the run hit its event budget.
 */
export async function runCommand(options: RunCommandOptions, io: CliIo): Promise<ExitCode> {
  const loaded = loadScenarioFile(options.file, { heapLimitBytes: io.heapLimitBytes });
  if (!loaded.ok) {
    io.stderr(formatDiagnostics(loaded.errors, loaded.warnings));
    return 2;
  }
  io.stderr(formatDiagnostics([], loaded.warnings));
  const scenario = loaded.scenario;
  const unknownNode = describeUnknownVantagePoints(options.nodes, vantageOrder(scenario));
  if (unknownNode !== undefined) {
    io.stderr(`lbsim: ${unknownNode}\n`);
    return 2;
  }
  const pcapFormat = options.pcapFormat ?? 'pcapng';
  const points = options.pcapDirectory === undefined ? [] : vantagePointsOf(describeTopology(scenario));
  const capturesToWrite =
    options.pcapDirectory === undefined ? [] : capturePaths(options.pcapDirectory, points, pcapFormat);
  let report: StagedFile | undefined;
  if (options.reportFile !== undefined) {
    const staged = stageReport(options.reportFile, options.file, capturesToWrite);
    if (!staged.ok) {
      io.stderr(`lbsim: ${staged.error}\n`);
      return 2;
    }
    report = staged.file;
  }

  const sinks: TraceSink[] = [];
  const filter = { connections: options.connections, nodes: options.nodes, probes: options.probes ?? true };
  const json = options.json === true ? createJsonLines(io.stdout) : undefined;
  if (json !== undefined) sinks.push(new JsonTraceSink(json, filter));
  else if (options.trace) sinks.push(new TraceTable((text) => io.stdout(neutralizeControls(text)), filter));

  let captures: CaptureDirectory | undefined;
  let tap: CaptureTap | undefined;
  if (options.pcapDirectory !== undefined) {
    const run = captureRunInfo(options.file, options.seed ?? scenario.seed, pcapFormat);
    const opened = CaptureDirectory.open(options.pcapDirectory, points, pcapFormat, run, [options.file]);
    if (!opened.ok) {
      report?.discard();
      io.stderr(`lbsim: ${opened.error}\n`);
      return 2;
    }
    const directory = opened.captures;
    captures = directory;
    tap = new CaptureTap(points, (record) => directory.write(record));
    sinks.push(tap);
  }
  const counters = options.reportFile === undefined ? undefined : new NodeCounters();
  const recorder =
    options.reportFile !== undefined && options.connections.length > 0
      ? new SequenceRecorder(options.connections)
      : undefined;
  for (const sink of [counters, recorder]) if (sink !== undefined) sinks.push(sink);

  const streamsToScreen = (options.trace || json !== undefined) && io.stdoutIsTty === true;
  const progress = (label: string) =>
    createProgress(scenario.duration, {
      isTty: io.stderrIsTty && !streamsToScreen,
      columns: io.stderrColumns,
      write: io.stderr,
      nowMs: io.nowMs ?? (() => performance.now()),
      label,
    });

  let result: RunResult;
  const bar = progress('simulating');
  try {
    result = runScenario(scenario, {
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      sinks,
      onProgress: bar.onProgress,
      metrics: options.metrics === true || json !== undefined,
      ...(io.heapLimitBytes === undefined ? {} : { heapLimitBytes: io.heapLimitBytes }),
    });
    tap?.finish();
  } catch (error) {
    captures?.discard();
    report?.discard();
    if (!(error instanceof OutputWriteError)) throw error;
    io.stderr(`lbsim: ${error.message}; ${nothingWritten}\n`);
    return 2;
  } finally {
    bar.stop();
  }
  let failedOutput = false;
  if (captures !== undefined) {
    const closed = captures.close();
    for (const error of closed.errors) io.stderr(`lbsim: ${error}\n`);
    failedOutput = closed.errors.length > 0;
    if (closed.written.length > 0) {
      io.stderr(`lbsim: wrote ${closed.written.length} captures (${pcapFormat}) into ${options.pcapDirectory}\n`);
    }
  }

  if (json !== undefined) {
    writeJsonSummary(result, json);
  } else {
    if (options.trace) io.stdout('\n');
    io.stdout(
      fitToWidth(colourSummary(neutralizeControls(formatSummary(result)), options.colour === true), io.stdoutColumns),
    );
    if (options.metrics === true && result.metrics !== undefined) {
      io.stdout(`\n${neutralizeControls(formatMetrics(result.metrics, result.nsgFlowLog ?? [], result.dipNames))}`);
    }
  }
  if (report !== undefined && counters !== undefined) {
    const written = await writeReport(report, scenario, options, result, counters, recorder, progress, io);
    if (written !== undefined) return written;
  }
  if (failedOutput) return 2;
  const unknownConnections = describeUnknownConnections(options.connections, result.connections.length);
  if (unknownConnections !== undefined && (options.trace || json !== undefined)) {
    io.stderr(`lbsim: ${unknownConnections}\n`);
    return 2;
  }
  const stop = describeStop(result.status);
  if (stop !== undefined && result.status.kind !== 'completed') {
    io.stderr(
      `${options.file}: the run stopped at ${formatTimeNs(result.status.atNs)} s after ${result.status.eventsRun} events${stop}\n`,
    );
    return 2;
  }
  return result.expectationsMet ? 0 : 1;
}

/** Builds and writes the report; returns exit code 2 when it cannot be written, else `undefined`. */
async function writeReport(
  file: StagedFile,
  scenario: Scenario,
  options: RunCommandOptions,
  result: RunResult,
  counters: NodeCounters,
  recorder: SequenceRecorder | undefined,
  progress: (label: string) => Progress,
  io: CliIo,
): Promise<ExitCode | undefined> {
  // The report's builder (with its layout library, elkjs) loads only when a report is asked for.
  const { buildReport, describeMissingConnections } = await import('../report/build-report.ts');
  const missing = describeMissingConnections(result, options.connections);
  if (missing !== undefined) io.stderr(`lbsim: report: ${missing}\n`);
  const bar = progress('report');
  let page: string;
  try {
    page = await buildReport({
      scenario,
      scenarioFile: options.file,
      result,
      nodeCounts: counters.countsInOrder(vantageOrder(scenario)),
      connections: options.connections,
      recorded: recorder,
      onProgress: bar.onProgress,
      ...(io.heapLimitBytes === undefined ? {} : { heapLimitBytes: io.heapLimitBytes }),
    });
  } catch (error) {
    file.discard();
    throw error;
  } finally {
    bar.stop();
  }
  let installed: ReturnType<StagedFile['install']>;
  try {
    file.write(Buffer.from(page, 'utf8'));
    installed = file.install();
  } catch (error) {
    file.discard();
    if (!(error instanceof OutputWriteError)) throw error;
    installed = { ok: false, error: error.message };
  }
  if (!installed.ok) {
    io.stderr(`lbsim: ${installed.error}; the report was not written\n`);
    return 2;
  }
  io.stderr(`lbsim: wrote report ${file.path}\n`);
  return undefined;
}
