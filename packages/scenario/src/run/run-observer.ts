/**
 * The run's own trace sink: per connection, which Muxes and DIPs handled it and where its
 * first packets were dropped; drops by reason and node; drops of health-probe packets per DIP.
 * It keeps counts and small per-connection lists, never the packets themselves, so it stays
 * cheap on long runs.
 *
 * A connection's DIPs are those a Mux load-balanced it to: a Mux also tunnels the return
 * traffic of SNAT flows to the DIP that opened them, and that is no choice of a backend, so
 * encapsulations whose inner packet is for no rule endpoint do not count. What the guests behind
 * those DIPs answered is kept too (guest-replies.ts): a Mux's choice is not service.
 */
import {
  azurePlatformAddress,
  compareCodePoints,
  type DropReason,
  decapsulateIpIp,
  formatIpv4Address,
  type Ipv4Packet,
  type PacketMeta,
  renderTraceNote,
  TcpFlags,
  type TraceEvent,
  type TraceKind,
  type TraceNote,
  type TraceSink,
} from '@lbsim/core';
import type { ConnectionDrop, ConnectionReset, DropCount, ProbeDropRun } from '../base/run-result.ts';
import { describePacket, destinationPortOf, isConnectionAttempt } from './describe-packet.ts';
import { type GuestReply, guestReplyOf } from './guest-replies.ts';

/** Most drops remembered per connection: enough to say where it went wrong. */
export const dropsKeptPerConnection = 3;

interface ConnectionPath {
  readonly dips: string[];
  readonly muxes: string[];
  readonly drops: ConnectionDrop[];
  dropCount: number;
  /** Every drop of the connection, counted by reason and node; created at its first drop. */
  dropsByReason: Map<string, DropCount> | undefined;
  /** RSTs sent for the connection (by either end or by the load balancer), first few. */
  readonly resets: ConnectionReset[];
  /** Dropped TCP SYNs without ACK. */
  synDrops: number;
  /** Last drop of one of its packets, ns (-1: none). */
  lastDropAtNs: number;
  /** Packets guests (VMs) sent for it that may answer it, each kind once per socket; created at the first. */
  guestReplies: GuestReply[] | undefined;
}

/** A connection's path as the summary reads it: the lists may be shared between connections. */
export interface ConnectionPathView {
  readonly dips: readonly string[];
  readonly muxes: readonly string[];
  readonly drops: readonly ConnectionDrop[];
  readonly dropCount: number;
  readonly dropsByReason: ReadonlyMap<string, DropCount> | undefined;
  readonly resets: readonly ConnectionReset[];
  readonly synDrops: number;
  readonly lastDropAtNs: number;
  readonly guestReplies: readonly GuestReply[] | undefined;
}

function emptyPath(): ConnectionPath {
  return {
    dips: [],
    muxes: [],
    drops: [],
    dropCount: 0,
    dropsByReason: undefined,
    resets: [],
    synDrops: 0,
    lastDropAtNs: -1,
    guestReplies: undefined,
  };
}

/** Options of {@link RunObserver}. */
export interface RunObserverOptions {
  /**
   * Whether a Mux's inner packet goes to a rule endpoint (a backend choice) rather than a SNAT
   * port; all do when absent.
   */
  readonly isLoadBalanced?: (inner: Ipv4Packet) => boolean;
  /** The VMs: the nodes whose replies say what became of a connection at its DIP. */
  readonly guests?: Iterable<string>;
  /**
   * The node that opened a connection (its traffic item's `from`), for
   * {@link RunObserver.lastDeliveryToOpenerNs}; deliveries are not followed when absent.
   */
  readonly openerOf?: (connectionId: number) => string | undefined;
}

/** The empty list connections without drops, resets or a second DIP share. */
const noneKept: readonly never[] = Object.freeze([]);

