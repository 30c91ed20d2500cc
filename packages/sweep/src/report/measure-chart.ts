/**
 * One chart of the sweep report, as SVG: a measure's mean against the first parameter, one
 * line per combination of the other parameters, each with its 95 % confidence band (mean ±
 * the t-interval's half-width) shaded behind it, and a dot per grid point. Numeric parameter
 * values are placed to scale; others evenly, in the sweep file's order.
 */
import { formatParameterValue } from '../plan-sweep.ts';
import type { PointSummary } from '../summarize-sweep.ts';
import { formatFigure } from '../summary-table.ts';
import { escapeHtml } from './escape.ts';

/** Colours of the series, told apart in colour and in print. */
const seriesColours = ['#1565c0', '#c62828', '#2e7d32', '#6a1b9a', '#ef6c00', '#00838f'];

const width = 640;
const height = 340;
const margin = { left: 64, right: 150, top: 16, bottom: 48 };

/** One line of the chart: its label and its points (x, mean, half-width). */
interface Series {
  readonly label: string;
  readonly points: readonly { x: number; mean: number; ci: number }[];
}

/**
 * The chart of `measure` over `summaries`.
 * @param parameterNames the sweep's parameters; the first is the x axis
 */
export function renderMeasureChart(
  measure: string,
  parameterNames: readonly string[],
  summaries: readonly PointSummary[],
): string {
  const [xName, ...others] = parameterNames;
  const xValues = [
    ...new Set(summaries.map((summary) => formatParameterValue(xName === undefined ? 0 : summary.parameters[xName]))),
  ];
  const numericX = xName !== undefined && summaries.every((summary) => typeof summary.parameters[xName] === 'number');
  const xOf = (summary: PointSummary): number =>
    xName === undefined
      ? 0
      : numericX
        ? (summary.parameters[xName] as number)
        : xValues.indexOf(formatParameterValue(summary.parameters[xName]));
  const seriesLabel = (summary: PointSummary) =>
    others.map((name) => `${name}=${formatParameterValue(summary.parameters[name])}`).join(', ') || measure;
  const series = new Map<string, { x: number; mean: number; ci: number }[]>();
  for (const summary of summaries) {
    const statistics = summary.measures[measure];
    if (statistics?.mean === null || statistics?.mean === undefined) continue;
    const label = seriesLabel(summary);
    const points = series.get(label) ?? [];
    points.push({ x: xOf(summary), mean: statistics.mean, ci: statistics.ci95 ?? 0 });
    series.set(label, points);
  }
  const lines: Series[] = [...series].map(([label, points]) => ({ label, points: points.sort((a, b) => a.x - b.x) }));
  const all = lines.flatMap((line) => line.points);
  if (all.length === 0) return `<p class="empty">No run gave a value for ${escapeHtml(measure)}.</p>`;

  const xs = all.map((point) => point.x);
  const lows = all.map((point) => point.mean - point.ci);
  const highs = all.map((point) => point.mean + point.ci);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs) === xMin ? xMin + 1 : Math.max(...xs);
  const yMin = Math.min(0, ...lows);
  const yMaxRaw = Math.max(...highs);
  const yMax = yMaxRaw <= yMin ? yMin + 1 : yMaxRaw * 1.05;
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const px = (x: number) => margin.left + ((x - xMin) / (xMax - xMin)) * plotWidth;
  const py = (y: number) => margin.top + plotHeight - ((y - yMin) / (yMax - yMin)) * plotHeight;
  const fixed = (value: number) => value.toFixed(1);

  // A white ground, so the chart reads the same on a dark page (the README on a dark theme).
  const parts: string[] = [`<rect width="${width}" height="${height}" fill="#ffffff"/>`];
  for (const tick of niceTicks(yMin, yMax)) {
    parts.push(
      `<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${fixed(py(tick))}" y2="${fixed(py(tick))}" stroke="#e1e4e8"/>`,
      `<text x="${margin.left - 6}" y="${fixed(py(tick) + 4)}" text-anchor="end" font-size="11">${escapeHtml(formatTick(tick))}</text>`,
    );
  }
  const xTicks = numericX ? [...new Set(xs)].sort((a, b) => a - b) : xValues.map((_, index) => index);
  for (const tick of xTicks) {
    const label = numericX ? formatTick(tick) : (xValues[tick] ?? '');
    parts.push(
      `<line x1="${fixed(px(tick))}" x2="${fixed(px(tick))}" y1="${margin.top + plotHeight}" y2="${margin.top + plotHeight + 4}" stroke="#5b6773"/>`,
      `<text x="${fixed(px(tick))}" y="${margin.top + plotHeight + 17}" text-anchor="middle" font-size="11">${escapeHtml(label)}</text>`,
    );
  }
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#c9d1d9"/>`,
    `<text x="${margin.left + plotWidth / 2}" y="${height - 8}" text-anchor="middle" font-size="12">${escapeHtml(xName ?? '')}</text>`,
    `<text x="14" y="${margin.top + plotHeight / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${margin.top + plotHeight / 2})">${escapeHtml(measure)} (mean, 95% CI)</text>`,
  );
  lines.forEach((line, index) => {
    const colour = seriesColours[index % seriesColours.length] ?? '#1565c0';
    const upper = line.points.map((point) => `${fixed(px(point.x))},${fixed(py(point.mean + point.ci))}`);
    const lower = line.points.map((point) => `${fixed(px(point.x))},${fixed(py(point.mean - point.ci))}`).reverse();
    parts.push(
      `<polygon points="${[...upper, ...lower].join(' ')}" fill="${colour}" fill-opacity="0.18" stroke="none"/>`,
    );
    parts.push(
      `<polyline points="${line.points.map((point) => `${fixed(px(point.x))},${fixed(py(point.mean))}`).join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`,
    );
    for (const point of line.points) {
      parts.push(
        `<circle cx="${fixed(px(point.x))}" cy="${fixed(py(point.mean))}" r="3" fill="${colour}"><title>${escapeHtml(`${line.label}: ${formatFigure(point.mean)} ± ${formatFigure(point.ci)}`)}</title></circle>`,
      );
    }
    const legendY = margin.top + 14 + index * 18;
    parts.push(
      `<rect x="${margin.left + plotWidth + 12}" y="${legendY - 9}" width="14" height="10" fill="${colour}" fill-opacity="0.5" stroke="${colour}"/>`,
      `<text x="${margin.left + plotWidth + 32}" y="${legendY}" font-size="11">${escapeHtml(line.label)}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(`${measure} against ${xName ?? 'the run'}`)}">${parts.join('')}</svg>`;
}

/** About five round tick values from `min` to `max`. */
function niceTicks(min: number, max: number): number[] {
  const rough = (max - min) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough) ?? rough;
  const ticks: number[] = [];
  for (let tick = Math.ceil(min / step) * step; tick <= max + step * 1e-9; tick += step)
    ticks.push(Number(tick.toPrecision(12)));
  return ticks;
}

function formatTick(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}
