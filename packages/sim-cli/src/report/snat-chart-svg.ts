/**
 * SNAT port use over time of one VM NIC and protocol (docs/mechanics.md §2.8): ports in use (solid)
 * and granted (dashed) as step lines across the run, the NIC's port limit as a dotted line,
 * a red mark where new connections first found no port, a time axis with ticks and the
 * scenario's events marked.
 */
import { formatTimeNs } from '@lbsim/core';
import type { SnatSummary } from '@lbsim/scenario';
import { escapeHtml } from './escape-html.ts';
import type { TimelineEvent } from './report-model.ts';
import { eventBandPx, formatTickNs, renderEventMarkers, renderTimeAxis } from './time-axis.ts';

const plotWidthPx = 640;
const plotHeightPx = 120;
const marginLeftPx = 48;
const titlePx = 22;
const marginBottomPx = 26;

/**
 * A step line through `points` (x, y): across at the old height, then up or down, to the last
 * point; points that change nothing add nothing.
 */
function stepPath(points: ReadonlyArray<readonly [number, number]>): string {
  const [first, ...rest] = points;
  if (first === undefined) return '';
  const segments = [`M${first[0]},${first[1]}`];
  let [x0, y0] = first;
  let lastX = x0;
  for (const [x, y] of rest) {
    lastX = x;
    if (y === y0) continue;
    if (x !== x0) segments.push(`L${x},${y0}`);
    segments.push(`L${x},${y}`);
    [x0, y0] = [x, y];
  }
  if (lastX !== x0) segments.push(`L${lastX},${y0}`);
  return segments.join(' ');
}

/** Rounds a coordinate to 0.1 px, so the page stays small and the same everywhere. */
function px(value: number): number {
  return Math.round(value * 10) / 10;
}

/**
 * The chart of one NIC's SNAT samples over [0, `durationNs`], as an SVG element (a string),
 * with `events` marked across it.
 */
export function renderSnatChartSvg(
  snat: SnatSummary,
  durationNs: number,
  events: readonly TimelineEvent[] = [],
): string {
  const marginTopPx = titlePx + eventBandPx(events);
  const samples = snat.samples;
  const most = Math.max(
    1,
    snat.portLimit,
    ...samples.map((sample) => Math.max(sample.usedPorts, sample.allocatedPorts)),
  );
  const x = (ns: number) => px(marginLeftPx + (durationNs === 0 ? 0 : (ns / durationNs) * plotWidthPx));
  const y = (ports: number) => px(marginTopPx + plotHeightPx - (ports / most) * plotHeightPx);
  const line = (value: (sample: SnatSummary['samples'][number]) => number) => {
    const last = samples.at(-1);
    const points = samples.map((sample) => [x(sample.atNs), y(value(sample))] as const);
    return stepPath(last === undefined ? points : [...points, [x(durationNs), y(value(last))] as const]);
  };
  const width = marginLeftPx + plotWidthPx + 48;
  const height = marginTopPx + plotHeightPx + marginBottomPx;
  const label = `${snat.vm} ${snat.dip} ${snat.protocol.toUpperCase()}`;
  const failure = snat.firstFailure;
  const failureMark =
    failure === undefined
      ? []
      : [
          `<line class="failure" x1="${x(failure.atNs)}" y1="${marginTopPx}" x2="${x(failure.atNs)}" y2="${y(0)}"><title>${escapeHtml(`first failure at ${formatTimeNs(failure.atNs)} s: ${failure.note}`)}</title></line>`,
        ];
  return [
    `<svg class="snat-chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="SNAT ports of ${escapeHtml(label)}">`,
    `<text class="chart-title" x="${marginLeftPx}" y="14">${escapeHtml(label)}: ports in use (solid), granted (dashed), limit ${snat.portLimit} (dotted)${failure === undefined ? '' : ', first failure (red)'}</text>`,
    `<line class="axis-line" x1="${marginLeftPx}" y1="${y(0)}" x2="${marginLeftPx + plotWidthPx}" y2="${y(0)}"/>`,
    `<line class="limit" x1="${marginLeftPx}" y1="${y(snat.portLimit)}" x2="${marginLeftPx + plotWidthPx}" y2="${y(snat.portLimit)}"/>`,
    ...failureMark,
    `<path class="allocated" d="${line((sample) => sample.allocatedPorts)}"/>`,
    `<path class="used" d="${line((sample) => sample.usedPorts)}"/>`,
    `<text class="axis" x="4" y="${y(most) + 4}">${most}</text>`,
    `<text class="axis" x="4" y="${y(0) + 4}">0</text>`,
    renderTimeAxis(durationNs, x, marginTopPx, y(0)),
    renderEventMarkers(events, x, marginTopPx, y(0), (ns) => formatTickNs(ns, durationNs)),
    '</svg>',
  ].join('\n');
}