/** Collects what the summary needs from the trace. */
export class RunObserver implements TraceSink {
  /** The kinds {@link record} reads: the tracer spares it the rest (a `receive` per hop). */
  readonly kinds: readonly TraceKind[] = ['send', 'drop', 'encapsulate', 'deliver'];
  /**
   * The usual connection (one DIP, one Mux, one guest reply, no drop or reset) is kept in
   * `compact`; anything more moves it here, whole, for the rest of the run.
   */
  private readonly paths = new Map<number, ConnectionPath>();
  private readonly compact = new CompactPaths();
  private readonly openerOf: (connectionId: number) => string | undefined;
  private readonly drops = new Map<
    string,
    { reason: DropCount['reason']; node: string; count: number; example: string }
  >();
  private readonly muxNames: ReadonlySet<string>;
  private readonly guests: ReadonlySet<string>;
  private readonly isLoadBalanced: (inner: Ipv4Packet) => boolean;
  /** Probe-packet drops by DIP, in runs. */
  private readonly probeDropRuns = new Map<string, ProbeDropRun[]>();
  /** Packets originated (trace `send` events). */
  packetsSent = 0;

  constructor(muxNames: Iterable<string>, options: RunObserverOptions = {}) {
    this.muxNames = new Set(muxNames);
    this.guests = new Set(options.guests ?? []);
    this.isLoadBalanced = options.isLoadBalanced ?? (() => true);
    this.openerOf = options.openerOf ?? (() => undefined);
  }

  record(event: TraceEvent): void {
    if (event.kind === 'drop') this.recordDrop(event);
    else
      this.recordPassing(event.atNs, event.node, event.kind, event.packet, event.meta.connectionId, event, undefined);
  }

  /**
   * {@link record} without an event object: the tracer calls this for every packet sent,
   * tunnelled and delivered, and a run keeps almost nothing of them (TraceSink.recordFields).
   */
  recordFields(
    atNs: number,
    node: string,
    kind: TraceKind,
    packet: Ipv4Packet,
    meta: PacketMeta,
    note: TraceNote,
    reason: DropReason | undefined,
  ): void {
    if (kind !== 'drop') {
      this.recordPassing(atNs, node, kind, packet, meta.connectionId, undefined, note);
      return;
    }
    // Drops are few, and each is kept with its sentence: an event for them costs nothing that matters.
    const decision = typeof note === 'string' ? undefined : note;
    this.recordDrop({ atNs, node, kind, packet, meta, note: renderTraceNote(note), decision, reason });
  }

  /**
   * A packet sent, tunnelled or delivered (any event but a drop). Its note is read only for an
   * RST: from `event` when there is one, else rendered from `note`.
   */
  private recordPassing(
    atNs: number,
    node: string,
    kind: TraceKind,
    packet: Ipv4Packet,
    id: number,
    event: TraceEvent | undefined,
    note: TraceNote | undefined,
  ): void {
    if (kind === 'send') {
      this.packetsSent++;
      const payload = packet.payload;
      if (payload.kind === 'tcp' && (payload.flags & TcpFlags.Rst) !== 0 && id !== 0) {
        const path = this.pathOf(id);
        if (path.resets.length < dropsKeptPerConnection) {
          const text = event !== undefined ? event.note : renderTraceNote(note ?? '');
          path.resets.push({ atNs, node, note: text });
        }
      }
      if (id !== 0 && this.guests.has(node)) this.recordGuestReply(node, packet, id);
      return;
    }
    // Most events are receives and forwards along the way, which say nothing here.
    if (id === 0 || (kind !== 'encapsulate' && kind !== 'deliver')) return;
    if (this.isMuxTunnelling(node, kind, packet)) this.recordMuxChoice(node, packet, id);
    else if (kind === 'deliver' && node === this.openerOf(id)) this.compact.setLastDelivery(id, atNs);
  }

