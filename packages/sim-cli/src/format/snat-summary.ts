/**
 * The SNAT part of the run summary (docs/mechanics.md §2.8): per VM NIC and protocol that made
 * outbound flows, its policy, the port-use curve over the run, and when and why new
 * connections found no port.
 */
import { formatTimeNs } from '@lbsim/core';
import type { SnatPortSample, SnatSummary } from '@lbsim/scenario';

/** Columns of a curve. */
export const curveWidth = 60;

const levels = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/**
 * A one-line curve of `value` over [0, `durationNs`]: one character per column, the highest
 * value the column saw, as eighths of `scale` (`·` for zero).
 */
export function formatCurve(
  samples: readonly SnatPortSample[],
  value: (sample: SnatPortSample) => number,
  scale: number,
  durationNs: number,
  width = curveWidth,
): string {
  const columns: string[] = [];
  let index = 0;
  let current = 0;
  for (let column = 0; column < width; column++) {
    const endNs = ((column + 1) * durationNs) / width;
    let most = current;
    while (index < samples.length && (samples[index] as SnatPortSample).atNs < endNs) {
      current = value(samples[index] as SnatPortSample);
      most = Math.max(most, current);
      index++;
    }
    columns.push(levelOf(most, scale));
  }
  return columns.join('');
}

/**
 * A one-line curve of how much `value` (a running count) grew in each column of
 * [0, `durationNs`], as eighths of the largest growth, and that largest growth.
 */
export function formatGrowthCurve(
  samples: readonly SnatPortSample[],
  value: (sample: SnatPortSample) => number,
  durationNs: number,
  width = curveWidth,
): { readonly curve: string; readonly most: number } {
  const growth: number[] = [];
  let index = 0;
  let before = 0;
  let current = 0;
  for (let column = 0; column < width; column++) {
    const endNs = ((column + 1) * durationNs) / width;
    while (index < samples.length && (samples[index] as SnatPortSample).atNs < endNs) {
      current = value(samples[index] as SnatPortSample);
      index++;
    }
    growth.push(current - before);
    before = current;
  }
  const most = Math.max(0, ...growth);
  return { curve: growth.map((grown) => levelOf(grown, most)).join(''), most };
}

/** Seconds for people: `320`, `5.333`. */
function seconds(durationNs: number): string {
  return String(Math.round(durationNs / 1_000_000) / 1000);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function levelOf(value: number, scale: number): string {
  if (value <= 0 || scale <= 0) return '·';
  const eighth = Math.min(levels.length, Math.max(1, Math.ceil((value / scale) * levels.length)));
  return levels[eighth - 1] as string;
}

/** When new flows last found no port, from the samples; `undefined` if they never did. */
export function lastFailureAtNs(samples: readonly SnatPortSample[]): number | undefined {
  let previous = 0;
  let last: number | undefined;
  for (const sample of samples) {
    if (sample.failedAllocations > previous) last = sample.atNs;
    previous = sample.failedAllocations;
  }
  return last;
}

/** The lines of one NIC's SNAT, indented for the summary. */
function formatOne(snat: SnatSummary, durationNs: number): string[] {
  const column = seconds(durationNs / curveWidth);
  const lines = [
    `  ${snat.vm} ${snat.dip} ${snat.protocol.toUpperCase()} via ${snat.policy} (${snat.frontends.join(', ')}): ${plural(snat.flows, 'flow')}, up to ${plural(snat.portLimit, 'port')}`,
    `    ports in use │${formatCurve(snat.samples, (s) => s.usedPorts, snat.portLimit, durationNs)}│ 0–${seconds(durationNs)} s, █ = ${snat.portLimit}`,
  ];
  if (snat.failedAllocations > 0) {
    const failures = formatGrowthCurve(snat.samples, (s) => s.failedAllocations, durationNs);
    lines.push(`    no port      │${failures.curve}│ █ = ${failures.most} in ${column} s`);
  }
  lines.push(
    `    peak ${plural(snat.peakUsedPorts, 'port')} in use of ${snat.peakAllocatedPorts} granted, ${plural(snat.peakConnections, 'flow')} at once; ${plural(snat.requests, 'port request')} to the manager (${snat.grants} granted, ${snat.refusals} refused), ${plural(snat.releasedRanges, 'range')} given back`,
  );
  const first = snat.firstFailure;
  if (first === undefined) {
    lines.push('    every new flow found a port');
    return lines;
  }
  const last = lastFailureAtNs(snat.samples);
  const until = last === undefined || last <= first.atNs ? '' : ` until ${formatTimeNs(last)} s`;
  lines.push(
    `    ${plural(snat.failedAllocations, 'new-flow packet')} found no free port (snat-ports-exhausted) from ${formatTimeNs(first.atNs)} s${until}`,
    `    new connections began to fail at ${formatTimeNs(first.atNs)} s: ${first.note}`,
  );
  return lines;
}

/** The SNAT section's lines (none when no VM made an outbound flow). */
export function formatSnat(snat: readonly SnatSummary[], durationNs: number): string[] {
  if (snat.length === 0) return [];
  return ['SNAT (outbound connections per VM NIC)', ...snat.flatMap((one) => formatOne(one, durationNs))];
}
