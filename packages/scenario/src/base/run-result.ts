/**
 * What a run produces, as data: the library API's answer and what every output format
 * (summary text, JSON, report) is made from.
 */
import type { DropReason, ExchangeOutcome, RunStatus, TraceDecision } from '@lbsim/core';
import type { Explanation } from './explanation.ts';
import type { LoadBalancerMetrics, NsgFlowLogRecord } from './load-balancer-metrics.ts';

/** A drop of one of a connection's packets. */
export interface ConnectionDrop {
  readonly atNs: number;
  readonly node: string;
  readonly reason: DropReason;
  /** The node's note: what it decided and why. */
  readonly note: string;
  /**
   * The node's decision as values, when it gave one (core's trace-note.ts: an NSG denial names
   * its group and rule): what `explain` reads instead of parsing {@link note}. Not part of the
   * `--json` output, which carries the note.
   */
  readonly decision?: TraceDecision | undefined;
  /** The dropped packet in one line (describe-packet.ts), e.g. `TCP 203.0.113.7:50422 → 52.170.10.20:80 [SYN] 60 B`. */
  readonly packet: string;
  /** Destination port of its innermost TCP or UDP header (the VIP port at a Mux, the DIP port at a VM). */
  readonly dstPort: number | undefined;
}

/** An RST sent for a connection: by which node, when, and why (the node's note). */
export interface ConnectionReset {
  readonly atNs: number;
  readonly node: string;
  readonly note: string;
}

/** One connection (or UDP exchange) a traffic item made. */
export interface ConnectionSummary {
  /** The simulation's connection id (as in the trace). */
  readonly id: number;
  /** Index of its traffic item. */
  readonly traffic: number;
  readonly startedAtNs: number;
  readonly endedAtNs: number;
  readonly outcome: ExchangeOutcome;
  readonly localPort: number | undefined;
  readonly httpStatus: number | undefined;
  /**
   * DIPs the Muxes sent its packets to, in order first seen (dotted quads): the Muxes' choice,
   * whether or not the packets got there (see `servedBy`).
   */
  readonly dips: readonly string[];
  /**
   * Those of `dips` whose guest accepted it: sent a TCP SYN-ACK or answered a UDP datagram
   * (guest-replies.ts). A DIP a Mux picked whose host or guest dropped every packet is not here.
   */
  readonly servedBy: readonly string[];
  /** Those of `dips` whose guest only refused it: a TCP RST or an ICMP port unreachable. */
  readonly refusedBy: readonly string[];
  /** Muxes that handled its packets, in order first seen. */
  readonly muxes: readonly string[];
  /** Its packets' first drops, in time order (at most `dropsKeptPerConnection`). */
  readonly drops: readonly ConnectionDrop[];
  /** How many of its packets were dropped in all. */
  readonly dropCount: number;
  /** Every drop of its packets, counted by reason and node, most frequent first. */
  readonly dropCounts: readonly DropCount[];
  /** Its TCP SYNs without ACK (connection attempts, first or retransmitted) that were dropped. */
  readonly synDrops: number;
  /**
   * Still open at the end (`established`) with packets of it dropped after its opener last
   * received one: a hung connection (e.g. a path-MTU black hole), not a long-lived one.
   */
  readonly stalled: boolean;
  /** RSTs sent for it, first few, in time order. */
  readonly resets: readonly ConnectionReset[];
  /**
   * Whether a Mux sent it to a DIP of the VM that opened it (a backend reaching its own
   * load-balancer frontend, docs/mechanics.md §2.5); always false for Internet clients.
   */
  readonly mappedToSource: boolean;
}

