/**
 * Runs a scenario with the testing sinks attached: flows from both ends, packet accounting and
 * a trace digest — everything a property about a run usually needs, in one call.
 */
import type { TraceSink } from '@lbsim/core';
import type { RunResult } from '../base/run-result.ts';
import { runScenario } from '../run-scenario.ts';
import type { Scenario } from '../schema/scenario.ts';
import { FlowObserver, type FlowRecord } from './flow-observer.ts';
import { PacketAccounting, type PacketAccountingSummary } from './packet-accounting.ts';
import { TraceDigest } from './trace-digest.ts';

/** What {@link runObserved} returns. */
export interface ObservedRun {
  readonly result: RunResult;
  /** Every connection from both ends, in id order (see flow-observer.ts). */
  readonly flows: readonly FlowRecord[];
  /** Packet conservation: `packets.unaccounted` is empty when every packet is accounted for. */
  readonly packets: PacketAccountingSummary;
  /** Digest of the whole trace (see trace-digest.ts): equal digests, equal traces. */
  readonly digest: string;
}

/** Options of {@link runObserved}. */
export interface ObservedRunOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** More trace sinks (a trace table, a list of events). */
  readonly sinks?: readonly TraceSink[];
}

/**
 * Runs `scenario` (deterministically: same scenario and seed, same everything) and returns the
 * result with its flows, packet accounting and trace digest.
 */
export function runObserved(scenario: Scenario, options: ObservedRunOptions = {}): ObservedRun {
  const flows = new FlowObserver(scenario);
  const accounting = new PacketAccounting();
  const digest = new TraceDigest();
  const result = runScenario(scenario, {
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    sinks: [flows, accounting, digest, ...(options.sinks ?? [])],
  });
  return {
    result,
    flows: flows.records(result),
    packets: accounting.summary(result.packetsHeldForSnat),
    digest: digest.digest,
  };
}
