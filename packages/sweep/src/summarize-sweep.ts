/**
 * A sweep's summary: for every grid point and measure, the statistics over the seeds that ran.
 * Made from the records in run order, so it is the same whatever order they finished in.
 */
import type { GridPoint } from './plan-sweep.ts';
import type { RunRecord } from './run-task.ts';
import { describeValues, type MeasureStatistics } from './statistics.ts';

/** One grid point's figures. */
export interface PointSummary {
  readonly point: number;
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Runs of this point that finished. */
  readonly runs: number;
  /** Runs whose status was not `completed` (stopped by a budget or limit). */
  readonly stoppedEarly: number;
  /** Statistics by measure name, in the sweep file's order. */
  readonly measures: Readonly<Record<string, MeasureStatistics>>;
}

/** Summarises `records` (any order; a run missing is simply not counted) per grid point. */
export function summarizeSweep(
  points: readonly GridPoint[],
  measureNames: readonly string[],
  records: readonly RunRecord[],
): PointSummary[] {
  const byPoint = points.map(() => [] as RunRecord[]);
  for (const record of [...records].sort((a, b) => a.run - b.run)) byPoint[record.point]?.push(record);
  return points.map((point, index) => {
    const runs = byPoint[index] ?? [];
    const measures: Record<string, MeasureStatistics> = {};
    for (const name of measureNames) measures[name] = describeValues(runs.map((run) => run.measures[name] ?? null));
    return {
      point: point.point,
      parameters: point.parameters,
      runs: runs.length,
      stoppedEarly: runs.filter((run) => run.status !== 'completed').length,
      measures,
    };
  });
}
