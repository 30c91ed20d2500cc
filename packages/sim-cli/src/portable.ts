/**
 * `@lbsim/sim-cli/portable`: the parts of the command line that run anywhere, for the browser
 * playground (packages/web): the summary, explanation, diagnostic and trace formatters, the
 * `--json` writers, the capture tap and encoder, and the report's builder. Nothing reachable
 * from here imports a `node:` module (the files, the terminal and worker threads stay in
 * commands/, output/ and catalogue/), so the page and `lbsim run` share one code path and give
 * byte-identical JSON and captures for the same scenario and seed.
 */
export { CaptureEncoder, type CaptureRunInfo, captureFileNames, mergedCaptureName } from './capture/capture-encoder.ts';
export { captureRunId } from './capture/capture-run-id.ts';
export { type CaptureRecord, CaptureTap } from './capture/capture-tap.ts';
export { type VantagePoint, vantagePointsOf } from './capture/vantage-points.ts';
export { formatDiagnostics } from './format/diagnostics.ts';
export { formatExplanations } from './format/explanations.ts';
export { formatSummary } from './format/summary.ts';
export { type TraceFilter, TraceTable } from './format/trace-table.ts';
export { createJsonLines, type JsonLines } from './json/json-lines.ts';
export { writeJsonSummary } from './json/json-summary.ts';
export { JsonTraceSink } from './json/json-trace-sink.ts';
export { buildReport } from './report/build-report.ts';
export { NodeCounters } from './report/node-counters.ts';
export { vantageOrder } from './report/vantage-order.ts';
