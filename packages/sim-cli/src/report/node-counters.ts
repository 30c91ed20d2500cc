/**
 * Counts trace events per node and kind, for the report's counters: what each vantage point
 * received, sent, forwarded, rewrote, tunnelled, delivered and dropped.
 */
import type { TraceEvent, TraceKind, TraceSink } from '@lbsim/core';
import type { NodeCounts } from './report-model.ts';

function zeroCounts(): Record<TraceKind, number> {
  return {
    send: 0,
    receive: 0,
    forward: 0,
    rewrite: 0,
    encapsulate: 0,
    decapsulate: 0,
    deliver: 0,
    drop: 0,
  };
}

/** A trace sink counting events per node and kind. */
export class NodeCounters implements TraceSink {
  private readonly counts = new Map<string, Record<TraceKind, number>>();

  record(event: TraceEvent): void {
    let counts = this.counts.get(event.node);
    if (counts === undefined) {
      counts = zeroCounts();
      this.counts.set(event.node, counts);
    }
    counts[event.kind]++;
  }

  /** The counts of every node that saw an event, in the order `nodes` gives, then the rest by name. */
  countsInOrder(nodes: readonly string[]): NodeCounts[] {
    const rank = new Map(nodes.map((node, i) => [node, i]));
    return [...this.counts.entries()]
      .sort(([a], [b]) => (rank.get(a) ?? nodes.length) - (rank.get(b) ?? nodes.length) || compareText(a, b))
      .map(([node, counts]) => ({ node, counts: { ...counts } }));
  }
}

/** Orders strings by UTF-16 code units: the same on every machine, unlike locale collation. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
