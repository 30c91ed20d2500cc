/**
 * The probe-state timeline: one row per DIP across the run, coloured by the state its health
 * probe gave it (unknown until the first change, then up or down), over a time axis with
 * ticks and the scenario's events marked.
 */
import { formatTimeNs } from '@lbsim/core';
import { escapeHtml } from './escape-html.ts';
import type { ProbeStateChange, TimelineEvent } from './report-model.ts';
import { eventBandPx, formatTickNs, renderEventMarkers, renderTimeAxis } from './time-axis.ts';

const labelPx = 150;
const plotPx = 640;
const rowPx = 24;
const axisPx = 24;

type State = 'unknown' | 'up' | 'down';

/** The intervals of one DIP's states over [0, durationNs]. */
export function stateIntervals(
  changes: readonly ProbeStateChange[],
  durationNs: number,
): Array<{ readonly fromNs: number; readonly toNs: number; readonly state: State }> {
  const intervals: Array<{ fromNs: number; toNs: number; state: State }> = [];
  let state: State = 'unknown';
  let fromNs = 0;
  for (const change of [...changes].sort((a, b) => a.atNs - b.atNs)) {
    if (change.atNs > fromNs) intervals.push({ fromNs, toNs: change.atNs, state });
    state = change.state;
    fromNs = change.atNs;
  }
  if (durationNs > fromNs) intervals.push({ fromNs, toNs: durationNs, state });
  return intervals;
}

/**
 * The timeline of every DIP that has changes, as an SVG element (a string); DIPs sorted as
 * given, each labelled with its VM when `dipNames` knows it; `events` marked across it.
 */
export function renderProbeTimelineSvg(
  dips: readonly string[],
  changes: readonly ProbeStateChange[],
  durationNs: number,
  dipNames: ReadonlyMap<string, string> = new Map(),
  events: readonly TimelineEvent[] = [],
): string {
  const width = labelPx + plotPx + 48;
  const top = eventBandPx(events);
  const height = top + dips.length * rowPx + axisPx;
  const scale = (ns: number) => Math.round((labelPx + (durationNs === 0 ? 0 : (ns / durationNs) * plotPx)) * 10) / 10;
  const rows = dips.map((dip, i) => {
    const y = top + i * rowPx;
    const mine = changes.filter((change) => change.dip === dip);
    const bars = stateIntervals(mine, durationNs).map(
      (interval) =>
        `<rect class="state ${interval.state}" x="${scale(interval.fromNs)}" y="${y + 4}" width="${scale(interval.toNs) - scale(interval.fromNs)}" height="${rowPx - 8}"><title>${escapeHtml(`${dip} ${interval.state} from ${formatTimeNs(interval.fromNs)} s to ${formatTimeNs(interval.toNs)} s`)}</title></rect>`,
    );
    const vm = dipNames.get(dip);
    const label = vm === undefined ? dip : `${dip} (${vm})`;
    return `<g class="dip-row"><text class="dip" x="4" y="${y + rowPx / 2 + 4}">${escapeHtml(label)}</text>${bars.join('')}</g>`;
  });
  const axisY = top + dips.length * rowPx;
  return [
    `<svg class="probe-timeline" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="probe states">`,
    renderTimeAxis(durationNs, scale, top, axisY),
    ...rows,
    renderEventMarkers(events, scale, top, axisY, (ns) => formatTickNs(ns, durationNs)),
    '</svg>',
  ].join('\n');
}
