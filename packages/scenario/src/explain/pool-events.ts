/**
 * The scenario's events that move flows: Mux failures and changes of backend pools (the DIP
 * lists the Muxes hash over). Explanations of resets and black holes name them.
 */
import type { Scenario } from '../schema/scenario.ts';
import { atTime, listWords } from './words.ts';

const backendActions: ReadonlySet<string> = new Set([
  'add-backend',
  'remove-backend',
  'drain-backend',
  'set-backend-weight',
  'set-admin-state',
]);

/** When `mux` (or, without a name, any Mux) last failed at or before `atNs`; `undefined` if it did not. */
export function muxFailureBefore(scenario: Scenario, atNs: number, mux?: string): number | undefined {
  const failures = scenario.events.filter(
    (event) => event.action === 'fail-mux' && event.at <= atNs && (mux === undefined || event.mux === mux),
  );
  return failures.length === 0 ? undefined : Math.max(...failures.map((event) => event.at));
}

/** The Mux of the last `fail-mux` event at or before `atNs`, if any. */
export function failedMuxBefore(scenario: Scenario, atNs: number): { mux: string; atNs: number } | undefined {
  let found: { mux: string; atNs: number } | undefined;
  for (const event of scenario.events) {
    if (event.action === 'fail-mux' && event.at <= atNs && (found === undefined || event.at >= found.atNs)) {
      found = { mux: event.mux, atNs: event.at };
    }
  }
  return found;
}

/**
 * The backend-pool events from `fromNs` to `toNs` in words, e.g. `remove-backend web-4 at 25 s`;
 * '' when there were none.
 */
export function describeBackendChanges(scenario: Scenario, fromNs: number, toNs: number): string {
  const changes = scenario.events
    .filter((event) => backendActions.has(event.action) && event.at >= fromNs && event.at <= toNs)
    .sort((a, b) => a.at - b.at)
    .map((event) => `${event.action} ${'member' in event ? event.member : ''} at ${atTime(event.at)}`);
  return listWords(changes);
}
