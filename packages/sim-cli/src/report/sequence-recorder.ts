/**
 * Records the sequence diagrams of chosen connections from the trace: a message for every
 * packet that crosses a link (drawn from the node whose event last handled it to the node
 * that received it), and a drop where a packet ends in one. Only the chosen connections'
 * events are kept, and at most {@link maxSequenceSteps} rows each.
 */
import { formatIpv4Address, formatTcpFlags, type Ipv4Packet, type TraceEvent, type TraceSink } from '@lbsim/core';
import { lengthColumn, packetInfo, protocolColumn } from '../format/packet-info.ts';
import type { SequenceStep } from './report-model.ts';

/** Most rows a connection's diagram shows. */
export const maxSequenceSteps = 80;

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

interface Recording {
  readonly steps: SequenceStep[];
  omitted: number;
  /** Per packet id: the node and note of its latest event. */
  readonly lastEvent: Map<number, { readonly node: string; readonly note: string }>;
}

/** A trace sink keeping the sequence rows of the given connections. */
export class SequenceRecorder implements TraceSink {
  private readonly recordings = new Map<number, Recording>();

  constructor(connectionIds: Iterable<number>) {
    for (const id of connectionIds) this.recordings.set(id, { steps: [], omitted: 0, lastEvent: new Map() });
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
    if (step === undefined) return;
    if (recording.steps.length < maxSequenceSteps) recording.steps.push(step);
    else recording.omitted++;
  }

  /** The rows of connection `id` and how many were left out past the limit. */
  stepsOf(id: number): { readonly steps: readonly SequenceStep[]; readonly omitted: number } {
    const recording = this.recordings.get(id);
    return recording === undefined ? { steps: [], omitted: 0 } : recording;
  }
}