  private recordDrop(event: TraceEvent): void {
    const reason = event.reason ?? 'no-route';
    const key = `${reason}|${event.node}`;
    const entry = this.drops.get(key);
    if (entry === undefined) this.drops.set(key, { reason, node: event.node, count: 1, example: event.note });
    else entry.count++;
    if (event.meta.connectionId === 0) this.recordProbeDrop(event, reason);
    if (event.meta.connectionId !== 0) {
      const path = this.pathOf(event.meta.connectionId);
      path.dropCount++;
      path.lastDropAtNs = event.atNs;
      if (isConnectionAttempt(event.packet)) path.synDrops++;
      path.dropsByReason ??= new Map();
      const counted = path.dropsByReason.get(key);
      path.dropsByReason.set(key, {
        reason,
        node: event.node,
        count: (counted?.count ?? 0) + 1,
        example: counted?.example ?? event.note,
      });
      if (path.drops.length < dropsKeptPerConnection) {
        path.drops.push({
          atNs: event.atNs,
          node: event.node,
          reason,
          note: event.note,
          packet: describePacket(event.packet),
          dstPort: destinationPortOf(event.packet),
          decision: event.decision,
        });
      }
    }
  }

  /** Last delivery of one of the connection's packets to the node that opened it, ns (-1: none). */
  lastDeliveryToOpenerNs(connectionId: number): number {
    return this.compact.lastDelivery(connectionId);
  }

  /**
   * A Mux tunnelling a packet to a DIP: an `encapsulate`, or, when the outer packet is too big
   * for the link, a `deliver` of the outer packet to its own fragmentation (then sent as outer
   * fragments).
   */
  private isMuxTunnelling(node: string, kind: TraceKind, packet: Ipv4Packet): boolean {
    if (!this.muxNames.has(node)) return false;
    return kind === 'encapsulate' || (kind === 'deliver' && packet.payload.kind === 'ipv4');
  }

  /** Records the DIP and Mux of a load-balanced packet a Mux tunnelled (the outer packet, connection `id`). */
  private recordMuxChoice(node: string, packet: Ipv4Packet, id: number): void {
    const inner = decapsulateIpIp(packet);
    if (inner !== undefined && !this.isLoadBalanced(inner)) return;
    if (!this.paths.has(id) && this.compact.addMuxChoice(id, packet.dst, this.nodeIndex(node))) return;
    const path = this.pathOf(id);
    const dip = formatIpv4Address(packet.dst);
    if (!path.dips.includes(dip)) path.dips.push(dip);
    if (!path.muxes.includes(node)) path.muxes.push(node);
  }

  /** DIPs and Muxes a connection went through, its first drops and its guests' replies (empty if none). */
  pathOfConnection(connectionId: number): ConnectionPathView {
    return this.paths.get(connectionId) ?? this.compactPath(connectionId) ?? emptyPath();
  }

  /** The connection's compact record as a path, sharing its lists with every like connection. */
  private compactPath(connectionId: number): ConnectionPathView | undefined {
    const compact = this.compact;
    if (!compact.has(connectionId)) return undefined;
    const dip = compact.dip(connectionId);
    const mux = compact.mux(connectionId);
    const reply = compact.guestReply(connectionId);
    return {
      dips: dip === 0 ? noneKept : this.internedList(formatIpv4Address(dip)),
      muxes: mux < 0 ? noneKept : this.internedList(this.nodeNames[mux] as string),
      drops: noneKept,
      dropCount: 0,
      dropsByReason: undefined,
      resets: noneKept,
      synDrops: 0,
      lastDropAtNs: -1,
      guestReplies:
        reply === undefined
          ? undefined
          : [
              {
                node: this.nodeNames[reply.node] as string,
                address: reply.address,
                port: reply.port,
                kind: reply.kind,
              },
            ],
    };
  }

  /** One shared one-element list per name: a million connections through one DIP share one. */
  private internedList(name: string): readonly string[] {
    let list = this.lists.get(name);
    if (list === undefined) {
      list = Object.freeze([name]);
      this.lists.set(name, list);
    }
    return list;
  }

  private readonly lists = new Map<string, readonly string[]>();
  private readonly nodeNames: string[] = [];
  private readonly nodeIndexes = new Map<string, number>();

