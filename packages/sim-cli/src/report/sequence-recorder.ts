/**
 * Records the sequence diagrams of chosen connections from the trace: a message for every
 * packet that crosses a link (drawn from the node whose event last handled it to the node
 * that received it), and a drop where a packet ends in one. Only the chosen connections'
 * events are kept. A long connection keeps its first {@link headSteps} steps (how it began),
 * every failing step (drops, RSTs, ICMP errors) with {@link contextSteps} steps either side,
 * and its last {@link tailSteps}; the quiet middle is elided and counted, so a failure late
 * in a long conversation is always drawn.
 */
import {
  formatIpv4Address,
  formatTcpFlags,
  type Ipv4Packet,
  TcpFlags,
  type TraceEvent,
  type TraceSink,
} from '@lbsim/core';
import { lengthColumn, packetInfo, protocolColumn } from '../format/packet-info.ts';
import type { NumberedStep, SequenceRow, SequenceStep } from './report-model.ts';

/** Steps kept from the start of every connection: how the conversation began. */
export const headSteps = 24;
/** Steps kept before and after each failing step: what led to it and what followed. */
export const contextSteps = 3;
/** Steps kept from the end of every connection: how it ended. */
export const tailSteps = 6;
/** Most failing steps kept (with their context) per connection; later ones are elided. */
export const maxFailingSteps = 40;

/** The arrow label of a packet: TCP flags, `UDP`, `ICMP t/c`, `FRAG`, IP-in-IP around its inner label. */
export function sequenceLabel(packet: Ipv4Packet): string {
  const payload = packet.payload;
  switch (payload.kind) {
    case 'tcp':
      return `${formatTcpFlags(payload.flags)}${payload.payloadLength > 0 ? ` ${payload.payloadLength} B` : ''}`;
    case 'udp':
      return `UDP ${payload.payloadLength} B`;
    case 'icmp':
      return `ICMP ${payload.type}/${payload.code}`;
    case 'ipv4':
      return `IPIP ⟨${sequenceLabel(payload)}⟩`;
    case 'fragment':
      return `FRAG @${packet.fragmentOffsetBytes}${packet.moreFragments ? ' MF' : ''}`;
  }
}

/** The packet in one line, capture style: `src → dst PROTO info (len B)`. */
export function describePacket(packet: Ipv4Packet): string {
  return `${formatIpv4Address(packet.src)} → ${formatIpv4Address(packet.dst)} ${protocolColumn(packet)} ${packetInfo(packet)} (${lengthColumn(packet)} B)`;
}

/**
 * Whether a packet is one a failure shows in: a TCP RST or an ICMP message (at any depth of
 * IP-in-IP), as opposed to the healthy conversation around it.
 */
export function isFailurePacket(packet: Ipv4Packet): boolean {
  const payload = packet.payload;
  switch (payload.kind) {
    case 'tcp':
      return (payload.flags & TcpFlags.Rst) !== 0;
    case 'icmp':
      return true;
    case 'ipv4':
      return isFailurePacket(payload);
    default:
      return false;
  }
}

/** Whether a step must be drawn however long the conversation: a drop, an RST or an ICMP error. */
export function isFailingStep(step: SequenceStep): boolean {
  return step.kind === 'drop' || step.failing;
}

interface Recording {
  /** Steps seen so far. */
  count: number;
  /** Kept steps, in order: the head, failing steps with their context. */
  readonly kept: NumberedStep[];
  /** The latest steps not kept, at most {@link contextSteps}: context for a failing step. */
  recent: NumberedStep[];
  /** The latest steps, at most {@link tailSteps}: how the connection ended. */
  last: NumberedStep[];
  /** Steps still to keep after the last failing one. */
  afterLeft: number;
  failingKept: number;
  /** Failing steps past {@link maxFailingSteps}, elided with the quiet ones. */
  failingElided: number;
  /** Nodes the steps touched, in order of first use (elided steps included). */
  readonly nodes: Set<string>;
  /** Per packet id: the node and note of its latest event. */
  readonly lastEvent: Map<number, { readonly node: string; readonly note: string }>;
}

