/**
 * `lbsim run <file>`: run a scenario and print what happened; on request also write captures
 * (`--pcap`), JSON lines (`--json`) and an HTML report (`--report`).
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type CaptureFormat, formatTimeNs, type TraceSink } from '@lbsim/core';
import {
  describeStop,
  describeTopology,
  loadScenarioFile,
  type RunResult,
  runScenario,
  type Scenario,
} from '@lbsim/scenario';
import { CaptureDirectory, CaptureWriteError, capturePaths } from '../capture/capture-directory.ts';
import { CaptureTap } from '../capture/capture-tap.ts';
import { vantagePointsOf } from '../capture/vantage-points.ts';
import { formatDiagnostics } from '../format/diagnostics.ts';
import { formatSummary } from '../format/summary.ts';
import { TraceTable } from '../format/trace-table.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { createJsonLines } from '../json/json-lines.ts';
import { writeJsonSummary } from '../json/json-summary.ts';
import { JsonTraceSink } from '../json/json-trace-sink.ts';
import { describeError } from '../output/describe-error.ts';
import { refusalToWrite, sameFile } from '../output/overwrite-guard.ts';
import { createProgress, type Progress } from '../progress/progress-bar.ts';
import { buildReport, describeMissingConnections } from '../report/build-report.ts';
import { NodeCounters } from '../report/node-counters.ts';
import { SequenceRecorder } from '../report/sequence-recorder.ts';

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
}

/**
 * Why the report cannot be written to `path`, or `undefined`: it must not be the scenario
 * (`input`) nor one of this run's captures (`captures`), and only an earlier report is replaced.
 */
function refusalToWriteReport(path: string, input: string, captures: readonly string[]): string | undefined {
  const directory = dirname(path);
  if (!existsSync(directory)) return `cannot write report ${path}: directory ${directory} does not exist`;
  if (!statSync(directory).isDirectory()) return `cannot write report ${path}: ${directory} is not a directory`;
  if (captures.some((capture) => resolve(capture) === resolve(path) || sameFile(capture, path))) {
    return `--report ${path} is one of the captures --pcap writes: give the report another name`;
  }
  return refusalToWrite(path, 'report', [input]);
}

/**
 * Runs the scenario. Exit 0 when every expectation is met, 1 when one is not, 2 when the file
 * is invalid, an output cannot be written, or the run hit its event budget.
 */
export function runCommand(options: RunCommandOptions, io: CliIo): ExitCode {
  const loaded = loadScenarioFile(options.file, { heapLimitBytes: io.heapLimitBytes });
  if (!loaded.ok) {
    io.stderr(formatDiagnostics(loaded.errors, loaded.warnings));
    return 2;
  }
  io.stderr(formatDiagnostics([], loaded.warnings));
  const scenario = loaded.scenario;
  const pcapFormat = options.pcapFormat ?? 'pcapng';
  const points = options.pcapDirectory === undefined ? [] : vantagePointsOf(describeTopology(scenario));
  const capturesToWrite =
    options.pcapDirectory === undefined ? [] : capturePaths(options.pcapDirectory, points, pcapFormat);
  const reportRefusal =
    options.reportFile === undefined
      ? undefined
      : refusalToWriteReport(options.reportFile, options.file, capturesToWrite);
  if (reportRefusal !== undefined) {
    io.stderr(`lbsim: ${reportRefusal}\n`);
    return 2;
  }

  const sinks: TraceSink[] = [];
  const filter = { connections: options.connections, nodes: options.nodes, probes: options.probes ?? true };
  const json = options.json === true ? createJsonLines(io.stdout) : undefined;
  if (json !== undefined) sinks.push(new JsonTraceSink(json, filter));
  else if (options.trace) sinks.push(new TraceTable(io.stdout, filter));

  let captures: CaptureDirectory | undefined;
  let tap: CaptureTap | undefined;
  if (options.pcapDirectory !== undefined) {
    const opened = CaptureDirectory.open(options.pcapDirectory, points, pcapFormat, [options.file]);
    if (!opened.ok) {
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
      ...(io.heapLimitBytes === undefined ? {} : { heapLimitBytes: io.heapLimitBytes }),
    });
    tap?.finish();
    captures?.close();
  } catch (error) {
    if (!(error instanceof CaptureWriteError)) throw error;
    io.stderr(`lbsim: ${error.message}\n`);
    closeQuietly(captures);
    return 2;
  } finally {
    bar.stop();
  }

  if (json !== undefined) {
    writeJsonSummary(result, json);
  } else {
    if (options.trace) io.stdout('\n');
    io.stdout(formatSummary(result));
  }
  if (captures !== undefined) {
    io.stderr(
      `lbsim: wrote ${captures.paths.length} captures (${options.pcapFormat ?? 'pcapng'}) into ${options.pcapDirectory}\n`,
    );
  }
  if (options.reportFile !== undefined && counters !== undefined) {
    const written = writeReport(options.reportFile, scenario, options, result, counters, recorder, progress, io);
    if (written !== undefined) return written;
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
function writeReport(
  path: string,
  scenario: Scenario,
  options: RunCommandOptions,
  result: RunResult,
  counters: NodeCounters,
  recorder: SequenceRecorder | undefined,
  progress: (label: string) => Progress,
  io: CliIo,
): ExitCode | undefined {
  const missing = describeMissingConnections(result, options.connections);
  if (missing !== undefined) io.stderr(`lbsim: report: ${missing}\n`);
  const bar = progress('report');
  let page: string;
  try {
    page = buildReport({
      scenario,
      scenarioFile: options.file,
      result,
      nodeCounts: counters.countsInOrder(vantageOrder(scenario)),
      connections: options.connections,
      recorded: recorder,
      onProgress: bar.onProgress,
      ...(io.heapLimitBytes === undefined ? {} : { heapLimitBytes: io.heapLimitBytes }),
    });
  } finally {
    bar.stop();
  }
  try {
    writeFileSync(path, page);
  } catch (error) {
    io.stderr(`lbsim: cannot write report ${path}: ${describeError(error)}\n`);
    return 2;
  }
  io.stderr(`lbsim: wrote report ${path}\n`);
  return undefined;
}

/** Node names in the order tables list them: clients, router, Muxes, Host Agents, VMs. */
function vantageOrder(scenario: Scenario): string[] {
  const topology = describeTopology(scenario);
  return [
    ...topology.clients.map((client) => client.name),
    topology.router,
    ...topology.muxes.map((mux) => mux.name),
    ...topology.hosts.map((host) => host.name),
    ...topology.hosts.flatMap((host) => host.vms.map((vm) => vm.name)),
  ];
}

/** Closes the captures after a failed write; the first failure is the one reported. */
function closeQuietly(captures: CaptureDirectory | undefined): void {
  try {
    captures?.close();
  } catch {
    // Already reported: the write that failed first.
  }
}
