/**
 * What the HTML report is made of: the run's result and topology, plus what output sinks
 * gathered during the run.
 */
import type { DropReason, TraceKind } from '@lbsim/core';
import type { ConnectionSummary, RunResult, SnatSummary, Topology } from '@lbsim/scenario';
import type { TopologyLayout } from './topology-layout.ts';

/** One row of a sequence diagram. */
export type SequenceStep =
  | {
      readonly kind: 'message';
      readonly atNs: number;
      /** The node that put the packet on the link. */
      readonly from: string;
      /** The node it arrived at. */
      readonly to: string;
      /** Short label on the arrow, e.g. `SYN` or `IPIP ⟨SYN⟩`. */
      readonly label: string;
      /** The packet, capture style: addresses, ports, flags, length. */
      readonly packet: string;
      /** What the sender decided about it (the note of its last event), e.g. the Mux's hash. */
      readonly note: string;
      /** A TCP RST or an ICMP message: a packet a failure shows in, never elided. */
      readonly failing: boolean;
    }
  | {
      readonly kind: 'drop';
      readonly atNs: number;
      readonly node: string;
      readonly reason: DropReason;
      readonly packet: string;
      readonly note: string;
    };

/** A step with its number among all the connection's steps (from 1, in time order). */
export interface NumberedStep {
  readonly number: number;
  readonly step: SequenceStep;
}

/** One row of a diagram: a step, or the count of quiet steps elided between two shown ones. */
export type SequenceRow =
  | ({ readonly kind: 'step' } & NumberedStep)
  | {
      readonly kind: 'elided';
      readonly count: number;
      /** No drop, RST or ICMP among them (false once a connection had too many to keep). */
      readonly quiet: boolean;
    };

/** The sequence diagram of one connection. */
export interface ConnectionSequence {
  readonly connection: ConnectionSummary;
  /** Its traffic item's name. */
  readonly trafficName: string;
  /**
   * Rows in time order: the first steps, every failing step with its neighbours, the last
   * steps, and an elided row for each run of steps left out (sequence-recorder.ts).
   */
  readonly rows: readonly SequenceRow[];
  /** Steps of the connection in all, shown or elided. */
  readonly totalSteps: number;
  /** Every node its steps touched, elided ones included, in order of first use. */
  readonly nodes: readonly string[];
}

/** A health-probe state change of one DIP (from `RunResult.healthChanges`). */
export interface ProbeStateChange {
  readonly atNs: number;
  /** The DIP, dotted quad. */
  readonly dip: string;
  readonly probe: string;
  readonly state: 'up' | 'down';
  /** Why, in words (e.g. "3 consecutive timeouts"). */
  readonly reason: string;
}

/** Trace events seen at one node, by kind. */
export interface NodeCounts {
  readonly node: string;
  readonly counts: Readonly<Record<TraceKind, number>>;
}

/** A configured health probe, as the scenario gives it. */
export interface ConfiguredProbe {
  readonly loadBalancer: string;
  readonly name: string;
  /** e.g. `Http:80 /health`. */
  readonly target: string;
}

/** A scenario event, as the time axes mark it. */
export interface TimelineEvent {
  readonly atNs: number;
  /** The action and what it acts on, e.g. `fail-mux mux-2`, `remove-backend web-4`. */
  readonly label: string;
}

/** Everything the report shows. */
export interface ReportInput {
  readonly result: RunResult;
  readonly topology: Topology;
  /** The topology picture, laid out (topology-layout.ts). */
  readonly topologyLayout: TopologyLayout;
  /** The scenario's events in time order, to mark on the time axes, e.g. `fail-mux mux-2`. */
  readonly events: readonly TimelineEvent[];
  /** The scenario file's name, as given on the command line. */
  readonly scenarioFile: string;
  readonly sequences: readonly ConnectionSequence[];
  readonly nodeCounts: readonly NodeCounts[];
  readonly configuredProbes: readonly ConfiguredProbe[];
  readonly probeStateChanges: readonly ProbeStateChange[];
  /** SNAT use per VM NIC and protocol that made outbound flows (`RunResult.snat`). */
  readonly snatPortUse: readonly SnatSummary[];
}
