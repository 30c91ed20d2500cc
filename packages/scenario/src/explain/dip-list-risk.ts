/**
 * A DIP-list change that hurt no connection yet, but would have with less luck: modulo hashing
 * re-deals most flows when the number of DIPs changes, so only the Muxes' flow tables keep
 * established connections where they are; a Mux that loses its state sends them to VMs that
 * reset them (dip-removal; docs/mechanics.md §7.9 item 13, Maglev §3.4, §5.3).
 */

import type { Diagnosis } from '../base/explanation.ts';
import type { DipListChange } from '../base/run-result.ts';
import { platformLabel } from '../schema/platform.ts';
import type { Scenario } from '../schema/scenario.ts';
import { atTime } from './words.ts';

/** Share of tracked flows a change may move beyond the removed DIPs' own before it is a risk worth explaining. */
const toleratedExtraShare = 0.1;

/**
 * Whether a change would move many more tracked flows than it must: the flows on DIPs that
 * left, plus, when DIPs joined, their fair share (a new DIP takes 1/N of the flows under any
 * hashing; Maglev §3.4).
 */
export function isRiskyDipListChange(change: DipListChange): boolean {
  if (change.flows === 0 || change.dipsBefore === 0 || change.dipsAfter === 0) return false;
  const joined = Math.max(0, change.dipsAfter - change.dipsBefore) / change.dipsAfter;
  const extra = (change.remapped - change.onRemovedDips) / change.flows - joined;
  return extra > toleratedExtraShare;
}

/** The risk of one change in words: what a fresh hash would do, why, and the fix. */
export function describeDipListRisk(
  change: DipListChange,
  scenario: Scenario,
): Diagnosis & { readonly symptom: string; readonly headline: string } {
  const percent = Math.round((change.remapped / change.flows) * 100);
  const algorithm = change.algorithm;
  const modulo = algorithm === 'modulo' || scenario.network.backendSelection === 'modulo';
  return {
    failureMode: 'dip-removal',
    symptom:
      `At ${atTime(change.atNs)} rule ${change.rule} went from ${change.dipsBefore} to ${change.dipsAfter} DIPs: a fresh hash would send ${change.remapped} of the ${change.flows} flows ` +
      `the Muxes tracked (${percent}%) to another DIP, though only ${change.onRemovedDips} of them were on DIPs that left; no connection failed, because the Muxes still had their state`,
    headline: `${change.remapped} of ${change.flows} tracked flows of ${change.rule} would move (${percent}%)`,
    cause: modulo
      ? 'Modulo hashing (hash mod the number of DIPs) re-deals almost every flow when that number changes; only the flow tables keep established connections on their DIP, so a Mux that loses its state (a restart, a full flow table, a rehash after a Mux failure) would send them to VMs that do not know them and reset them'
      : `${algorithm} hashing would move more flows than the change requires; only the flow tables keep established connections on their DIP`,
    fix: modulo
      ? `network.backendSelection: maglev (the default, ${platformLabel}): consistent hashing moves only the removed DIP's flows and about 1% more`
      : `network.backendSelection: maglev, and keep flow state, room in network.flowTable (each ${platformLabel})`,
  };
}