/** A traffic item and what became of its connections. */
export interface TrafficSummary {
  readonly index: number;
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly protocol: 'Tcp' | 'Udp';
  /** Connections started (may be fewer than configured if the run ended first). */
  readonly started: number;
  readonly configured: number;
  /** Count per outcome, in the order of `exchangeOutcomes`; zero counts left out. */
  readonly outcomes: ReadonlyArray<readonly [ExchangeOutcome, number]>;
  /**
   * Connections each DIP (dotted quad) served: its guest accepted them (`servedBy`), sorted by
   * DIP; DIPs that served none are left out.
   */
  readonly dips: ReadonlyArray<readonly [string, number]>;
  /** Connections each DIP's guest only refused (`refusedBy`), sorted by DIP; zero counts left out. */
  readonly dipsRefused: ReadonlyArray<readonly [string, number]>;
  /**
   * Connections a Mux sent to each DIP whose guest sent nothing back (their packets were dropped
   * on the way, at the host or by the guest, or the guest was stopped), sorted by DIP; zero counts left out. A connection
   * the Muxes sent to a DIP is counted for it in exactly one of `dips`, `dipsRefused` and this.
   */
  readonly dipsUnanswered: ReadonlyArray<readonly [string, number]>;
  /** Connections per Mux, sorted by Mux name. */
  readonly muxes: ReadonlyArray<readonly [string, number]>;
  /** Dropped packets of its connections, by reason and node, most frequent first. */
  readonly drops: readonly DropCount[];
  /** Its connections a Mux sent back to the VM that opened them, and their outcomes. */
  readonly mappedToSource: {
    readonly count: number;
    readonly outcomes: ReadonlyArray<readonly [ExchangeOutcome, number]>;
  };
}

/** Packets dropped for one reason at one node. */
export interface DropCount {
  readonly reason: DropReason;
  readonly node: string;
  readonly count: number;
  /** The note of the first such drop, for the summary. */
  readonly example: string;
}

/** The verdict on one expectation. */
export interface ExpectationResult {
  /** What was expected, in words. */
  readonly description: string;
  readonly met: boolean;
  /** What the run showed, in words. */
  readonly actual: string;
}

/** One Mux at the end of the run. */
export interface MuxSummary {
  readonly name: string;
  /** Up at the end of the run. */
  readonly running: boolean;
  readonly packets: number;
  readonly newFlows: number;
  readonly flowTableHits: number;
  /** Packets forwarded by hash without keeping state because the flow table was full. */
  readonly statelessForwards: number;
  /** Return packets of outbound SNAT flows sent to their DIP by a stateless SNAT entry. */
  readonly snatReturns: number;
  readonly drops: number;
}

/** SNAT metrics of one VM NIC and protocol at one time (Azure's SNAT metrics, docs/mechanics.md §2.8). */
export interface SnatPortSample {
  readonly atNs: number;
  /** Ports the manager granted to the NIC and it still holds. */
  readonly allocatedPorts: number;
  /** Ports carrying at least one flow, including flows held after FIN (240 s) or RST (15 s). */
  readonly usedPorts: number;
  /** Live SNAT flows (Azure's SNAT connection count). */
  readonly connections: number;
  /** New-flow packets that found no free port so far (SYN retransmissions included). */
  readonly failedAllocations: number;
}

/**
 * Outbound SNAT of one VM NIC and one protocol over the run (docs/mechanics.md §1.4, §2.8): its
 * policy, what it used, when ports ran out, and its metrics over time. Only NICs that opened a
 * SNAT flow or failed to are listed.
 */
export interface SnatSummary {
  readonly vm: string;
  /** The NIC's address (DIP), dotted quad. */
  readonly dip: string;
  readonly protocol: 'Tcp' | 'Udp';
  /** `loadBalancer/rule` giving the SNAT (an outbound rule, or `… (default outbound)`). */
  readonly policy: string;
  /** Frontend IPs it leaves with, in order of use (dotted quads). */
  readonly frontends: readonly string[];
  /** Most ports it may hold. */
  readonly portLimit: number;
  /** SNAT flows it opened. */
  readonly flows: number;
  /** New-flow packets that found no free port (`snat-ports-exhausted` drops). */
  readonly failedAllocations: number;
  /** Port requests sent to the manager; grants and refusals it answered; ranges given back idle. */
  readonly requests: number;
  readonly grants: number;
  readonly refusals: number;
  readonly releasedRanges: number;
  readonly peakAllocatedPorts: number;
  readonly peakUsedPorts: number;
  readonly peakConnections: number;
  /** When new flows first found no port, and why in words; `undefined` if they never did. */
  readonly firstFailure: { readonly atNs: number; readonly note: string } | undefined;
  /** Its metrics over time, at each change (changes within 10 ms folded), in time order. */
  readonly samples: readonly SnatPortSample[];
}

/**
 * A change of one rule's eligible DIP list, over all Muxes: how many of the flows they tracked
 * a fresh hash would send elsewhere (consistent hashing keeps this near the removed share).
 */
export interface DipListChange {
  readonly atNs: number;
  readonly rule: string;
  readonly algorithm: string;
  readonly dipsBefore: number;
  readonly dipsAfter: number;
  readonly flows: number;
  readonly remapped: number;
  readonly onRemovedDips: number;
}