  /** A small number per node name (Muxes and VMs), for the compact records. */
  private nodeIndex(node: string): number {
    let index = this.nodeIndexes.get(node);
    if (index === undefined) {
      index = this.nodeNames.length;
      this.nodeNames.push(node);
      this.nodeIndexes.set(node, index);
    }
    return index;
  }

  /** Drops of probe packets, by DIP (dotted-quad order as first seen) then time. */
  probeDrops(): ProbeDropRun[] {
    return [...this.probeDropRuns.values()].flat();
  }

  /** Drops by reason and node, most frequent first, ties by reason then node. */
  dropCounts(): DropCount[] {
    return [...this.drops.values()].sort(
      (a, b) => b.count - a.count || compareCodePoints(a.reason, b.reason) || compareCodePoints(a.node, b.node),
    );
  }

  /** The connection's full path, made from its compact record the first time it needs one. */
  private pathOf(connectionId: number): ConnectionPath {
    let path = this.paths.get(connectionId);
    if (path === undefined) {
      const compact = this.compactPath(connectionId);
      path = emptyPath();
      if (compact !== undefined) {
        path.dips.push(...compact.dips);
        path.muxes.push(...compact.muxes);
        if (compact.guestReplies !== undefined) path.guestReplies = [...compact.guestReplies];
      }
      this.paths.set(connectionId, path);
    }
    return path;
  }

  /** Keeps a guest's packet that may answer its connection, once per node, socket and kind. */
  private recordGuestReply(node: string, packet: Ipv4Packet, id: number): void {
    const reply = guestReplyOf(node, packet);
    if (reply === undefined) return;
    if (!this.paths.has(id) && this.compact.addGuestReply(id, this.nodeIndex(reply.node), reply)) return;
    const path = this.pathOf(id);
    if (path.guestReplies === undefined) {
      path.guestReplies = [reply];
      return;
    }
    const known = path.guestReplies.some(
      (r) => r.node === reply.node && r.address === reply.address && r.port === reply.port && r.kind === reply.kind,
    );
    if (!known) path.guestReplies.push(reply);
  }

  /**
   * Probe packets travel between 168.63.129.16 and a DIP, never tunnelled (docs/mechanics.md §2.3):
   * the DIP is the other address. Consecutive drops for a DIP with the same reason and node
   * extend one run, so a flapping probe costs one entry per change of cause, not per probe.
   */
  private recordProbeDrop(event: TraceEvent, reason: DropCount['reason']): void {
    const { src, dst } = event.packet;
    if (src !== azurePlatformAddress && dst !== azurePlatformAddress) return;
    const dip = formatIpv4Address(src === azurePlatformAddress ? dst : src);
    const runs = this.probeDropRuns.get(dip) ?? [];
    const last = runs.at(-1);
    if (last !== undefined && last.reason === reason && last.node === event.node) {
      runs[runs.length - 1] = { ...last, lastAtNs: event.atNs, count: last.count + 1 };
    } else {
      runs.push({
        dip,
        node: event.node,
        reason,
        firstAtNs: event.atNs,
        lastAtNs: event.atNs,
        count: 1,
        note: event.note,
        packet: describePacket(event.packet),
        decision: event.decision,
      });
    }
    this.probeDropRuns.set(dip, runs);
  }
}

/** Growth step of {@link CompactPaths}' arrays, in connections. */
const compactChunk = 1 << 16;

/**
 * The usual connection's path as numbers, indexed by connection id: its one DIP (address, 0:
 * none), its one Mux and its one guest reply (node index plus one, 0: none), the reply's
 * address, port and kind, and the last delivery to its opener. 31 bytes a connection, where a
 * path object with its lists was about a kilobyte.
 */
