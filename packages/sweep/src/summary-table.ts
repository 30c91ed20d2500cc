/**
 * The summary table `lbsim sweep` prints: one row per grid point and measure, with the runs
 * that gave a value (n), the mean, the half-width of its 95 % confidence interval (Student's t),
 * min and max. Columns are padded to line up; numbers have four decimals (six significant
 * figures for large counts).
 */
import { formatParameterValue } from './plan-sweep.ts';
import type { PointSummary } from './summarize-sweep.ts';

/** The table as text lines, ending with a newline. */
export function formatSummaryTable(
  parameterNames: readonly string[],
  measureNames: readonly string[],
  summaries: readonly PointSummary[],
): string {
  const header = [...parameterNames, 'measure', 'n', 'mean', '±95% CI', 'min', 'max'];
  const rows = summaries.flatMap((summary) =>
    measureNames.map((name) => {
      const statistics = summary.measures[name];
      return [
        ...parameterNames.map((parameter) => formatParameterValue(summary.parameters[parameter])),
        name,
        String(statistics?.n ?? 0),
        formatFigure(statistics?.mean ?? null),
        formatFigure(statistics?.ci95 ?? null),
        formatFigure(statistics?.min ?? null),
        formatFigure(statistics?.max ?? null),
      ];
    }),
  );
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const numeric = (column: number) => column > parameterNames.length;
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (numeric(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/** A figure with four decimals, or `-` for none. */
export function formatFigure(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '-';
  if (Math.abs(value) >= 1e5) return value.toPrecision(6);
  return value.toFixed(4);
}
