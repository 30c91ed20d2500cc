/**
 * The run summary for people: per traffic item its outcomes, which DIPs served it (their guest
 * accepted the connection), refused it or never answered, and which Muxes handled it; outbound
 * SNAT per VM, the platform settings the run depends on, the failures and one line per explanation of them, drops by reason, and the
 * verdict on each expectation.
 */
import { describeDropReason, formatDurationNs, formatTimeNs } from '@lbsim/core';
import {
  type ConnectionSummary,
  platformLabel,
  printable,
  type RunResult,
  shortStopReason,
  type TrafficSummary,
} from '@lbsim/scenario';
import { formatColumns } from './columns.ts';
import { formatExplanationLines } from './explanations.ts';
import { formatSnat } from './snat-summary.ts';

function percent(count: number, total: number): string {
  return total === 0 ? '0%' : `${Math.round((count / total) * 1000) / 10}%`;
}

function formatDipCounts(counts: TrafficSummary['dips'], dipNames: ReadonlyMap<string, string>): string {
  return counts
    .map(([dip, count]) => `${dip}${dipNames.has(dip) ? ` (${dipNames.get(dip)})` : ''} ×${count}`)
    .join(', ');
}

/**
 * What the guests behind the DIPs did with the connections the Muxes sent them: which DIPs
 * served (their guest accepted), refused or never answered, each connection counted once per
 * DIP it was sent to. Nothing when no Mux sent the traffic to a DIP.
 */
function formatDips(item: TrafficSummary, dipNames: ReadonlyMap<string, string>): string[] {
  if (item.dips.length + item.dipsRefused.length + item.dipsUnanswered.length === 0) return [];
  const lines = [`    DIPs served:     ${item.dips.length === 0 ? 'none' : formatDipCounts(item.dips, dipNames)}`];
  if (item.dipsRefused.length > 0) {
    lines.push(
      `    DIPs refused:    ${formatDipCounts(item.dipsRefused, dipNames)} (the guest answered with RST or ICMP unreachable)`,
    );
  }
  if (item.dipsUnanswered.length > 0) {
    lines.push(
      `    DIPs unanswered: ${formatDipCounts(item.dipsUnanswered, dipNames)} (a Mux sent them there; the guest sent nothing back)`,
    );
  }
  return lines;
}

function formatTraffic(item: TrafficSummary, dipNames: ReadonlyMap<string, string>): string {
  const lines: string[] = [];
  const startedNote =
    item.started === item.configured ? '' : ` (${item.started} of ${item.configured} started before the end)`;
  lines.push(
    `  ${item.name}: ${item.from} → ${item.to} ${item.protocol.toUpperCase()}, ${item.started} connection${item.started === 1 ? '' : 's'}${startedNote}`,
  );
  for (const [outcome, count] of item.outcomes) {
    lines.push(`    ${outcome.padEnd(11)} ${String(count).padStart(6)}  ${percent(count, item.started)}`);
  }
  lines.push(...formatDips(item, dipNames));
  if (item.muxes.length > 0)
    lines.push(`    Muxes: ${item.muxes.map(([mux, count]) => `${mux} ×${count}`).join(', ')}`);
  const self = item.mappedToSource;
  if (self.count > 0) {
    const outcomes = self.outcomes.map(([outcome, count]) => `${outcome} ×${count}`).join(', ');
    lines.push(
      `    mapped back to ${item.from} itself: ${self.count} of ${item.started} (${percent(self.count, item.started)}): ${outcomes}`,
    );
  }
  return lines.join('\n');
}

const successes = new Set(['completed', 'answered', 'established']);
/** Failed connections listed per traffic item in the summary. */
const failuresShown = 5;

/** One line on why a connection failed: its outcome and where its first packet was dropped. */
export function describeFailure(connection: ConnectionSummary): string {
  const port = connection.localPort === undefined ? '' : ` (port ${connection.localPort})`;
  const first = connection.drops[0];
  const reset = connection.resets[0];
  const parts: string[] = [];
  if (first !== undefined) {
    parts.push(
      `${connection.dropCount} packet${connection.dropCount === 1 ? '' : 's'} dropped, first at ${formatTimeNs(first.atNs)} s by ${first.node} (${first.reason}): ${first.note}`,
    );
  }
  if (reset !== undefined && connection.outcome === 'reset') {
    parts.push(`RST sent at ${formatTimeNs(reset.atNs)} s by ${reset.node} (${reset.note})`);
  }
  if (parts.length === 0) parts.push('no packet of it was dropped');
  const self = connection.mappedToSource ? ', mapped back to its source' : '';
  return `connection ${connection.id}${port} ${connection.outcome}${self}: ${parts.join('; ')}`;
}

function formatFailures(result: RunResult): string[] {
  const lines: string[] = [];
  for (const item of result.traffic) {
    const failed = result.connections.filter((c) => c.traffic === item.index && !successes.has(c.outcome));
    if (failed.length === 0) continue;
    lines.push(`  ${item.name}: ${failed.length} failed`);
    for (const connection of failed.slice(0, failuresShown)) lines.push(`    ${describeFailure(connection)}`);
    if (failed.length > failuresShown) lines.push(`    … and ${failed.length - failuresShown} more`);
  }
  return lines;
}