/** A trace sink keeping the sequence rows of the given connections. */
export class SequenceRecorder implements TraceSink {
  private readonly recordings = new Map<number, Recording>();

  constructor(connectionIds: Iterable<number>) {
    for (const id of connectionIds) {
      this.recordings.set(id, {
        count: 0,
        kept: [],
        recent: [],
        last: [],
        afterLeft: 0,
        failingKept: 0,
        failingElided: 0,
        nodes: new Set(),
        lastEvent: new Map(),
      });
    }
  }

  record(event: TraceEvent): void {
    const recording = this.recordings.get(event.meta.connectionId);
    if (recording === undefined) return;
    const packetId = event.meta.packetId;
    const previous = recording.lastEvent.get(packetId);
    let step: SequenceStep | undefined;
    if (event.kind === 'receive' && previous !== undefined) {
      step = {
        kind: 'message',
        atNs: event.atNs,
        from: previous.node,
        to: event.node,
        label: sequenceLabel(event.packet),
        packet: describePacket(event.packet),
        note: previous.note,
        failing: isFailurePacket(event.packet),
      };
    } else if (event.kind === 'drop') {
      step = {
        kind: 'drop',
        atNs: event.atNs,
        node: event.node,
        reason: event.reason ?? 'no-route',
        packet: describePacket(event.packet),
        note: event.note,
      };
    }
    if (event.kind === 'deliver' || event.kind === 'drop') recording.lastEvent.delete(packetId);
    else recording.lastEvent.set(packetId, { node: event.node, note: event.note });
    if (step !== undefined) keepStep(recording, step);
  }

  /**
   * The rows of connection `id`: kept steps numbered from 1 in the order they happened, with
   * an elided row where steps were left out; and every node its steps touched.
   */
  stepsOf(id: number): { readonly rows: readonly SequenceRow[]; readonly total: number; readonly nodes: string[] } {
    const recording = this.recordings.get(id);
    if (recording === undefined) return { rows: [], total: 0, nodes: [] };
    return { rows: rowsOf(recording), total: recording.count, nodes: [...recording.nodes] };
  }
}

function keepStep(recording: Recording, step: SequenceStep): void {
  recording.count++;
  const numbered: NumberedStep = { number: recording.count, step };
  if (step.kind === 'message') {
    recording.nodes.add(step.from);
    recording.nodes.add(step.to);
  } else {
    recording.nodes.add(step.node);
  }
  recording.last.push(numbered);
  if (recording.last.length > tailSteps) recording.last.shift();
  if (numbered.number <= headSteps) {
    recording.kept.push(numbered);
  } else if (isFailingStep(step) && recording.failingKept < maxFailingSteps) {
    recording.failingKept++;
    recording.kept.push(...recording.recent, numbered);
    recording.recent = [];
    recording.afterLeft = contextSteps;
  } else if (recording.afterLeft > 0) {
    recording.afterLeft--;
    recording.kept.push(numbered);
  } else {
    if (isFailingStep(step)) recording.failingElided++;
    recording.recent.push(numbered);
    if (recording.recent.length > contextSteps) recording.recent.shift();
  }
}

/** Kept steps then the last ones, without repeats, with an elided row at every gap. */
function rowsOf(recording: Recording): SequenceRow[] {
  const lastKept = recording.kept.at(-1)?.number ?? 0;
  const steps = [...recording.kept, ...recording.last.filter((numbered) => numbered.number > lastKept)];
  const rows: SequenceRow[] = [];
  let previous = 0;
  for (const numbered of steps) {
    if (numbered.number > previous + 1) {
      rows.push({ kind: 'elided', count: numbered.number - previous - 1, quiet: recording.failingElided === 0 });
    }
    rows.push({ kind: 'step', ...numbered });
    previous = numbered.number;
  }
  return rows;
}
