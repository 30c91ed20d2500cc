/**
 * The run summary of each traffic item: how its connections ended, which DIPs served,
 * refused or never answered them, through which Muxes, and their drops.
 */
import { compareCodePoints, compareNaturalText, type ExchangeOutcome, exchangeOutcomes } from '@lbsim/core';
import type { ConnectionSummary, DropCount, TrafficSummary } from '../base/run-result.ts';
import type { Scenario } from '../schema/scenario.ts';

/** One summary per traffic item of `scenario`, in order, from its connections and their drops. */
export function summarizeTraffic(
  scenario: Scenario,
  connections: readonly ConnectionSummary[],
  dropsByConnection: ReadonlyMap<number, readonly DropCount[]>,
): TrafficSummary[] {
  // One pass, not a filter per item: a scale run has a hundred items and a million connections.
  const byItem: ConnectionSummary[][] = scenario.traffic.map(() => []);
  for (const connection of connections) byItem[connection.traffic]?.push(connection);
  return scenario.traffic.map((item, index) => {
    const mine = byItem[index] ?? [];
    const outcomes = new Map<ExchangeOutcome, number>();
    const dips = new Map<string, number>();
    const dipsRefused = new Map<string, number>();
    const dipsUnanswered = new Map<string, number>();
    const muxes = new Map<string, number>();
    const drops = new Map<string, DropCount>();
    const selfOutcomes = new Map<ExchangeOutcome, number>();
    for (const connection of mine) {
      outcomes.set(connection.outcome, (outcomes.get(connection.outcome) ?? 0) + 1);
      if (connection.mappedToSource) {
        selfOutcomes.set(connection.outcome, (selfOutcomes.get(connection.outcome) ?? 0) + 1);
      }
      for (const dip of connection.dips) {
        const tally = connection.servedBy.includes(dip)
          ? dips
          : connection.refusedBy.includes(dip)
            ? dipsRefused
            : dipsUnanswered;
        tally.set(dip, (tally.get(dip) ?? 0) + 1);
      }
      for (const mux of connection.muxes) muxes.set(mux, (muxes.get(mux) ?? 0) + 1);
      for (const drop of dropsByConnection.get(connection.id) ?? []) {
        const key = `${drop.reason}|${drop.node}`;
        const entry = drops.get(key);
        drops.set(key, { ...drop, count: (entry?.count ?? 0) + drop.count, example: entry?.example ?? drop.example });
      }
    }
    return {
      index,
      name: item.name ?? `traffic-${index}`,
      from: item.from,
      to: item.to,
      protocol: item.protocol,
      started: mine.length,
      configured: item.connections,
      outcomes: exchangeOutcomes.filter((o) => outcomes.has(o)).map((o) => [o, outcomes.get(o) as number] as const),
      dips: sortedByAddress(dips),
      dipsRefused: sortedByAddress(dipsRefused),
      dipsUnanswered: sortedByAddress(dipsUnanswered),
      muxes: [...muxes].sort(([a], [b]) => compareNaturalText(a, b)),
      drops: [...drops.values()].sort(
        (a, b) => b.count - a.count || compareCodePoints(a.reason, b.reason) || compareCodePoints(a.node, b.node),
      ),
      mappedToSource: {
        count: mine.filter((connection) => connection.mappedToSource).length,
        outcomes: exchangeOutcomes
          .filter((o) => selfOutcomes.has(o))
          .map((o) => [o, selfOutcomes.get(o) as number] as const),
      },
    };
  });
}

/** Counts per DIP, sorted by address. */
function sortedByAddress(counts: ReadonlyMap<string, number>): Array<readonly [string, number]> {
  return [...counts].sort(([a], [b]) => compareAddresses(a, b));
}

function compareAddresses(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return (pa[i] as number) - (pb[i] as number);
  return 0;
}
