/**
 * The packet trace as a capture-style table: time, vantage point, event, source,
 * destination, protocol, info, length, note. Rows are written as events happen, with fixed
 * column widths so a long run streams instead of being held in memory.
 */
import { formatIpv4Address, formatTimeNs, type TraceEvent, type TraceSink } from '@lbsim/core';
import { lengthColumn, packetInfo, protocolColumn } from './packet-info.ts';
import { traceEventNames } from './trace-event-names.ts';
import { type TraceFilter, traceEventFilter } from './trace-filter.ts';

export type { TraceFilter } from './trace-filter.ts';

const widths = [14, 10, 7, 15, 15, 5, 44, 5] as const;
const header = ['time (s)', 'vantage', 'event', 'source', 'destination', 'proto', 'info', 'len', 'note'];

function row(cells: readonly string[]): string {
  return `${cells
    .map((cell, i) => (i < widths.length ? cell.padEnd(widths[i] as number) : cell))
    .join(' ')
    .trimEnd()}\n`;
}

/** A trace sink that writes table rows through `write`. */
export class TraceTable implements TraceSink {
  private readonly accepts: (event: TraceEvent) => boolean;
  /** Rows written so far. */
  rows = 0;

  constructor(
    private readonly write: (text: string) => void,
    filter: TraceFilter,
  ) {
    this.accepts = traceEventFilter(filter);
    write(row(header));
  }

  record(event: TraceEvent): void {
    if (!this.accepts(event)) return;
    const packet = event.packet;
    const note = event.kind === 'drop' ? `${event.reason}: ${event.note}` : event.note;
    this.rows++;
    this.write(
      row([
        formatTimeNs(event.atNs),
        event.node,
        traceEventNames[event.kind],
        formatIpv4Address(packet.src),
        formatIpv4Address(packet.dst),
        protocolColumn(packet),
        packetInfo(packet),
        lengthColumn(packet),
        note,
      ]),
    );
  }
}
