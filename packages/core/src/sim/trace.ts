/**
 * The packet trace: one event per thing that happens to a packet at a vantage point.
 *
 * Nodes emit events through a {@link Tracer}; sinks (the run summary, the capture-style table,
 * pcapng writers, the HTML report) subscribe. Every packet ends in exactly one `deliver` or
 * `drop` event, or is still in flight when the run ends (docs/architecture.md#determinism-and-accounting, conservation).
 */
import type { Ipv4Packet } from '../net/packet.ts';
import type { DropReason } from './drop-reason.ts';
import type { PacketMeta } from './packet-meta.ts';
import { renderTraceNote, type TraceDecision, type TraceNote } from './trace-note.ts';

/**
 * What happened to a packet at a node:
 * - `send`: the node originated it;
 * - `receive`: it arrived at the node;
 * - `forward`: the node passed it on unchanged (routing);
 * - `rewrite`: the node changed headers (NAT, MSS clamp) and passed it on;
 * - `encapsulate` / `decapsulate`: IP-in-IP added or removed, passed on;
 * - `deliver`: a socket or agent on the node consumed it;
 * - `drop`: the node discarded it, with a {@link DropReason}.
 */
export type TraceKind = 'send' | 'receive' | 'forward' | 'rewrite' | 'encapsulate' | 'decapsulate' | 'deliver' | 'drop';

/** One trace event. `packet` is the packet as it leaves (or, for `receive`/`drop`, as it was). */
export interface TraceEvent {
  readonly atNs: number;
  /** The vantage point: the name of the node (client, router, Mux, Host Agent, VM). */
  readonly node: string;
  readonly kind: TraceKind;
  readonly packet: Ipv4Packet;
  readonly meta: PacketMeta;
  /**
   * A short sentence for people: the decision and why ("5-tuple hash → DIP 10.1.0.5"). On the
   * tracer's events it is rendered from {@link decision} when first read (trace-note.ts).
   */
  readonly note: string;
  /** The decision as values, when the node gave one rather than a sentence (trace-note.ts). */
  readonly decision?: TraceDecision | undefined;
  /** Set on `drop` events only. */
  readonly reason: DropReason | undefined;
}

/**
 * The tracer's events: the note is kept as the node gave it and rendered to a sentence only
 * when a sink reads {@link TraceEvent.note} (once; later reads reuse it).
 */
class RecordedTraceEvent implements TraceEvent {
  private given: TraceNote;
  private rendered = false;

  constructor(
    readonly atNs: number,
    readonly node: string,
    readonly kind: TraceKind,
    readonly packet: Ipv4Packet,
    readonly meta: PacketMeta,
    note: TraceNote,
    readonly reason: DropReason | undefined,
    readonly decision: TraceDecision | undefined,
  ) {
    this.given = note;
  }

  get note(): string {
    if (this.rendered) return this.given as string;
    const text = renderTraceNote(this.given);
    this.given = text;
    this.rendered = true;
    return text;
  }
}

/** A consumer of trace events. */
export interface TraceSink {
  record(event: TraceEvent): void;
  /**
   * Reads an event as its fields, without an event object. When every sink of a kind has it,
   * the tracer calls it instead of {@link record} and makes no event: the run's own observer
   * reads several events per packet and keeps almost none of them. `note` is as the node gave
   * it, a sentence or a {@link TraceDecision} (renderTraceNote makes the sentence); `reason` is
   * set on `drop` events only.
   */
  recordFields?(
    atNs: number,
    node: string,
    kind: TraceKind,
    packet: Ipv4Packet,
    meta: PacketMeta,
    note: TraceNote,
    reason: DropReason | undefined,
  ): void;
  /**
   * The kinds of event the sink reads (default: all). An event no sink reads costs the tracer
   * a counter and nothing else: no event object and no note (a packet hop's `receive`, with
   * only a sink that reads drops, say).
   */
  readonly kinds?: readonly TraceKind[] | undefined;
}

/** Every {@link TraceKind}. */
export const traceKinds: readonly TraceKind[] = [
  'send',
  'receive',
  'forward',
  'rewrite',
  'encapsulate',
  'decapsulate',
  'deliver',
  'drop',
];

