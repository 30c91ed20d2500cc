/**
 * Counts, from the packet trace, what Azure Load Balancer's counters count
 * (docs/metrics-and-flow-logs.md): packets, bytes and SYNs at the frontends of load-balancing
 * rules, new outbound SNAT flows, and once a second the share of each frontend's ECMP next hops
 * that are live Muxes (the data path Azure's own availability probing exercises).
 *
 * - Inbound (`Direction: In`): a packet a Mux received for a rule's frontend IP and port
 *   (fragments too: a later fragment counts for the frontend of its datagram's first fragment).
 * - Outbound (`Out`): a reply a Host Agent sent from a rule's frontend IP and port (direct
 *   server return: it never passes a Mux, but Azure counts it for the frontend).
 * - A new SNAT connection: the first packet of an outbound 5-tuple a Host Agent translated to a
 *   frontend IP and a SNAT port (a port that is no rule's frontend port).
 */
import {
  hasFlags,
  IpProtocol,
  type Ipv4Address,
  type Ipv4Packet,
  ipProtocolOf,
  ipv4TotalLength,
  isFragment,
  nsPerSecond,
  TcpFlags,
  type TraceEvent,
  type TraceSink,
  vipEndpointKey,
} from '@lbsim/core';
import { transportTupleOf } from '@lbsim/host-agent';

/** A rule's frontend, as the recorder matches packets to it. */
export interface RecordedFrontend {
  /** Index of the rule in the manager's configured rules. */
  readonly rule: number;
  readonly vip: Ipv4Address;
  readonly protocol: number;
  /** Frontend port; 0 for an HA-ports rule (every port). */
  readonly port: number;
}

/** Counts of one frontend and direction in one bin. */
export interface TrafficCounts {
  packets: number;
  bytes: number;
  syns: number;
}

/** The live state the recorder samples: the router's next hops for a VIP and whether a Mux runs. */
export interface DataPathState {
  readonly ecmpGroup: (vip: Ipv4Address) => readonly string[];
  readonly isMuxRunning: (mux: string) => boolean;
}

/** One sample of the data path: per VIP, the share of its next hops that are running Muxes. */
export interface DataPathSample {
  readonly atNs: number;
  readonly liveShareByVip: ReadonlyMap<Ipv4Address, number>;
}

/** Interval of data-path samples: once a second of run time. */
export const dataPathSampleIntervalNs = nsPerSecond;

/** Records the counters of a run as its trace goes by. */
export class MetricsRecorder implements TraceSink {
  private readonly frontends = new Map<string, RecordedFrontend>();
  private readonly vips: readonly Ipv4Address[];
  /** `rule|direction|bin` → counts. */
  readonly traffic = new Map<string, TrafficCounts>();
  /** `frontend|dip|bin` → new SNAT flows. */
  readonly snatConnections = new Map<string, number>();
  readonly dataPath: DataPathSample[] = [];
  private readonly snatFlows = new Map<string, number>();
  private readonly sentBy = new Map<number, Ipv4Address>();
  /** Frontends of datagrams whose first fragment a Mux received, by source, destination, protocol and IP id. */
  private readonly fragmentFrontends = new Map<string, RecordedFrontend>();
  private nextSampleNs = dataPathSampleIntervalNs;

  /**
   * @param frontends the rules' frontends
   * @param binNs width of a bin, ns
   * @param muxes node names of the Muxes
   * @param hostAgents node names of the Host Agents
   * @param guests node names of the VMs
   * @param state the live data-path state to sample
   */
  constructor(
    frontends: readonly RecordedFrontend[],
    private readonly binNs: number,
    private readonly muxes: ReadonlySet<string>,
    private readonly hostAgents: ReadonlySet<string>,
    private readonly guests: ReadonlySet<string>,
    private readonly state: DataPathState,
  ) {
    for (const frontend of frontends) {
      this.frontends.set(vipEndpointKey(frontend.vip, frontend.protocol, frontend.port), frontend);
    }
    this.vips = [...new Set(frontends.map((frontend) => frontend.vip))];
  }

  record(event: TraceEvent): void {
    // The state an event finds is the state since the last one: sample the seconds passed.
    while (this.nextSampleNs <= event.atNs) this.sample(this.nextSampleNs);
    const node = event.node;
    if (this.muxes.has(node)) {
      if (event.kind === 'receive') this.countAtMux(event);
    } else if (this.hostAgents.has(node)) {
      if (event.kind === 'rewrite' || event.kind === 'forward') this.countAtHost(event);
      if (event.kind !== 'receive') this.sentBy.delete(event.meta.packetId);
    } else if (event.kind === 'send' && this.guests.has(node)) {
      this.sentBy.set(event.meta.packetId, event.packet.src);
    }
  }

