/**
 * What runs a sweep's runs: an engine takes the plan, runs some or all of its runs, and hands
 * each record back as it finishes, in any order (OrderedRecords puts them in run order).
 * Engines differ only in where runs execute: this process, worker threads, or queue workers.
 */
import type { SweepPlan } from '../plan-sweep.ts';
import type { RunRecord } from '../run-task.ts';

/** How an engine's work ended. */
export type EngineOutcome =
  | { readonly kind: 'finished' }
  /** The signal asked it to stop: the records handed back so far are all there is. */
  | { readonly kind: 'stopped' }
  /** A run failed (an error in the simulation or the engine), in words. */
  | { readonly kind: 'failed'; readonly error: string };

/** Runs a plan's runs. */
export type SweepEngine = (
  plan: SweepPlan,
  onRecord: (record: RunRecord) => void,
  signal: AbortSignal,
) => Promise<EngineOutcome>;

/** An error as one line of text. */
export function describeFailure(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
}
