/**
 * What a DIP-list change would do to established flows if they were hashed afresh: the
 * measure of consistent hashing (docs/mechanics.md §7.9 item 13; MAGLEV §3.4, §5.3). With flow
 * state the flows stay put; without it (a Mux that lost its table, a full flow table) this is
 * the share that would land on another DIP.
 */
import type { FiveTuple } from '@lbsim/core';
import { distributionHash } from './distribution-hash.ts';
import type { FlowEntry } from './flow-table.ts';
import type { VipMapEntry } from './vip-map.ts';

/** One rule's flows at one Mux when its DIP list changed. */
export interface RemapReport {
  readonly atNs: number;
  readonly mux: string;
  readonly rule: string;
  readonly algorithm: string;
  /** Eligible DIPs before and after. */
  readonly dipsBefore: number;
  readonly dipsAfter: number;
  /** Flows of the rule in the flow table. */
  readonly flows: number;
  /** Of those, flows a fresh hash would send to a different DIP. */
  readonly remapped: number;
  /** Of those, flows whose DIP is no longer eligible (they must move). */
  readonly onRemovedDips: number;
}

/** A flow table entry with the tuple it was keyed by. */
export interface TrackedFlow {
  readonly tuple: FiveTuple;
  readonly entry: FlowEntry;
}

/** Compares a rule's flows against the new selector; `undefined` when the DIP list is unchanged. */
export function reportRemap(
  flows: readonly TrackedFlow[],
  before: VipMapEntry,
  after: VipMapEntry,
  hashSeed: number,
  context: { readonly atNs: number; readonly mux: string },
): RemapReport | undefined {
  const eligible = (entry: VipMapEntry) => entry.rule.dips.filter((dip) => entry.eligible.has(dip.dip));
  const beforeDips = eligible(before);
  const afterDips = eligible(after);
  // By a map of the new weights: comparing each DIP with every other was quadratic, hours for
  // thousands of pool changes of a 2,000-DIP pool.
  const afterWeights = new Map(afterDips.map((dip) => [dip.dip, dip.weight]));
  const same =
    beforeDips.length === afterDips.length && beforeDips.every((dip) => afterWeights.get(dip.dip) === dip.weight);
  if (same) return undefined;
  const stillEligible = new Set(afterDips.map((dip) => dip.dip));
  let remapped = 0;
  let onRemovedDips = 0;
  for (const { tuple, entry } of flows) {
    const fresh = after.selector.select(distributionHash(tuple, after.rule.distribution, hashSeed));
    if (fresh !== entry.dip) remapped++;
    if (!stillEligible.has(entry.dip)) onRemovedDips++;
  }
  return {
    ...context,
    rule: after.rule.name,
    algorithm: after.selector.algorithm,
    dipsBefore: beforeDips.length,
    dipsAfter: afterDips.length,
    flows: flows.length,
    remapped,
    onRemovedDips,
  };
}
