/**
 * The connections the trace view offers: a run can start thousands, a list cannot show them
 * all usefully, so the ones that did not succeed come first (they are what a student looks
 * for), then the rest, up to {@link maxConnectionChoices}, in id order within each group.
 */
import type { RunResult } from '@lbsim/scenario';
import type { ConnectionChoice } from './worker-protocol.ts';

/** Most connections listed; any other id can still be typed in. */
export const maxConnectionChoices = 200;

const succeeded = new Set(['completed', 'answered', 'established']);

/** The listed connections of `result`, e.g. `connection 3 (web): timed-out`. */
export function connectionChoicesOf(result: RunResult): ConnectionChoice[] {
  const label = (connection: RunResult['connections'][number]): ConnectionChoice => ({
    id: connection.id,
    label: `connection ${connection.id} (${result.traffic[connection.traffic]?.name ?? `traffic ${connection.traffic}`}): ${connection.outcome}`,
  });
  const failed = result.connections.filter((connection) => !succeeded.has(connection.outcome));
  const others = result.connections.filter((connection) => succeeded.has(connection.outcome));
  return [...failed, ...others].slice(0, maxConnectionChoices).map(label);
}
