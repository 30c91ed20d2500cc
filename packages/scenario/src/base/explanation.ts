/**
 * Explanations: why a run's connections failed, its datagrams were lost, its probes marked DIPs
 * down, or its DIP-list changes put flows at risk — in plain words, with the packet and node
 * where it went wrong, the failure mode of the catalogue it is, and the configuration change
 * that fixes it (docs/architecture.md#what-a-run-produces, docs/architecture.md#the-failure-mode-catalogue).
 */
import type { DropReason } from '@lbsim/core';
import type { FailureModeId } from './failure-modes.ts';

/** What an explanation is about. */
export type ExplanationSubject =
  /** Failed connections (or lost UDP datagrams) of one traffic item. */
  | 'connections'
  /** Health-probe verdict changes to down (and the recoveries that followed). */
  | 'health'
  /** A change of a rule's DIP list that would move many tracked flows (no connection failed yet). */
  | 'dip-list';

/** One piece of evidence: a packet dropped or reset at a node, as the trace recorded it. */
export interface Evidence {
  /** Virtual time, ns. */
  readonly atNs: number;
  /** The vantage point: `mux-2`, `host-a`, `web-1`, … */
  readonly node: string;
  /** The packet in one line (describe-packet.ts); '' when the evidence is no packet (a probe's HTTP status). */
  readonly packet: string;
  /** The drop reason; `undefined` when the packet was not dropped (an RST the node sent). */
  readonly reason: DropReason | undefined;
  /** The node's note: what it decided and why. */
  readonly note: string;
  /** The connection the packet belonged to; `undefined` for probe packets. */
  readonly connection: number | undefined;
}

/** A diagnosis: the failure mode, the cause in words and the fix in the scenario's own terms. */
export interface Diagnosis {
  /**
   * The catalogue's id of the failure mode (a folder under scenarios/, failure-modes.ts), or
   * `undefined` when the failure is none of the catalogue's.
   */
  readonly failureMode: FailureModeId | undefined;
  /** Why, in one or two sentences. */
  readonly cause: string;
  /** The configuration change that fixes it, in the scenario's vocabulary. */
  readonly fix: string;
}

/** Why something in a run failed. Every field is plain data, so outputs can print it as they like. */
export interface Explanation extends Diagnosis {
  /** `E1`, `E2`, … in the order of {@link RunResult.explanations}; `causedBy` refers to these. */
  readonly id: string;
  readonly subject: ExplanationSubject;
  /** What was seen, counted, as the client (or the probe) saw it: "10 of 25 connections of web timed out after 4 SYNs". */
  readonly symptom: string;
  /** The same in a few words for one-line summaries: "10 connections of web timed out". */
  readonly headline: string;
  /** Where it went wrong: the first drop (or RST) at each node involved, at most a few, in time order. */
  readonly evidence: readonly Evidence[];
  /** `connections`: index of the traffic item; otherwise `undefined`. */
  readonly traffic: number | undefined;
  /** `connections`: the connection ids it covers, ascending. */
  readonly connections: readonly number[];
  /** `health`: indices into `RunResult.healthChanges` it covers (downs and the ups that ended them). */
  readonly healthChanges: readonly number[];
  /** Ids of the explanations this one follows from: connections that found no healthy DIP → the probe verdicts behind it. */
  readonly causedBy: readonly string[];
}
