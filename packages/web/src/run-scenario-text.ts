/**
 * A run as `lbsim run <file> --json --pcap <dir>` makes it, from the scenario's text instead of
 * a file: the same loader (parseScenarioText, what loadScenarioFile does after reading), the
 * same sinks (the JSON trace writer, the capture tap and encoder), the same summary writers,
 * so the same scenario and seed give byte-identical JSON lines and captures
 * (test/web-equality.test.ts checks every catalogue file). Node-free: it runs in the page's
 * worker.
 */
import { captureFileExtensions, formatTimeNs } from '@lbsim/core';
import {
  describeStop,
  describeTopology,
  parseScenarioText,
  type RunResult,
  runScenario,
  type Scenario,
} from '@lbsim/scenario';
import {
  CaptureEncoder,
  CaptureTap,
  captureRunId,
  createJsonLines,
  formatDiagnostics,
  formatExplanations,
  formatSummary,
  JsonTraceSink,
  NodeCounters,
  vantagePointsOf,
  writeJsonSummary,
} from '@lbsim/sim-cli/portable';
import { playgroundVersion } from './build-info.ts';
import { connectionChoicesOf } from './connection-choices.ts';
import type { CaptureFile, RunOutputs, ScenarioSource } from './worker-protocol.ts';

/** The captures' format: what `lbsim run --pcap` writes by default. */
const captureFormat = 'pcapng';

/** A finished run: its outputs, and what the report's views need of it. */
export interface TextRun {
  readonly outputs: RunOutputs;
  readonly scenario: Scenario;
  readonly result: RunResult;
  readonly counters: NodeCounters;
}

/** A run that could not start: the scenario's diagnostics, as `lbsim run` prints them. */
export interface TextRunRefused {
  readonly refused: string;
}

/**
 * Loads and runs `source`; `onProgress` gets the virtual time reached, ns.
 * @returns the run, or the diagnostics when the scenario is not valid
 */
export function runScenarioText(
  source: ScenarioSource,
  seed: number | undefined,
  onProgress: (nowNs: number, durationNs: number) => void,
): TextRun | TextRunRefused {
  const loaded = parseScenarioText(source.text, source.file);
  if (!loaded.ok) return { refused: formatDiagnostics(loaded.errors, loaded.warnings) };
  const scenario = loaded.scenario;
  const runSeed = seed ?? scenario.seed;
  const version = playgroundVersion().version;
  const bytes = new TextEncoder().encode(source.text);
  const runId = captureRunId(version, runSeed, captureFormat, bytes);
  const points = vantagePointsOf(describeTopology(scenario));

  const jsonParts: string[] = [];
  const json = createJsonLines((line) => jsonParts.push(line));
  const chunks = new Map<string, Uint8Array[]>();
  const encoder = new CaptureEncoder(
    captureFormat,
    points,
    { scenarioFile: source.file, seed: runSeed, version, runId },
    (name, chunk) => {
      const list = chunks.get(name) ?? [];
      list.push(chunk);
      chunks.set(name, list);
    },
  );
  const tap = new CaptureTap(points, (record) => encoder.write(record));
  const counters = new NodeCounters();
  const result = runScenario(scenario, {
    seed: runSeed,
    sinks: [new JsonTraceSink(json, { connections: [], nodes: [], probes: true }), tap, counters],
    onProgress: (nowNs) => onProgress(nowNs, scenario.duration),
    // The page's JSON is `lbsim run --json`'s, which carries the metrics and the NSG flow log.
    metrics: true,
  });
  tap.finish();
  encoder.flush();
  writeJsonSummary(result, json);

  const extension = captureFileExtensions[captureFormat];
  const captures: CaptureFile[] = [...chunks].map(([name, parts]) => ({
    name: `${name}${extension}`,
    bytes: concatenate(parts),
  }));
  const stop = describeStop(result.status);
  const stopped =
    stop !== undefined && result.status.kind !== 'completed'
      ? `the run stopped at ${formatTimeNs(result.status.atNs)} s after ${result.status.eventsRun} events${stop}`
      : undefined;
  const warnings = formatDiagnostics([], loaded.warnings);
  return {
    scenario,
    result,
    counters,
    outputs: {
      seed: runSeed,
      summary: `${warnings}${formatSummary(result)}`,
      explanations: formatExplanations(result, source.file),
      expectationsMet: result.expectationsMet,
      stopped,
      connections: connectionChoicesOf(result),
      json: jsonParts.join(''),
      captures,
    },
  };
}

function concatenate(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}
