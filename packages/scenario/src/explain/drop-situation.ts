/**
 * Everything a diagnosis of one dropped packet may look at: the drop itself, whether it was a
 * health probe's packet or a connection's, the scenario and the run.
 */

import type { Diagnosis } from '../base/explanation.ts';
import type { ConnectionDrop, ConnectionSummary, UnexplainedRun } from '../base/run-result.ts';
import type { RuleFacts, ScenarioIndex } from './scenario-index.ts';

/** The probe a dropped probe packet belonged to. */
export interface ProbeContext {
  /** `loadBalancer/probe`. */
  readonly name: string;
  /** The probe's port. */
  readonly port: number;
  readonly protocol: 'Tcp' | 'Http' | 'Https' | 'GuestAgent';
  /** The probed DIP, dotted quad, and its VM. */
  readonly dip: string;
  readonly vm: string;
  /** When the verdict changed, ns. */
  readonly atNs: number;
}

/** A DIP a rule's probe had marked down, as the Muxes knew it at some time. */
export interface DownDip {
  readonly dip: string;
  readonly vm: string;
  /** The verdict's reason in words ("1 timeout", "RST", "HTTP 404"). */
  readonly why: string;
  /** Key of the health explanation the verdict belongs to. */
  readonly key: string;
  /** Why the probe failed, and the fix. */
  readonly diagnosis: Diagnosis;
}

/** A diagnosis that follows from others: `causedBy` holds their explanation keys. */
export interface Finding extends Diagnosis {
  readonly causedBy?: readonly string[];
}

/** A dropped packet and what surrounds it. */
export interface DropSituation {
  /** The drop (for probes: the first of a run of drops, packet and note included). */
  readonly drop: ConnectionDrop;
  /** Set when the packet was a health probe's (to or from 168.63.129.16). */
  readonly probe: ProbeContext | undefined;
  /** The connection the packet belonged to; `undefined` for probes. */
  readonly connection: ConnectionSummary | undefined;
  /** Index of the connection's traffic item. */
  readonly traffic: number | undefined;
  readonly index: ScenarioIndex;
  readonly run: UnexplainedRun;
  /** The DIPs of `rule` its probe had marked down at the Muxes at `atNs` (health relay latency included). */
  readonly downDipsAt: (rule: RuleFacts, atNs: number) => readonly DownDip[];
}

/** A diagnosis of a drop. */
export type DropDiagnoser = (situation: DropSituation) => Finding;
