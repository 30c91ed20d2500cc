/**
 * The packet trace of one connection, as `lbsim run <file> --trace --connection <id>
 * --no-probes` prints it: the scenario is run again with the same seed (determinism makes it
 * the same run, event for event) with a trace table filtered to that connection. Running
 * again costs less than holding every row of every connection of a long run in the page.
 */
import { parseScenarioText, runScenario } from '@lbsim/scenario';
import { formatDiagnostics, TraceTable } from '@lbsim/sim-cli/portable';
import type { ScenarioSource } from './worker-protocol.ts';

/** Most rows kept; a connection's trace is tens of rows, a runaway one is cut here. */
export const maxTraceRows = 5000;

/** The trace table's text and its row count, or the diagnostics when the scenario is not valid. */
export function traceConnection(
  source: ScenarioSource,
  seed: number | undefined,
  connection: number,
  onProgress: (nowNs: number, durationNs: number) => void,
): { readonly text: string; readonly rows: number } | { readonly refused: string } {
  const loaded = parseScenarioText(source.text, source.file);
  if (!loaded.ok) return { refused: formatDiagnostics(loaded.errors, loaded.warnings) };
  const scenario = loaded.scenario;
  const parts: string[] = [];
  const table = new TraceTable(
    (text) => {
      if (parts.length <= maxTraceRows) parts.push(text);
    },
    { connections: [connection], nodes: [], probes: false },
  );
  runScenario(scenario, {
    ...(seed === undefined ? {} : { seed }),
    sinks: [table],
    onProgress: (nowNs) => onProgress(nowNs, scenario.duration),
  });
  const cut = parts.length > maxTraceRows ? `… cut at ${maxTraceRows} rows\n` : '';
  return { text: parts.slice(0, maxTraceRows).join('') + cut, rows: table.rows };
}
