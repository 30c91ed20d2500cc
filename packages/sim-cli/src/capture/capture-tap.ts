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
 *   (168.63.129.16) and its VMs, never cross that wire; When a node changes a packet twice before
 *   it leaves (two such events in a row for the same packet), only the last form is written;
 * - every other event at the node about the packet just written (`decap`, `nat` toward a VM,
 *   `deliver`, `DROP`, …) adds its note to that packet's comment, so a capture shows where a
 *   packet ended even when its end is off this wire. A packet the node drops before it leaves
 *   (an MTU drop at the sender) stays in the capture, its comment saying so.
 * A packet's comment starts with the note of the event that wrote it: the decision, e.g.
 * "mux-2: 5-tuple hash 0x1a2b3c4d → DIP 10.1.0.5, encapsulated".
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

/** One packet on one vantage point's wire. */
export interface CaptureRecord {
  /** The vantage point's node name. */
  readonly node: string;
  /** Virtual time the packet crossed the wire, ns. */
  readonly atNs: number;
  /** The packet as it was on the wire. */
  readonly packet: Ipv4Packet;
  /** What the node did with it: notes joined by "; ". */
  readonly comment: string;
}

/** Longest comment written, in characters; pcapng allows 64 KiB, people read far less. */
export const maxCaptureCommentLength = 2000;

const egressKinds: ReadonlySet<TraceKind> = new Set(['send', 'forward', 'rewrite', 'encapsulate']);

interface PendingRecord {
  readonly atNs: number;
  readonly packetId: number;
  readonly direction: 'in' | 'out';
  packet: Ipv4Packet;
  readonly parts: string[];
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

function commentOf(parts: readonly string[]): string {
  const comment = parts.join('; ');
  return comment.length <= maxCaptureCommentLength ? comment : `${comment.slice(0, maxCaptureCommentLength - 1)}…`;
}

/** Feeds `write` the packets every vantage point's wire carries, in time order per point. */
export class CaptureTap implements TraceSink {
  private readonly taps = new Map<string, TapState>();
  /** The node of each packet's latest event: who sent it, when it arrives somewhere. */
  private readonly lastNodeOfPacket = new Map<number, string>();

  constructor(
    points: readonly VantagePoint[],
    private readonly write: (record: CaptureRecord) => void,
  ) {
    for (const point of points) this.taps.set(point.node, { point, pending: undefined, visit: undefined });
  }

  record(event: TraceEvent): void {
    const packetId = event.meta.packetId;
    const sender = this.lastNodeOfPacket.get(packetId);
    if (event.kind === 'deliver' || event.kind === 'drop') this.lastNodeOfPacket.delete(packetId);
    else this.lastNodeOfPacket.set(packetId, event.node);

    const tap = this.taps.get(event.node);
    if (tap === undefined) return;
    const direction = this.directionOf(tap, event, sender);
    const pending = tap.pending;
    if (direction === 'out' && pending?.direction === 'out' && pending.packetId === packetId) {
      pending.packet = event.packet;
      pending.parts.push(describeLaterEvent(event));
    } else if (direction !== undefined) {
      this.flush(tap);
      tap.pending = { atNs: event.atNs, packetId, direction, packet: event.packet, parts: [event.note] };
    } else if (pending?.packetId === packetId) {
      pending.parts.push(describeLaterEvent(event));
    }
  }

  /** Writes the packets still held for their comments; call once the run is over. */
  finish(): void {
    for (const tap of this.taps.values()) this.flush(tap);
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
    if (pending === undefined) return;
    tap.pending = undefined;
    this.write({ node: tap.point.node, atNs: pending.atNs, packet: pending.packet, comment: commentOf(pending.parts) });
  }
}
