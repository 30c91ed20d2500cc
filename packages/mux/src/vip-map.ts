/**
 * The VIP map (docs/mechanics.md §1.3): VIP endpoint (VIP, protocol, port) → the rule and a backend
 * selector over its eligible DIPs. Computed by the manager and pushed to every Mux of the pool.
 *
 * A rule with port 0 is an HA-ports rule (docs/mechanics.md §2.9): it matches every port of its
 * protocol on the VIP, after any rule for the exact port.
 */
import { FlowMap, type VipMapRule } from '@lbsim/core';
import type { BackendSelector } from './backend-selector.ts';
import type { BackendSelectorCache } from './backend-selector-cache.ts';

/** A rule with its selector built. */
export interface VipMapEntry {
  readonly rule: VipMapRule;
  /** Selects among the DIPs eligible for new flows (see {@link eligibleDips}). */
  readonly selector: BackendSelector;
  /** The DIPs new flows may go to. */
  readonly eligible: ReadonlySet<number>;
}

/** What a Mux believes of a DIP's health under a probe: true up, false down, undefined unknown. */
export type HealthLookup = (probe: string, dip: number) => boolean | undefined;

/**
 * The DIPs a rule may send new flows to (docs/mechanics.md §2.3, §7.5): a positive weight, admin
 * state not `Down`, and either admin state `Up`, no probe, or probed up. When none is probed up,
 * `AllProbedUp` sends to every DIP that passes weight and admin state; `AllProbedDown` to none.
 */
export function eligibleDips(rule: VipMapRule, isUp: HealthLookup): VipMapRule['dips'] {
  const candidates = rule.dips.filter((dip) => dip.weight > 0 && dip.adminState !== 'Down');
  const probe = rule.probe;
  if (probe === undefined) return candidates;
  const healthy = candidates.filter((dip) => dip.adminState === 'Up' || isUp(probe, dip.dip) === true);
  if (healthy.length === 0 && rule.noHealthyBackends === 'AllProbedUp') return candidates;
  return healthy;
}

/** The VIP map of one Mux. */
export class VipMap {
  /** By VIP endpoint: the 5-tuple key (protocol, VIP, port, 0, 0), numeric rather than a string per packet. */
  private readonly entries = new FlowMap<VipMapEntry>();
  private readonly vips = new Set<number>();

  /** Builds the map from the manager's rules, each rule's selector from `selectors`, and the Mux's view of DIP health. */
  constructor(
    readonly rules: readonly VipMapRule[],
    selectors: BackendSelectorCache,
    isUp: HealthLookup = () => undefined,
  ) {
    for (const rule of rules) {
      const { vip, protocol, port } = rule.endpoint;
      const eligible = eligibleDips(rule, isUp);
      this.entries.set(protocol, vip, port, 0, 0, {
        rule,
        selector: selectors.selectorFor(eligible),
        eligible: new Set(eligible.map((dip) => dip.dip)),
      });
      this.vips.add(vip);
    }
  }

  /** The entry for a VIP endpoint (exact port first, then an HA-ports rule), or `undefined`. */
  lookup(vip: number, protocol: number, port: number): VipMapEntry | undefined {
    return this.entries.get(protocol, vip, port, 0, 0) ?? this.entries.get(protocol, vip, 0, 0, 0);
  }

  /**
   * The entry that takes a fragment with no ports to match on: the VIP's HA-ports rule for the
   * protocol, else its only rule for the protocol, else `undefined` (ambiguous or none).
   */
  lookupWithoutPort(vip: number, protocol: number): VipMapEntry | undefined {
    const haPorts = this.entries.get(protocol, vip, 0, 0, 0);
    if (haPorts !== undefined) return haPorts;
    let only: VipMapEntry | undefined;
    for (const entry of this.entries.values()) {
      if (entry.rule.endpoint.vip !== vip || entry.rule.endpoint.protocol !== protocol) continue;
      if (only !== undefined) return undefined;
      only = entry;
    }
    return only;
  }

  /** The entry of the rule named `name`, or `undefined`. */
  entryOfRule(name: string): VipMapEntry | undefined {
    for (const entry of this.entries.values()) if (entry.rule.name === name) return entry;
    return undefined;
  }

  /** Every VIP with at least one rule, in first-configured order. */
  allVips(): number[] {
    return [...this.vips];
  }
}
