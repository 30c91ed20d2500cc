/**
 * The capture tap: a trace sink that turns trace events into the packets each vantage point's
 * wire carries, each with a comment saying what the node did with it (docs/captures.md).
 *
 * Rules, per vantage point (see vantage-points.ts for which wire that is):
 * - a `receive` is a packet in; at a Host Agent only when it came from the router, not from
 *   one of its VMs;
 * - a `send`, `forward`, `rewrite` or `encapsulate` is a packet out; at a Host Agent only when
 *   it leaves toward the router: the packet came from one of its VMs, or the Host Agent made
 *   it for an address that is not one of its VMs'. Health probes, between the host's prober
 *   (168.63.129.16) and its VMs, never cross that wire;
 * - each packet is written once per vantage point, on the side where it left it: a packet that
 *   came in and went out again (a Mux tunnelling it) is written out, in its last form, its
 *   comment saying it came in; one the node dropped is written on the drop side, as it was on
 *   the wire (or, when it never was on this wire, as it was when dropped: the NSG dropping a
 *   probe SYN inside a host). So Wireshark never sees one segment twice in a file and calls
 *   the second a retransmission;
 * - every other event at the node about the packet just written (`decap`, `nat` toward a VM,
 *   `deliver`, …) adds its note to that packet's comment, so a capture shows where a packet
 *   ended even when its end is off this wire.
 * A packet's comment starts with the connection it belongs to, then the note of the event that
 * wrote it: the decision, e.g.
 * "[connection 3] mux-2: 5-tuple hash 0x1a2b3c4d → DIP 10.1.0.5, encapsulated; in: from router".
 * Drops at nodes without a capture (the router) are written too, for the merged file.
 */
import {
  azurePlatformAddress,
  formatIpv4Address,
  type Ipv4Packet,
  type TraceEvent,
  type TraceKind,
  type TraceSink,
} from '@lbsim/core';
import { traceEventNames } from '../format/trace-event-names.ts';
import type { VantagePoint } from './vantage-points.ts';

/**
 * Where a packet left a vantage point: `in` (it arrived and ended here or went on off this
 * wire), `out` (it left on this wire) or `drop` (the node dropped it).
 */
export type CaptureSide = 'in' | 'out' | 'drop';

/** One packet on one vantage point's wire. */
export interface CaptureRecord {
  /** The node name: a vantage point's, or (for a drop only) another node's, e.g. the router's. */
  readonly node: string;
  /** Virtual time the packet crossed the wire (or was dropped), ns. */
  readonly atNs: number;
  /** The packet as it was on the wire (or, dropped off the wire, as it was when dropped). */
  readonly packet: Ipv4Packet;
  /** What the node did with it: notes joined by "; ", after the connection it belongs to. */
  readonly comment: string;
  readonly side: CaptureSide;
  /** Which way it crossed this wire; `undefined` for a drop that never touched it. */
  readonly direction: 'inbound' | 'outbound' | undefined;
  /** Order in which records were made: time order, and event order within an instant. */
  readonly sequence: number;
}

/** Longest comment written, in characters; pcapng allows 64 KiB, people read far less. */
export const maxCaptureCommentLength = 2000;

const egressKinds: ReadonlySet<TraceKind> = new Set(['send', 'forward', 'rewrite', 'encapsulate']);

interface PendingRecord {
  readonly atNs: number;
  readonly packetId: number;
  readonly connectionId: number;
  readonly sequence: number;
  direction: 'in' | 'out';
  packet: Ipv4Packet;
  parts: string[];
}

interface TapState {
  readonly point: VantagePoint;
  pending: PendingRecord | undefined;
  /** At a Host Agent: the packet it is handling and whether it came from one of its VMs. */
  visit: { readonly packetId: number; readonly fromGuest: boolean } | undefined;
}

/** The text an event adds to the comment of a packet written before it. */
function describeLaterEvent(event: TraceEvent): string {
  if (event.kind === 'drop') return `DROP ${event.reason ?? 'unknown'}: ${event.note}`;
  return `${traceEventNames[event.kind]}: ${event.note}`;
}

/** The label every comment starts with: the connection id, which `--connection` also takes. */
function connectionLabel(connectionId: number): string {
  return connectionId > 0 ? `[connection ${connectionId}]` : '[no connection]';
}

function commentOf(connectionId: number, parts: readonly string[]): string {
  const comment = `${connectionLabel(connectionId)} ${parts.join('; ')}`;
  return comment.length <= maxCaptureCommentLength ? comment : `${comment.slice(0, maxCaptureCommentLength - 1)}…`;
}

/**
 * Feeds `write` the packets every vantage point's wire carries (see the rules above), in time
 * order; within one instant, `sequence` gives the event order.
 */