class CompactPaths {
  private dips = new Uint32Array(compactChunk);
  private muxes = new Uint16Array(compactChunk);
  private replyNodes = new Uint16Array(compactChunk);
  private replyAddresses = new Uint32Array(compactChunk);
  private replyPorts = new Uint16Array(compactChunk);
  /** 1: accept, 2: refuse. */
  private replyKinds = new Uint8Array(compactChunk);
  /** Last delivery to the opener, ns plus one (0: none). */
  private deliveries = new Float64Array(compactChunk);
  private seen = new Uint8Array(compactChunk);

  has(id: number): boolean {
    return id < this.seen.length && this.seen[id] === 1;
  }

  dip(id: number): number {
    return this.dips[id] as number;
  }

  /** The Mux's node index, or -1. */
  mux(id: number): number {
    return (this.muxes[id] as number) - 1;
  }

  guestReply(id: number): { node: number; address: number; port: number; kind: 'accept' | 'refuse' } | undefined {
    const node = this.replyNodes[id] as number;
    if (node === 0) return undefined;
    return {
      node: node - 1,
      address: this.replyAddresses[id] as number,
      port: this.replyPorts[id] as number,
      kind: this.replyKinds[id] === 1 ? 'accept' : 'refuse',
    };
  }

  lastDelivery(id: number): number {
    return id < this.deliveries.length ? (this.deliveries[id] as number) - 1 : -1;
  }

  setLastDelivery(id: number, atNs: number): void {
    if (!this.fits(id)) return;
    this.deliveries[id] = atNs + 1;
  }

  /** Records a Mux's choice if the record can hold it (the first, or the same again); false if not. */
  addMuxChoice(id: number, dip: number, mux: number): boolean {
    if (!this.fits(id) || dip === 0 || mux >= 0xffff) return false;
    const knownDip = this.dips[id] as number;
    const knownMux = this.muxes[id] as number;
    if ((knownDip !== 0 && knownDip !== dip) || (knownMux !== 0 && knownMux !== mux + 1)) return false;
    this.dips[id] = dip;
    this.muxes[id] = mux + 1;
    this.seen[id] = 1;
    return true;
  }

  /** Records a guest's reply if the record can hold it (the first, or the same again); false if not. */
  addGuestReply(id: number, node: number, reply: GuestReply): boolean {
    if (!this.fits(id) || node >= 0xffff) return false;
    const kind = reply.kind === 'accept' ? 1 : 2;
    const knownNode = this.replyNodes[id] as number;
    if (knownNode !== 0) {
      return (
        knownNode === node + 1 &&
        this.replyAddresses[id] === reply.address >>> 0 &&
        this.replyPorts[id] === reply.port &&
        this.replyKinds[id] === kind
      );
    }
    if (reply.address >>> 0 !== reply.address || reply.port > 0xffff) return false;
    this.replyNodes[id] = node + 1;
    this.replyAddresses[id] = reply.address;
    this.replyPorts[id] = reply.port;
    this.replyKinds[id] = kind;
    this.seen[id] = 1;
    return true;
  }

  /** Whether `id` has a record here, growing the arrays to it; ids beyond 2^26 go to paths. */
  private fits(id: number): boolean {
    if (id < this.seen.length) return true;
    if (id >= 1 << 26) return false;
    let size = this.seen.length;
    while (size <= id) size *= 2;
    const grow = <A extends Uint32Array | Uint16Array | Uint8Array | Float64Array>(
      array: A,
      make: (n: number) => A,
    ) => {
      const next = make(size);
      next.set(array);
      return next;
    };
    this.dips = grow(this.dips, (n) => new Uint32Array(n));
    this.muxes = grow(this.muxes, (n) => new Uint16Array(n));
    this.replyNodes = grow(this.replyNodes, (n) => new Uint16Array(n));
    this.replyAddresses = grow(this.replyAddresses, (n) => new Uint32Array(n));
    this.replyPorts = grow(this.replyPorts, (n) => new Uint16Array(n));
    this.replyKinds = grow(this.replyKinds, (n) => new Uint8Array(n));
    this.deliveries = grow(this.deliveries, (n) => new Float64Array(n));
    this.seen = grow(this.seen, (n) => new Uint8Array(n));
    return true;
  }
}
