/**
 * What a Mux does with IP fragments (docs/mechanics.md §2.7, §4.5). A non-first fragment carries no
 * transport header, so it cannot be hashed by 5-tuple:
 * - `drop`: drop every fragment, first or not — Azure load-balancing rules and Katran (the
 *   default);
 * - `three-tuple`: hash fragments by (source, destination, protocol), so all fragments of a
 *   datagram reach one DIP, as Maglev does;
 * - `track-first-fragment`: place the first fragment by its ports and remember the choice by
 *   IP id; later fragments follow it, and a non-first fragment that arrives before the first
 *   is lost.
 * HA-ports rules forward fragments whatever the policy (hashed by 3-tuple).
 */
export type FragmentPolicy = 'drop' | 'three-tuple' | 'track-first-fragment';

/** Where the first fragment of a datagram went. */
export interface FragmentDecision {
  readonly dip: number;
  readonly ruleName: string;
  readonly atNs: number;
}

/** How long a first fragment's decision is kept, ns (as long as a reassembly timer: 30 s). */
export const fragmentDecisionLifetimeNs = 30_000_000_000;
/** Most decisions kept; the oldest are forgotten first. */
export const maxFragmentDecisions = 65_536;

/** The key of a datagram's fragments: source, destination, protocol and IP id. */
export function fragmentKey(src: number, dst: number, protocol: number, id: number): string {
  return `${src}|${dst}|${protocol}|${id}`;
}

/** Remembered first-fragment decisions, by {@link fragmentKey}. */
export class FragmentTable {
  private readonly decisions = new Map<string, FragmentDecision>();

  /** Records where the first fragment of a datagram went. */
  remember(key: string, decision: FragmentDecision): void {
    this.decisions.delete(key);
    this.decisions.set(key, decision);
    while (this.decisions.size > maxFragmentDecisions)
      this.decisions.delete(this.decisions.keys().next().value as string);
  }

  /** The decision for a datagram, if its first fragment came by recently. */
  recall(key: string, nowNs: number): FragmentDecision | undefined {
    const decision = this.decisions.get(key);
    if (decision === undefined) return undefined;
    if (nowNs - decision.atNs > fragmentDecisionLifetimeNs) {
      this.decisions.delete(key);
      return undefined;
    }
    return decision;
  }
}