  /** Takes the samples of the seconds left before `endNs`. */
  finish(endNs: number): void {
    while (this.nextSampleNs < endNs) this.sample(this.nextSampleNs);
  }

  private sample(atNs: number): void {
    const liveShareByVip = new Map<Ipv4Address, number>();
    for (const vip of this.vips) {
      const group = this.state.ecmpGroup(vip);
      const live = group.filter((mux) => this.state.isMuxRunning(mux)).length;
      liveShareByVip.set(vip, group.length === 0 ? 0 : live / group.length);
    }
    this.dataPath.push({ atNs, liveShareByVip });
    this.nextSampleNs = atNs + dataPathSampleIntervalNs;
  }

  private countAtMux(event: TraceEvent): void {
    const packet = event.packet;
    const frontend = this.frontendOfInbound(packet);
    if (frontend === undefined) return;
    const counts = this.countsOf(frontend.rule, 'In', event.atNs);
    counts.packets++;
    counts.bytes += ipv4TotalLength(packet);
    const payload = packet.payload;
    if (
      payload.kind === 'tcp' &&
      !isFragment(packet) &&
      hasFlags(payload.flags, TcpFlags.Syn) &&
      !hasFlags(payload.flags, TcpFlags.Ack)
    ) {
      counts.syns++;
    }
  }

  /**
   * The frontend a packet arriving at a Mux is for: by its ports, or for a fragment by the
   * ports of its first fragment (later fragments carry none: they count for the frontend their
   * first fragment was for, when that came first).
   */
  private frontendOfInbound(packet: Ipv4Packet): RecordedFrontend | undefined {
    const tuple = transportTupleOf(packet);
    if (tuple !== undefined) {
      const frontend = this.frontendOf(tuple.dstAddress, tuple.protocol, tuple.dstPort);
      if (isFragment(packet) && frontend !== undefined) this.fragmentFrontends.set(fragmentKey(packet), frontend);
      return frontend;
    }
    return isFragment(packet) ? this.fragmentFrontends.get(fragmentKey(packet)) : undefined;
  }

  private countAtHost(event: TraceEvent): void {
    const packet = event.packet;
    const payload = packet.payload;
    if (payload.kind !== 'tcp' && payload.kind !== 'udp') return;
    const protocol = ipProtocolOf(packet);
    const frontend = this.frontendOf(packet.src, protocol, payload.srcPort);
    if (frontend !== undefined) {
      const counts = this.countsOf(frontend.rule, 'Out', event.atNs);
      counts.packets++;
      counts.bytes += ipv4TotalLength(packet);
      return;
    }
    const dip = this.sentBy.get(event.meta.packetId);
    if (event.kind !== 'rewrite' || dip === undefined || dip === packet.src) return;
    this.countSnatFlow(event, dip, protocol, payload.srcPort, payload.dstPort);
  }

  private countSnatFlow(event: TraceEvent, dip: Ipv4Address, protocol: number, srcPort: number, dstPort: number): void {
    const packet = event.packet;
    const key = `${protocol}|${packet.src}|${srcPort}|${packet.dst}|${dstPort}`;
    // A 5-tuple carries one connection at a time; a later connection on it is a new flow.
    if (this.snatFlows.get(key) === event.meta.connectionId) return;
    this.snatFlows.set(key, event.meta.connectionId);
    const bin = this.binOf(event.atNs);
    const counted = `${packet.src}|${dip}|${bin}`;
    this.snatConnections.set(counted, (this.snatConnections.get(counted) ?? 0) + 1);
  }

  private frontendOf(vip: Ipv4Address, protocol: number, port: number): RecordedFrontend | undefined {
    if (protocol !== IpProtocol.Tcp && protocol !== IpProtocol.Udp) return undefined;
    return (
      this.frontends.get(vipEndpointKey(vip, protocol, port)) ?? this.frontends.get(vipEndpointKey(vip, protocol, 0))
    );
  }

  private countsOf(rule: number, direction: 'In' | 'Out', atNs: number): TrafficCounts {
    const key = `${rule}|${direction}|${this.binOf(atNs)}`;
    let counts = this.traffic.get(key);
    if (counts === undefined) {
      counts = { packets: 0, bytes: 0, syns: 0 };
      this.traffic.set(key, counts);
    }
    return counts;
  }

  /** Index of the bin `atNs` falls in. */
  binOf(atNs: number): number {
    return Math.floor(atNs / this.binNs);
  }
}

/** Which datagram a fragment belongs to (RFC 791: source, destination, protocol, identification). */
function fragmentKey(packet: Ipv4Packet): string {
  return `${packet.src}|${packet.dst}|${ipProtocolOf(packet)}|${packet.id}`;
}
