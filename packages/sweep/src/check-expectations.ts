/**
 * Judging a sweep's expectations: each bounds a measure's mean at the grid points it selects.
 * A point with no value (no run finished, or every run gave null) does not meet it.
 */
import { describeParameters, formatParameterValue } from './plan-sweep.ts';
import type { SweepExpectation } from './schema/sweep-file.ts';
import type { PointSummary } from './summarize-sweep.ts';
import { formatFigure } from './summary-table.ts';

/** The verdict on one expectation at one grid point. */
export interface SweepExpectationResult {
  /** What was expected, in words. */
  readonly description: string;
  readonly met: boolean;
  /** What the sweep showed, in words. */
  readonly actual: string;
}

/** Every expectation at every grid point it selects, in the file's order then the grid's. */
export function checkExpectations(
  expectations: readonly SweepExpectation[],
  summaries: readonly PointSummary[],
): SweepExpectationResult[] {
  return expectations.flatMap((expectation) =>
    summaries.filter((summary) => selects(expectation, summary)).map((summary) => judge(expectation, summary)),
  );
}

function selects(expectation: SweepExpectation, summary: PointSummary): boolean {
  return Object.entries(expectation.where ?? {}).every(
    ([name, value]) => formatParameterValue(summary.parameters[name]) === formatParameterValue(value),
  );
}

function judge(expectation: SweepExpectation, summary: PointSummary): SweepExpectationResult {
  const { near, within, min, max } = expectation.mean;
  const bounds = [
    near !== undefined && within !== undefined ? `${near} ± ${within}` : undefined,
    min !== undefined ? `≥ ${min}` : undefined,
    max !== undefined ? `≤ ${max}` : undefined,
  ].filter((bound) => bound !== undefined);
  const where = describeParameters(summary.parameters);
  const description = `${expectation.description ?? `mean of ${expectation.measure}`} (${where}): ${bounds.join(', ')}`;
  const statistics = summary.measures[expectation.measure];
  const mean = statistics?.mean ?? null;
  if (mean === null) return { description, met: false, actual: 'no run gave a value' };
  const met =
    (near === undefined || within === undefined || Math.abs(mean - near) <= within) &&
    (min === undefined || mean >= min) &&
    (max === undefined || mean <= max);
  const ci = statistics?.ci95 ?? null;
  return {
    description,
    met,
    actual: `mean ${formatFigure(mean)}${ci === null ? '' : ` ± ${formatFigure(ci)}`} over ${statistics?.n ?? 0} runs`,
  };
}
