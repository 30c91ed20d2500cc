/**
 * Running a planned sweep on an engine: records are put in run order as they arrive (so JSON
 * lines stream in run order), counted for a progress display, and summarised when the engine
 * is done — or stopped, with the runs that finished.
 */
import { checkExpectations, type SweepExpectationResult } from './check-expectations.ts';
import type { EngineOutcome, SweepEngine } from './engines/sweep-engine.ts';
import { OrderedRecords } from './ordered-records.ts';
import type { SweepPlan } from './plan-sweep.ts';
import type { RunRecord } from './run-task.ts';
import { type PointSummary, summarizeSweep } from './summarize-sweep.ts';

/** What a sweep gave. */
export interface SweepOutcome {
  readonly engine: EngineOutcome;
  /** Every record, in run order (with gaps when the sweep was stopped). */
  readonly records: readonly RunRecord[];
  readonly summaries: readonly PointSummary[];
  /** Verdicts on the sweep file's expectations; judged only when every run finished. */
  readonly expectations: readonly SweepExpectationResult[];
}

/** Callbacks of {@link runSweep}. */
export interface SweepListeners {
  /** Each record, in run order, as soon as every earlier run has arrived (the rest at the end). */
  readonly onOrderedRecord?: (record: RunRecord) => void;
  /** Runs finished so far, after each. */
  readonly onProgress?: (finished: number) => void;
}

/** Runs `plan` on `engine` until it finishes or `signal` stops it. */
export async function runSweep(
  plan: SweepPlan,
  engine: SweepEngine,
  signal: AbortSignal,
  listeners: SweepListeners = {},
): Promise<SweepOutcome> {
  const ordered = new OrderedRecords((record) => listeners.onOrderedRecord?.(record));
  const outcome = await engine(
    plan,
    (record) => {
      if (ordered.add(record)) listeners.onProgress?.(ordered.count);
    },
    signal,
  );
  ordered.flush();
  const records = ordered.records();
  const summaries = summarizeSweep(
    plan.points,
    plan.sweep.measures.map((measure) => measure.name),
    records,
  );
  const complete = outcome.kind === 'finished' && records.length === plan.runCount;
  return {
    engine: outcome,
    records,
    summaries,
    expectations: complete ? checkExpectations(plan.sweep.expect, summaries) : [],
  };
}