/**
 * One change of a health probe's verdict on a DIP, as the probing Host Agent decided it
 * (docs/mechanics.md §1.4, §2.3); the Muxes apply it `network.healthLatency` later.
 */
export interface HealthChangeRecord {
  /** When the prober decided, ns. */
  readonly atNs: number;
  /** The host whose Host Agent probes the DIP. */
  readonly host: string;
  /** `loadBalancer/probe`. */
  readonly probe: string;
  /** The DIP, dotted quad. */
  readonly dip: string;
  /** The VM that owns the DIP. */
  readonly vm: string;
  readonly from: 'unknown' | 'up' | 'down';
  readonly to: 'up' | 'down';
  /** Why, in words: "first success", "2 timeouts", "HTTP 404", "RST", "VM stopped". */
  readonly why: string;
}

/**
 * Drops of health-probe packets (to or from 168.63.129.16) concerning one DIP, merged while
 * the reason and node stay the same: what explains a probe timeout (docs/mechanics.md §2.3).
 */
export interface ProbeDropRun {
  /** The probed DIP, dotted quad. */
  readonly dip: string;
  readonly node: string;
  readonly reason: DropReason;
  /** First and last drop of the run, ns. */
  readonly firstAtNs: number;
  readonly lastAtNs: number;
  readonly count: number;
  /** The first drop's note and packet (describe-packet.ts). */
  readonly note: string;
  readonly packet: string;
  /** The first drop's decision as values, when the node gave one (see {@link ConnectionDrop.decision}). */
  readonly decision?: TraceDecision | undefined;
}

/** Everything a run reports. */
export interface RunResult {
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  readonly durationNs: number;
  readonly status: RunStatus;
  readonly traffic: readonly TrafficSummary[];
  readonly connections: readonly ConnectionSummary[];
  readonly drops: readonly DropCount[];
  readonly expectations: readonly ExpectationResult[];
  /** Whether every expectation was met (true when there are none). */
  readonly expectationsMet: boolean;
  /**
   * Packets that came into being during the run (trace `send` events): what clients and VMs
   * sent, and what other nodes made — health probes, ICMP errors, RSTs, fragments, and whole
   * datagrams reassembled from fragments.
   */
  readonly packetsSent: number;
  /**
   * Ids (as the trace numbers packets) of the packets Host Agents still held when the run
   * ended, each waiting for SNAT ports the manager had not granted yet (docs/mechanics.md §2.8):
   * neither delivered nor dropped, in flight like a packet still on a link. Usually none; a run
   * that stops at its event budget can end with some.
   */
  readonly packetsHeldForSnat: readonly number[];
  readonly muxes: readonly MuxSummary[];
  readonly dipListChanges: readonly DipListChange[];
  /** Every health-probe verdict change, in time order. */
  readonly healthChanges: readonly HealthChangeRecord[];
  /** Drops of health-probe packets per DIP, in runs of one reason and node, by DIP then time. */
  readonly probeDrops: readonly ProbeDropRun[];
  /**
   * Why things failed, in plain words: every failed connection, lost datagram and probe
   * verdict change to down belongs to one explanation (explain/explain-run.ts).
   */
  readonly explanations: readonly Explanation[];
  /** DIP → the VM that owns it, for printing (`10.1.0.4` → `web-1`). */
  readonly dipNames: ReadonlyMap<string, string>;
  /** Outbound SNAT per VM NIC and protocol that used it, by host then DIP. */
  readonly snat: readonly SnatSummary[];
  /**
   * Platform settings the scenario changes from lbsim's defaults (`network.fragmentPolicy:
   * three-tuple`): knobs no Azure customer can turn, which the run depends on (platform-settings.ts).
   */
  readonly platformSettings: readonly string[];
  /**
   * Azure Load Balancer's metrics as the run gives them (load-balancer-metrics.ts); only when
   * `runScenario` was asked for them (`metrics: true`).
   */
  readonly metrics?: LoadBalancerMetrics | undefined;
  /** NSG flow-log records (version 2) of the run, one per NSG and minute; with `metrics` only. */
  readonly nsgFlowLog?: readonly NsgFlowLogRecord[] | undefined;
}

/** A run's result before its explanations are added: what `explainRun` reads. */
export type UnexplainedRun = Omit<RunResult, 'explanations'>;
