/**
 * `--json` trace lines: one object per trace event (`"type":"trace"`), drops at level `warn`,
 * the rest `info`. The same filters as `--trace` apply (connections, vantage points, probes).
 */
import type { TraceEvent, TraceSink } from '@lbsim/core';
import { type TraceFilter, traceEventFilter } from '../format/trace-filter.ts';
import type { JsonLines } from './json-lines.ts';
import { packetToJson } from './packet-json.ts';

/** Writes trace events as JSON lines. */
export class JsonTraceSink implements TraceSink {
  private readonly accepts: (event: TraceEvent) => boolean;

  constructor(
    private readonly lines: JsonLines,
    filter: TraceFilter,
  ) {
    this.accepts = traceEventFilter(filter);
  }

  record(event: TraceEvent): void {
    if (!this.accepts(event)) return;
    this.lines.setTimeNs(event.atNs);
    const fields = {
      type: 'trace',
      node: event.node,
      event: event.kind,
      packetId: event.meta.packetId,
      connectionId: event.meta.connectionId,
      packet: packetToJson(event.packet),
    };
    if (event.kind === 'drop') this.lines.warn({ ...fields, reason: event.reason }, event.note);
    else this.lines.info(fields, event.note);
  }
}
