/**
 * The members of every backend pool as they stand during a run: the scenario's pools at the
 * start, changed by `add-backend`, `remove-backend`, `drain-backend` and `set-backend-weight`
 * events. The manager recompiles the rules from it and pushes them to Muxes and Host Agents.
 */

import type { AdminState } from '@lbsim/core';
import { memberAdminState, memberName, memberWeight } from '../schema/load-balancer.ts';
import type { Scenario } from '../schema/scenario.ts';

/** A pool member: VM name or `vm/nic`, its weight (0: draining) and admin state. */
export interface PoolMember {
  readonly name: string;
  readonly weight: number;
  readonly adminState: AdminState;
}

/** The key of a pool: `loadBalancer/pool`. */
export function poolKey(loadBalancer: string, pool: string): string {
  return `${loadBalancer}/${pool}`;
}

/** Pool members by {@link poolKey}. */
export class PoolMembership {
  private readonly pools = new Map<string, PoolMember[]>();

  constructor(scenario: Scenario) {
    for (const lb of scenario.loadBalancers) {
      for (const pool of lb.backendPools) {
        this.pools.set(
          poolKey(lb.name, pool.name),
          pool.members.map((member) => ({
            name: memberName(member),
            weight: memberWeight(member),
            adminState: memberAdminState(member),
          })),
        );
      }
    }
  }

  /** The members of a pool, in order (empty for an unknown pool). */
  members(loadBalancer: string, pool: string): readonly PoolMember[] {
    return this.pools.get(poolKey(loadBalancer, pool)) ?? [];
  }

  /** Adds a member, or sets its weight if it is already there. */
  add(loadBalancer: string, pool: string, name: string, weight: number): void {
    const members = this.pools.get(poolKey(loadBalancer, pool)) ?? [];
    const index = members.findIndex((member) => member.name === name);
    const adminState = members[index]?.adminState ?? 'None';
    if (index === -1) members.push({ name, weight, adminState });
    else members[index] = { name, weight, adminState };
    this.pools.set(poolKey(loadBalancer, pool), members);
  }

  /** Removes a member (no effect if absent). */
  remove(loadBalancer: string, pool: string, name: string): void {
    const key = poolKey(loadBalancer, pool);
    this.pools.set(
      key,
      (this.pools.get(key) ?? []).filter((member) => member.name !== name),
    );
  }

  /** Sets a member's weight; 0 drains it (no new flows; established flows go on). */
  setWeight(loadBalancer: string, pool: string, name: string, weight: number): void {
    const members = this.pools.get(poolKey(loadBalancer, pool)) ?? [];
    const member = members.find((candidate) => candidate.name === name);
    if (member !== undefined) members[members.indexOf(member)] = { ...member, weight };
  }

  /** Sets a member's admin state (docs/mechanics.md §2.3): `Up`/`Down` override its probe. */
  setAdminState(loadBalancer: string, pool: string, name: string, adminState: AdminState): void {
    const members = this.pools.get(poolKey(loadBalancer, pool)) ?? [];
    const member = members.find((candidate) => candidate.name === name);
    if (member !== undefined) members[members.indexOf(member)] = { ...member, adminState };
  }
}