/** The summary text of a run, ending in a newline. */
export function formatSummary(result: RunResult): string {
  const out: string[] = [];
  const status =
    result.status.kind === 'completed'
      ? `${result.status.eventsRun} events`
      : `STOPPED after ${result.status.eventsRun} events: ${shortStopReason(result.status)}`;
  out.push(`${result.name}: seed ${result.seed}, ${formatDurationNs(result.durationNs)} of virtual time, ${status}`);
  out.push('');
  out.push('Traffic');
  if (result.traffic.length === 0) out.push('  (none)');
  for (const item of result.traffic) out.push(formatTraffic(item, result.dipNames));
  out.push('');
  out.push('Muxes');
  const muxRows = [
    ['  Mux', 'state', 'packets', 'new flows', 'flow-table hits', 'stateless', 'SNAT returns', 'drops'],
    ...result.muxes.map((mux) => [
      `  ${mux.name}`,
      mux.running ? 'up' : 'DOWN',
      String(mux.packets),
      String(mux.newFlows),
      String(mux.flowTableHits),
      String(mux.statelessForwards),
      String(mux.snatReturns),
      String(mux.drops),
    ]),
  ];
  out.push(formatColumns(muxRows, ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right']).trimEnd());
  if (result.platformSettings.length > 0) {
    out.push('');
    out.push(`Platform settings (each ${platformLabel}: Azure runs its Muxes and hosts)`);
    for (const setting of result.platformSettings) out.push(`  ${setting}`);
  }
  const snat = formatSnat(result.snat, result.durationNs);
  if (snat.length > 0) {
    out.push('');
    out.push(...snat);
  }
  if (result.dipListChanges.length > 0) {
    out.push('');
    out.push('DIP-list changes (what a fresh hash would do to the flows the Muxes tracked)');
    for (const change of result.dipListChanges) {
      const effect =
        change.flows === 0
          ? 'the Muxes tracked no flows of it'
          : `${change.remapped} of ${change.flows} flows remapped (${percent(change.remapped, change.flows)}), ` +
            `${change.onRemovedDips} of them on DIPs that left`;
      out.push(
        `  ${formatTimeNs(change.atNs)} s  ${change.rule} (${change.algorithm}): ${change.dipsBefore} → ${change.dipsAfter} DIPs; ${effect}`,
      );
    }
  }
  if (result.healthChanges.length > 0) {
    out.push('');
    out.push('Health probes (verdict changes at the probing Host Agent)');
    const rows = result.healthChanges.map((change) => [
      `  ${formatTimeNs(change.atNs)} s`,
      `${change.dip} (${change.vm})`,
      change.probe,
      change.to === 'up' ? 'up' : 'DOWN',
      change.why,
    ]);
    out.push(formatColumns(rows, ['right', 'left', 'left', 'left', 'left']).trimEnd());
  }
  const failures = formatFailures(result);
  if (failures.length > 0) {
    out.push('');
    out.push('Failures');
    out.push(...failures);
  }
  const explanations = formatExplanationLines(result);
  if (explanations.length > 0) {
    out.push('');
    out.push('Why (lbsim explain <file> tells it in full)');
    out.push(...explanations);
  }
  out.push('');
  out.push('Drops');
  if (result.drops.length === 0) {
    out.push(result.packetsHeldForSnat.length === 0 ? '  none: every packet was delivered' : '  none');
  } else {
    const rows = [
      ['  reason', 'node', 'packets', 'first note'],
      ...result.drops.map((d) => [`  ${d.reason}`, d.node, String(d.count), d.example]),
    ];
    out.push(formatColumns(rows, ['left', 'left', 'right', 'left']).trimEnd());
    const reasons = [...new Set(result.drops.map((d) => d.reason))];
    for (const reason of reasons) out.push(`  ${reason}: ${describeDropReason(reason)}`);
  }
  const held = result.packetsHeldForSnat.length;
  if (held > 0) {
    out.push(
      `  ${held} packet${held === 1 ? ' was' : 's were'} still held at a Host Agent when the run ended, waiting for SNAT ports from the manager: neither delivered nor dropped`,
    );
  }
  out.push('');
  out.push('Expectations');
  if (result.expectations.length === 0) out.push('  (none)');
  for (const expectation of result.expectations) {
    // A description is the scenario's own text: never let it break the line or reach the terminal as an escape.
    out.push(
      `  ${expectation.met ? 'met    ' : 'NOT MET'}  ${printable(expectation.description)}: ${expectation.actual}`,
    );
  }
  out.push('');
  out.push(
    result.expectations.length === 0
      ? 'No expectations.'
      : result.expectationsMet
        ? 'All expectations met.'
        : `${result.expectations.filter((e) => !e.met).length} of ${result.expectations.length} expectations not met.`,
  );
  return `${out.join('\n')}\n`;
}