/**
 * The events of one kind: the sinks that read it and how many were emitted. A node that emits
 * one kind per packet (the fabric's `receive` per hop) keeps its channel ({@link Tracer.channel})
 * and emits without looking the kind up; with no sink reading the kind, an event costs a counter.
 */
export class TraceChannel {
  private readonly sinks: TraceSink[] = [];
  private emitted = 0;
  /** Whether every sink reads fields ({@link TraceSink.recordFields}): then no event object is made. */
  private fieldsOnly = true;

  constructor(
    /** The kind of every event of the channel. */
    readonly kind: TraceKind,
  ) {}

  /** How many events were emitted on the channel, whether or not a sink read them. */
  get count(): number {
    return this.emitted;
  }

  /** Whether a sink reads the channel: when none does, a note for an event need not be built. */
  get wanted(): boolean {
    return this.sinks.length > 0;
  }

  /** Adds a sink after those added before. */
  add(sink: TraceSink): void {
    this.sinks.push(sink);
    if (sink.recordFields === undefined) this.fieldsOnly = false;
  }

  /** Records an event of the channel's kind: see {@link Tracer.emit}. */
  emit(atNs: number, node: string, packet: Ipv4Packet, meta: PacketMeta, note: TraceNote, reason?: DropReason): void {
    this.emitted++;
    const sinks = this.sinks;
    if (sinks.length === 0) return;
    if (this.fieldsOnly) {
      const kind = this.kind;
      for (const sink of sinks) sink.recordFields?.(atNs, node, kind, packet, meta, note, reason);
      return;
    }
    const decision = typeof note === 'string' ? undefined : note;
    const event = new RecordedTraceEvent(atNs, node, this.kind, packet, meta, note, reason, decision);
    for (const sink of sinks) sink.record(event);
  }
}

/** Hands out packet ids, counts events by kind and passes each to the sinks that read its kind. */
export class Tracer {
  private readonly byKind: { readonly [K in TraceKind]: TraceChannel } = {
    send: new TraceChannel('send'),
    receive: new TraceChannel('receive'),
    forward: new TraceChannel('forward'),
    rewrite: new TraceChannel('rewrite'),
    encapsulate: new TraceChannel('encapsulate'),
    decapsulate: new TraceChannel('decapsulate'),
    deliver: new TraceChannel('deliver'),
    drop: new TraceChannel('drop'),
  };
  private nextPacketId = 1;

  /** Adds a sink; it sees every later event of the kinds it reads, in the order sinks were added. */
  subscribe(sink: TraceSink): void {
    for (const kind of sink.kinds ?? traceKinds) this.byKind[kind].add(sink);
  }

  /** The channel of `kind`'s events, to emit many of them (see {@link TraceChannel}). */
  channel(kind: TraceKind): TraceChannel {
    return this.byKind[kind];
  }

  /** How many events of `kind` were emitted so far, whether or not a sink read them. */
  countOf(kind: TraceKind): number {
    return this.byKind[kind].count;
  }

  /** Whether a sink reads events of `kind`: when none does, a note for one need not be built. */
  wants(kind: TraceKind): boolean {
    return this.byKind[kind].wanted;
  }

  /** Meta for a packet originated now. */
  newMeta(connectionId: number, nowNs: number): PacketMeta {
    return new PacketMetaRecord(this.nextPacketId++, connectionId, nowNs);
  }

  /**
   * Records an event (see {@link TraceEvent}). `note` is a {@link TraceDecision} on the data
   * path (rendered only if a sink reads the sentence) or a sentence on rare paths.
   */
  emit(
    atNs: number,
    node: string,
    kind: TraceKind,
    packet: Ipv4Packet,
    meta: PacketMeta,
    note: TraceNote,
    reason?: DropReason,
  ): void {
    this.byKind[kind].emit(atNs, node, packet, meta, note, reason);
  }
}

/**
 * A packet's meta as a class instance, not an object literal: V8 may allocate a literal site's
 * objects in the old generation once many of them survive a young collection (packets in
 * flight), and short-lived ones then cost full collections; class instances are not
 * pretenured that way (see `ipv4Packet` in net/packet.ts).
 */
class PacketMetaRecord implements PacketMeta {
  constructor(
    readonly packetId: number,
    readonly connectionId: number,
    readonly createdAtNs: number,
  ) {}
}
