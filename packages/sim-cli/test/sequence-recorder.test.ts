/**
 * The sequence recorder's elision: a long connection keeps its first steps, every failing step
 * (drop, RST, ICMP) with its neighbours, and its last steps; each gap is one elided row with
 * its count, and step numbers count every step.
 */
import {
  type DropReason,
  makeIpv4Packet,
  makeTcpSegment,
  parseIpv4Address,
  TcpFlags,
  type TraceEvent,
} from '@lbsim/core';
import { describe, expect, it } from 'vitest';
import type { SequenceRow } from '../src/report/report-model.ts';
import {
  contextSteps,
  headSteps,
  maxFailingSteps,
  SequenceRecorder,
  tailSteps,
} from '../src/report/sequence-recorder.ts';

const a = parseIpv4Address('198.51.100.1') as number;
const b = parseIpv4Address('52.170.1.1') as number;

function packet(flags: number) {
  return makeIpv4Packet({ src: a, dst: b }, makeTcpSegment({ srcPort: 50000, dstPort: 80, flags }));
}

/** Events making `count` steps on connection 1: packet i crosses client → router; those in `rsts` are RSTs, those in `drops` are dropped at the router. */
function conversation(count: number, rsts: ReadonlySet<number>, drops: ReadonlySet<number>): TraceEvent[] {
  const events: TraceEvent[] = [];
  for (let i = 1; i <= count; i++) {
    const meta = { packetId: i, connectionId: 1, createdAtNs: i };
    const p = packet(rsts.has(i) ? TcpFlags.Rst : TcpFlags.Ack);
    const event = (node: string, kind: TraceEvent['kind'], reason?: DropReason): TraceEvent => ({
      atNs: i * 1000,
      node,
      kind,
      packet: p,
      meta,
      note: '',
      reason,
    });
    if (drops.has(i)) events.push(event('router', 'drop', 'no-route'));
    else events.push(event('client', 'send'), event('router', 'receive'), event('router', 'deliver'));
  }
  return events;
}

function shape(rows: readonly SequenceRow[]): Array<number | string> {
  return rows.map((row) => (row.kind === 'step' ? row.number : `…${row.count}${row.quiet ? '' : '!'}`));
}

function record(count: number, rsts: ReadonlySet<number>, drops: ReadonlySet<number> = new Set()) {
  const recorder = new SequenceRecorder([1]);
  for (const event of conversation(count, rsts, drops)) recorder.record(event);
  return recorder.stepsOf(1);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('SequenceRecorder', () => {
  it('keeps a short connection whole', () => {
    const { rows, total } = record(headSteps + tailSteps, new Set());
    expect(total).toBe(headSteps + tailSteps);
    expect(shape(rows)).toEqual(range(1, headSteps + tailSteps));
  });

  it('keeps the head, each failing step with its neighbours, and the tail; counts each gap', () => {
    const rst = 100;
    const drop = 150;
    const { rows, total, nodes } = record(200, new Set([rst]), new Set([drop]));
    expect(total).toBe(200);
    expect(nodes).toEqual(['client', 'router']);
    expect(shape(rows)).toEqual([
      ...range(1, headSteps),
      `…${rst - contextSteps - headSteps - 1}`,
      ...range(rst - contextSteps, rst + contextSteps),
      `…${drop - contextSteps - (rst + contextSteps) - 1}`,
      ...range(drop - contextSteps, drop + contextSteps),
      `…${200 - tailSteps - (drop + contextSteps)}`,
      ...range(200 - tailSteps + 1, 200),
    ]);
    const failing = rows.filter((row) => row.kind === 'step' && (row.number === rst || row.number === drop));
    expect(failing.map((row) => (row.kind === 'step' ? row.step.kind : ''))).toEqual(['message', 'drop']);
  });

  it('past the most failing steps it keeps, says the gaps are not quiet', () => {
    const rsts = new Set(range(1, maxFailingSteps + 5).map((i) => headSteps + i * 10));
    const { rows } = record(headSteps + (maxFailingSteps + 6) * 10, rsts);
    const kept = rows.filter((row) => row.kind === 'step' && rsts.has(row.number)).length;
    expect(kept).toBeGreaterThanOrEqual(maxFailingSteps);
    expect(kept).toBeLessThan(rsts.size);
    expect(rows.filter((row) => row.kind === 'elided').every((row) => row.kind === 'elided' && !row.quiet)).toBe(true);
  });
});
