/**
 * Time axes for the report's charts: tick marks at round steps (1, 2 or 5 × a power of ten
 * of seconds, milliseconds or microseconds) with their labels, and the scenario's events as
 * dashed lines across the plot, labelled above it.
 */
import { escapeHtml } from './escape-html.ts';
import type { TimelineEvent } from './report-model.ts';

/** Most ticks an axis shows. */
const maxTicks = 8;
/** Height of one row of event labels above a plot. */
export const eventRowPx = 14;
/** Rows the event labels take turns in, so neighbouring labels do not overlap. */
const eventRows = 2;

/** Room above a plot for the labels of `events`: none without events. */
export function eventBandPx(events: readonly TimelineEvent[]): number {
  return events.length === 0 ? 0 : eventRows * eventRowPx + 4;
}

/** Tick times over [0, durationNs], at the roundest step that gives at most {@link maxTicks} + 1 ticks. */
export function timeTicksNs(durationNs: number): number[] {
  if (durationNs <= 0) return [0];
  let step = 1;
  for (let power = 1; step * maxTicks < durationNs; power *= 10) {
    step = [1, 2, 5].map((m) => m * power).find((candidate) => candidate * maxTicks >= durationNs) ?? 10 * power;
  }
  const ticks: number[] = [];
  for (let t = 0; t <= durationNs; t += step) ticks.push(t);
  return ticks;
}

/** A tick's label in the unit its axis needs: `20 s`, `250 ms`, `40 µs`, `0`. */
export function formatTickNs(timeNs: number, durationNs: number): string {
  if (timeNs === 0) return '0';
  const [divisor, unit] =
    durationNs >= 2e9 ? [1e9, 's'] : durationNs >= 2e6 ? [1e6, 'ms'] : durationNs >= 2e3 ? [1e3, 'µs'] : [1, 'ns'];
  return `${Math.round((timeNs / divisor) * 1000) / 1000} ${unit}`;
}

/**
 * A time axis under a plot: a tick and a label at each of {@link timeTicksNs}, and faint grid
 * lines up to `plotTop`.
 * @param x maps a time (ns) to its x coordinate
 * @param y the axis line's y coordinate
 */
export function renderTimeAxis(durationNs: number, x: (ns: number) => number, plotTop: number, y: number): string {
  return timeTicksNs(durationNs)
    .map((t) => {
      const at = x(t);
      return `<g class="tick"><line class="grid" x1="${at}" y1="${plotTop}" x2="${at}" y2="${y}"/><line x1="${at}" y1="${y}" x2="${at}" y2="${y + 4}"/><text x="${at}" y="${y + 15}">${formatTickNs(t, durationNs)}</text></g>`;
    })
    .join('');
}

/**
 * The events as dashed lines from `plotTop` to `plotBottom`, labelled above the plot in
 * alternating rows (the band {@link eventBandPx} makes room for).
 */
export function renderEventMarkers(
  events: readonly TimelineEvent[],
  x: (ns: number) => number,
  plotTop: number,
  plotBottom: number,
  formatTime: (ns: number) => string,
): string {
  return events
    .map((event, i) => {
      const at = x(event.atNs);
      const labelY = plotTop - 4 - (eventRows - 1 - (i % eventRows)) * eventRowPx;
      const words = `${formatTime(event.atNs)} ${event.label}`;
      return `<g class="event-marker"><title>${escapeHtml(words)}</title><line x1="${at}" y1="${labelY + 2}" x2="${at}" y2="${plotBottom}"/><text x="${at + 3}" y="${labelY}">${escapeHtml(words)}</text></g>`;
    })
    .join('');
}
