/**
 * The run's own trace sink: per connection, which Muxes and DIPs handled it and where its
 * first packets were dropped; drops by reason and node; drops of health-probe packets per DIP.
 * It keeps counts and small per-connection lists, never the packets themselves, so it stays
 * cheap on long runs.
 *
 * A connection's DIPs are those a Mux load-balanced it to: a Mux also tunnels the return
 * traffic of SNAT flows to the DIP that opened them, and that is no choice of a backend, so
 * encapsulations whose inner packet is for no rule endpoint do not count.
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
import { describePacket, destinationPortOf, isConnectionAttempt } from './describe-packet.ts';
import type { ConnectionDrop, ConnectionReset, DropCount, ProbeDropRun } from './run-result.ts';

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
  };
}

/** Collects what the summary needs from the trace. */
export class RunObserver implements TraceSink {
  private readonly paths = new Map<number, ConnectionPath>();
  private readonly drops = new Map<
    string,
    { reason: DropCount['reason']; node: string; count: number; example: string }
  >();
  private readonly muxNames: ReadonlySet<string>;
  /** Probe-packet drops by DIP, in runs. */
  private readonly probeDropRuns = new Map<string, ProbeDropRun[]>();
  /** Packets originated (trace `send` events). */
  packetsSent = 0;

  /**
   * @param isLoadBalanced whether a Mux's inner packet goes to a rule endpoint (a backend
   *   choice) rather than a SNAT port; all do when absent
   */
  constructor(
    muxNames: Iterable<string>,
    private readonly isLoadBalanced: (inner: Ipv4Packet) => boolean = () => true,
  ) {
    this.muxNames = new Set(muxNames);
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
          });
        }
      }
      return;
    }
    if (event.kind === 'deliver' && event.meta.connectionId !== 0) {
      this.pathOf(event.meta.connectionId).lastDeliveries.set(event.node, event.atNs);
      return;
    }
    if (event.kind === 'encapsulate' && this.muxNames.has(event.node) && event.meta.connectionId !== 0) {
      const inner = decapsulateIpIp(event.packet);
      if (inner !== undefined && !this.isLoadBalanced(inner)) return;
      const path = this.pathOf(event.meta.connectionId);
      const dip = formatIpv4Address(event.packet.dst);
      if (!path.dips.includes(dip)) path.dips.push(dip);
      if (!path.muxes.includes(event.node)) path.muxes.push(event.node);
    }
  }

  /** DIPs and Muxes a connection went through and its first drops (empty if none). */
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

  /**
   * Probe packets travel between 168.63.129.16 and a DIP, never tunnelled (mechanics.md §2.3):
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
      });
    }
    this.probeDropRuns.set(dip, runs);
  }
}