export class CaptureTap implements TraceSink {
  private readonly taps = new Map<string, TapState>();
  /** The taps holding a packet for its comment. */
  private readonly holding = new Set<TapState>();
  /** The node of each packet's latest event: who sent it, when it arrives somewhere. */
  private readonly lastNodeOfPacket = new Map<number, string>();
  private nowNs = 0;
  private sequence = 0;

  constructor(
    points: readonly VantagePoint[],
    private readonly write: (record: CaptureRecord) => void,
  ) {
    for (const point of points) this.taps.set(point.node, { point, pending: undefined, visit: undefined });
  }

  record(event: TraceEvent): void {
    // Notes for a held packet come in the same instant; once time moves on, it is complete.
    if (event.atNs > this.nowNs) {
      for (const tap of this.holding) this.flush(tap);
      this.nowNs = event.atNs;
    }
    const packetId = event.meta.packetId;
    const sender = this.lastNodeOfPacket.get(packetId);
    if (event.kind === 'deliver' || event.kind === 'drop') this.lastNodeOfPacket.delete(packetId);
    else this.lastNodeOfPacket.set(packetId, event.node);

    const tap = this.taps.get(event.node);
    if (tap === undefined) {
      if (event.kind === 'drop') this.writeDrop(event, undefined);
      return;
    }
    if (event.kind === 'drop') {
      this.writeDrop(event, tap);
      return;
    }
    const direction = this.directionOf(tap, event, sender);
    const pending = tap.pending;
    if (direction === 'out' && pending?.packetId === packetId) {
      // In and out again (a Mux tunnelling it), or changed twice: written once, as it left.
      pending.parts =
        pending.direction === 'in'
          ? [event.note, `in: ${pending.parts.join('; ')}`]
          : [...pending.parts, describeLaterEvent(event)];
      pending.direction = 'out';
      pending.packet = event.packet;
    } else if (direction !== undefined) {
      this.flush(tap);
      tap.pending = {
        atNs: event.atNs,
        packetId,
        connectionId: event.meta.connectionId,
        sequence: this.sequence++,
        direction,
        packet: event.packet,
        parts: [event.note],
      };
      this.holding.add(tap);
    } else if (pending?.packetId === packetId) {
      pending.parts.push(describeLaterEvent(event));
    }
  }

  /** Writes the packets still held for their comments; call once the run is over. */
  finish(): void {
    for (const tap of this.holding) this.flush(tap);
  }

  /**
   * A drop: the packet this node holds, as it was on the wire, when it is the one dropped;
   * else the packet as it was when dropped, off this wire.
   */
  private writeDrop(event: TraceEvent, tap: TapState | undefined): void {
    const pending = tap?.pending;
    const note = describeLaterEvent(event);
    if (tap !== undefined && pending?.packetId === event.meta.packetId) {
      tap.pending = undefined;
      this.holding.delete(tap);
      this.write({
        node: event.node,
        atNs: pending.atNs,
        packet: pending.packet,
        comment: commentOf(pending.connectionId, [...pending.parts, note]),
        side: 'drop',
        direction: pending.direction === 'in' ? 'inbound' : 'outbound',
        sequence: pending.sequence,
      });
      return;
    }
    this.write({
      node: event.node,
      atNs: event.atNs,
      packet: event.packet,
      comment: commentOf(event.meta.connectionId, [note]),
      side: 'drop',
      direction: undefined,
      sequence: this.sequence++,
    });
  }

  private directionOf(tap: TapState, event: TraceEvent, sender: string | undefined): 'in' | 'out' | undefined {
    const point = tap.point;
    if (event.kind === 'receive') {
      if (point.kind !== 'host') return 'in';
      const fromGuest = sender !== undefined && point.guests.has(sender);
      tap.visit = { packetId: event.meta.packetId, fromGuest };
      return fromGuest ? undefined : 'in';
    }
    if (!egressKinds.has(event.kind)) return undefined;
    if (point.kind !== 'host') return 'out';
    // Traffic with 168.63.129.16 (the host's prober) never leaves the host.
    if (event.packet.dst === azurePlatformAddress || event.packet.src === azurePlatformAddress) return undefined;
    const visit = tap.visit;
    if (visit !== undefined && visit.packetId === event.meta.packetId) return visit.fromGuest ? 'out' : undefined;
    // Made here (no receive before it): toward a VM of this host stays off the wire.
    return point.guestAddresses.has(formatIpv4Address(event.packet.dst)) ? undefined : 'out';
  }

  private flush(tap: TapState): void {
    const pending = tap.pending;
    this.holding.delete(tap);
    if (pending === undefined) return;
    tap.pending = undefined;
    this.write({
      node: tap.point.node,
      atNs: pending.atNs,
      packet: pending.packet,
      comment: commentOf(pending.connectionId, pending.parts),
      side: pending.direction,
      direction: pending.direction === 'in' ? 'inbound' : 'outbound',
      sequence: pending.sequence,
    });
  }
}
