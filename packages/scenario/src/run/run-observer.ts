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
  decapsulateIpIp,
  formatIpv4Address,
  type Ipv4Packet,
  TcpFlags,
  type TraceEvent,
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
  /** Last delivery of one of its packets, by the node it was delivered at, ns. */
  readonly lastDeliveries: Map<string, number>;
  /** Packets guests (VMs) sent for it that may answer it, each kind once per socket; created at the first. */
  guestReplies: GuestReply[] | undefined;
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
    lastDeliveries: new Map(),
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
}

/** Collects what the summary needs from the trace. */
export class RunObserver implements TraceSink {
  private readonly paths = new Map<number, ConnectionPath>();
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
  }

  record(event: TraceEvent): void {
    if (event.kind === 'send') {
      this.packetsSent++;
      const payload = event.packet.payload;
      if (payload.kind === 'tcp' && (payload.flags & TcpFlags.Rst) !== 0 && event.meta.connectionId !== 0) {
        const path = this.pathOf(event.meta.connectionId);
        if (path.resets.length < dropsKeptPerConnection)
          path.resets.push({ atNs: event.atNs, node: event.node, note: event.note });
      }
      if (event.meta.connectionId !== 0 && this.guests.has(event.node)) this.recordGuestReply(event);
      return;
    }
    if (event.kind === 'drop') {
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
      return;
    }
    if (event.meta.connectionId === 0) return;
    if (this.isMuxTunnelling(event)) this.recordMuxChoice(event);
    else if (event.kind === 'deliver') this.pathOf(event.meta.connectionId).lastDeliveries.set(event.node, event.atNs);
  }

  /**
   * A Mux tunnelling a packet to a DIP: an `encapsulate`, or, when the outer packet is too big
   * for the link, a `deliver` of the outer packet to its own fragmentation (then sent as outer
   * fragments).
   */
  private isMuxTunnelling(event: TraceEvent): boolean {
    if (!this.muxNames.has(event.node)) return false;
    return event.kind === 'encapsulate' || (event.kind === 'deliver' && event.packet.payload.kind === 'ipv4');
  }

  /** Records the DIP and Mux of a load-balanced packet a Mux tunnelled. */
  private recordMuxChoice(event: TraceEvent): void {
    const inner = decapsulateIpIp(event.packet);
    if (inner !== undefined && !this.isLoadBalanced(inner)) return;
    const path = this.pathOf(event.meta.connectionId);
    const dip = formatIpv4Address(event.packet.dst);
    if (!path.dips.includes(dip)) path.dips.push(dip);
    if (!path.muxes.includes(event.node)) path.muxes.push(event.node);
  }

  /** DIPs and Muxes a connection went through, its first drops and its guests' replies (empty if none). */
  pathOfConnection(connectionId: number): Readonly<ConnectionPath> {
    return this.paths.get(connectionId) ?? emptyPath();
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

  private pathOf(connectionId: number): ConnectionPath {
    let path = this.paths.get(connectionId);
    if (path === undefined) {
      path = emptyPath();
      this.paths.set(connectionId, path);
    }
    return path;
  }

  /** Keeps a guest's packet that may answer its connection, once per node, socket and kind. */
  private recordGuestReply(event: TraceEvent): void {
    const reply = guestReplyOf(event.node, event.packet);
    if (reply === undefined) return;
    const path = this.pathOf(event.meta.connectionId);
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
