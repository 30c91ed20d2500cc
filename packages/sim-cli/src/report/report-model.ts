/**
 * What the HTML report is made of: the run's result and topology, plus what output sinks
 * gathered during the run.
 */
import type { DropReason, TraceKind } from '@lbsim/core';
import type { ConnectionSummary, RunResult, SnatSummary, Topology } from '@lbsim/scenario';

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
    }
  | {
      readonly kind: 'drop';
      readonly atNs: number;
      readonly node: string;
      readonly reason: DropReason;
      readonly packet: string;
      readonly note: string;
    };

/** The sequence diagram of one connection. */
export interface ConnectionSequence {
  readonly connection: ConnectionSummary;
  /** Its traffic item's name. */
  readonly trafficName: string;
  /** Rows in time order, at most `maxSequenceSteps`. */
  readonly steps: readonly SequenceStep[];
  /** Rows left out past the limit. */
  readonly omittedSteps: number;
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

/** Everything the report shows. */
export interface ReportInput {
  readonly result: RunResult;
  readonly topology: Topology;
  /** The scenario file's name, as given on the command line. */
  readonly scenarioFile: string;
  readonly sequences: readonly ConnectionSequence[];
  readonly nodeCounts: readonly NodeCounts[];
  readonly configuredProbes: readonly ConfiguredProbe[];
  readonly probeStateChanges: readonly ProbeStateChange[];
  /** SNAT use per VM NIC and protocol that made outbound flows (`RunResult.snat`). */
  readonly snatPortUse: readonly SnatSummary[];
}
