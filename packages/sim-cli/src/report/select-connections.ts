/**
 * Which connections get a sequence diagram when the user names none: per traffic item, the
 * first connection of each failing outcome (where things went wrong), then the first that
 * succeeded (what right looks like), up to {@link maxDiagrams} in all.
 */
import type { RunResult } from '@lbsim/scenario';

/** Most sequence diagrams a report draws unless connections are named. */
export const maxDiagrams = 12;

const successes: ReadonlySet<string> = new Set(['completed', 'answered', 'established']);

/** Connection ids to draw, in the order the report shows them. */
export function selectConnections(result: RunResult): number[] {
  const chosen: number[] = [];
  for (const item of result.traffic) {
    const mine = result.connections.filter((connection) => connection.traffic === item.index);
    const seen = new Set<string>();
    for (const connection of mine) {
      if (successes.has(connection.outcome) || seen.has(connection.outcome)) continue;
      seen.add(connection.outcome);
      chosen.push(connection.id);
    }
    const success = mine.find((connection) => successes.has(connection.outcome));
    if (success !== undefined) chosen.push(success.id);
  }
  return chosen.slice(0, maxDiagrams);
}
