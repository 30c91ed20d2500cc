/**
 * SNAT port allocation in the manager (docs/mechanics.md §1.5, §1.7, §2.8, §7.4; [ANANTA §3.5.1,
 * §3.6, §5.1.3]).
 *
 * - Ports go out in ranges of 8 contiguous ports from the pool of each frontend IP and
 *   protocol (`snat-port-pool.ts`); a DIP's ranges come from its policy's first frontend IP
 *   until that one has none left, then the next (frontends are used one at a time).
 * - A DIP never holds more than its policy's `portLimit` (Azure `allocatedOutboundPorts`, or
 *   the default table by pool size).
 * - Preallocation: when a policy first appears (its VIP is configured), the DIP is given
 *   `preallocatedPorts` at once.
 * - Requests are served first come, first served, with at most one outstanding per DIP: a
 *   request from a DIP whose previous request is still being processed is dropped.
 * - Demand prediction: a DIP that asks again within `demandWindowNs` of its last grant gets
 *   twice as many ranges as then (up to {@link maxRangesPerGrant}). Ananta does not publish the
 *   interval or the growth; doubling is lbsim's choice.
 * - Released ranges go back to their pool.
 */
import {
  type SnatConfiguration,
  type SnatPolicy,
  type SnatPortRange,
  type SnatRangeOwner,
  snatPortsPerRange,
} from '@lbsim/core';
import { SnatPortPool } from './snat-port-pool.ts';

/** Most ranges one grant carries under demand prediction (64 ports). */
export const maxRangesPerGrant = 8;

/** Settings of a {@link SnatAllocator}. */
export interface SnatAllocatorOptions {
  /** Ports given to each (DIP, protocol) when its policy appears; a multiple of 8, capped by the limit. */
  readonly preallocatedPorts: number;
  /** A DIP asking again within this of its last grant gets more ranges, ns. */
  readonly demandWindowNs: number;
  /** How long the manager works on a request, ns; a DIP's next request in that time is dropped. */
  readonly processingNs: number;
}

/** What the manager made of a request. */
export type SnatRequestOutcome =
  | { readonly kind: 'granted'; readonly ranges: readonly SnatPortRange[] }
  | { readonly kind: 'refused'; readonly why: string }
  /** The DIP's previous request was still being processed ([ANANTA §3.6]). */
  | { readonly kind: 'dropped' };

/** What changed when a configuration was applied. */
export interface SnatConfigurationChange {
  /** Ranges preallocated to (DIP, protocol)s whose policy is new. */
  readonly preallocated: ReadonlyArray<{ readonly policy: SnatPolicy; readonly ranges: readonly SnatPortRange[] }>;
  /** Ranges taken back from (DIP, protocol)s that lost their policy. */
  readonly revoked: readonly SnatRangeOwner[];
}

/** Counts of what the allocator did. */
export interface SnatAllocatorCounters {
  requests: number;
  /** Requests dropped because the DIP had one outstanding. */
  droppedRequests: number;
  grants: number;
  refusals: number;
  rangesGranted: number;
  rangesReleased: number;
}

interface DipState {
  policy: SnatPolicy;
  readonly ranges: SnatPortRange[];
  lastGrantAtNs: number | undefined;
  lastGrantRanges: number;
}

function stateKey(dip: number, protocol: number): string {
  return `${dip}|${protocol}`;
}

/** The key of a frontend IP's pool of one protocol, as in the `rulePorts` map. */
export function snatPoolKey(vip: number, protocol: number): string {
  return `${vip}|${protocol}`;
}

/** The manager's SNAT port allocator. */
export class SnatAllocator {
  readonly counters: SnatAllocatorCounters = {
    requests: 0,
    droppedRequests: 0,
    grants: 0,
    refusals: 0,
    rangesGranted: 0,
    rangesReleased: 0,
  };
  private readonly pools = new Map<string, SnatPortPool>();
  private readonly states = new Map<string, DipState>();
  private readonly busyUntilNs = new Map<number, number>();
  private rulePorts: ReadonlyMap<string, readonly number[]> = new Map();

  constructor(private readonly options: SnatAllocatorOptions) {}

  /**
   * Applies a configuration: (DIP, protocol)s that lost their policy give their ranges back,
   * new ones are preallocated, the others keep their ranges under the new policy.
   * @param rulePorts frontend ports of the rules per {@link snatPoolKey}: the ranges they fall
   *   in are never handed out (pools are made with the rules of the first configuration)
   */
  configure(config: SnatConfiguration, rulePorts: ReadonlyMap<string, readonly number[]>): SnatConfigurationChange {
    this.rulePorts = rulePorts;
    const wanted = new Map(config.policies.map((policy) => [stateKey(policy.dip, policy.protocol), policy]));
    const revoked: SnatRangeOwner[] = [];
    for (const [key, state] of [...this.states]) {
      if (wanted.has(key)) continue;
      for (const range of state.ranges) {
        this.poolOf(range.vip, range.protocol).give(range.firstPort);
        revoked.push({ range, dip: state.policy.dip });
      }
      this.states.delete(key);
    }
    const preallocated: Array<{ policy: SnatPolicy; ranges: SnatPortRange[] }> = [];
    for (const [key, policy] of wanted) {
      const existing = this.states.get(key);
      if (existing !== undefined) {
        existing.policy = policy;
        continue;
      }
      const state: DipState = { policy, ranges: [], lastGrantAtNs: undefined, lastGrantRanges: 0 };
      this.states.set(key, state);
      const count = Math.floor(Math.min(this.options.preallocatedPorts, policy.portLimit) / snatPortsPerRange);
      const ranges = this.takeRanges(state, count);
      if (ranges.length > 0) preallocated.push({ policy, ranges });
    }
    return { preallocated, revoked };
  }

  /** Serves a DIP's request for ports of `protocol` arriving at `nowNs`. */
  request(dip: number, protocol: number, nowNs: number): SnatRequestOutcome {
    this.counters.requests++;
    const busyUntil = this.busyUntilNs.get(dip);
    if (busyUntil !== undefined && nowNs < busyUntil) {
      this.counters.droppedRequests++;
      return { kind: 'dropped' };
    }
    this.busyUntilNs.set(dip, nowNs + this.options.processingNs);
    const state = this.states.get(stateKey(dip, protocol));
    if (state === undefined) return this.refuse('the DIP has no outbound SNAT for this protocol');
    const limitRanges = state.policy.portLimit / snatPortsPerRange;
    const room = limitRanges - state.ranges.length;
    if (room <= 0) return this.refuse(`it holds all ${state.policy.portLimit} ports of its allocation`);
    const recent = state.lastGrantAtNs !== undefined && nowNs - state.lastGrantAtNs <= this.options.demandWindowNs;
    const wanted = recent ? Math.min(2 * state.lastGrantRanges, maxRangesPerGrant) : 1;
    const ranges = this.takeRanges(state, Math.min(wanted, room));
    if (ranges.length === 0) return this.refuse('no frontend IP of its policy has a free port range left');
    state.lastGrantAtNs = nowNs;
    state.lastGrantRanges = ranges.length;
    this.counters.grants++;
    return { kind: 'granted', ranges };
  }

  /**
   * Takes back ranges a DIP releases.
   * @returns the ranges that were the DIP's (others are ignored)
   */
  release(dip: number, ranges: readonly SnatPortRange[]): SnatPortRange[] {
    const freed: SnatPortRange[] = [];
    for (const range of ranges) {
      const state = this.states.get(stateKey(dip, range.protocol));
      if (state === undefined) continue;
      const index = state.ranges.findIndex((held) => held.vip === range.vip && held.firstPort === range.firstPort);
      if (index === -1) continue;
      state.ranges.splice(index, 1);
      this.poolOf(range.vip, range.protocol).give(range.firstPort);
      this.counters.rangesReleased++;
      freed.push(range);
    }
    return freed;
  }

  /** Every range out, with its DIP: what a Mux that restarts must learn. */
  owners(): SnatRangeOwner[] {
    return [...this.states.values()].flatMap((state) =>
      state.ranges.map((range) => ({ range, dip: state.policy.dip })),
    );
  }

  /** Ports a DIP holds for a protocol. */
  heldPorts(dip: number, protocol: number): number {
    return (this.states.get(stateKey(dip, protocol))?.ranges.length ?? 0) * snatPortsPerRange;
  }

  /** The policy of a (DIP, protocol), if it has SNAT. */
  policyOf(dip: number, protocol: number): SnatPolicy | undefined {
    return this.states.get(stateKey(dip, protocol))?.policy;
  }

  private refuse(why: string): SnatRequestOutcome {
    this.counters.refusals++;
    return { kind: 'refused', why };
  }

  /** Up to `count` ranges for `state`, from its frontends in order. */
  private takeRanges(state: DipState, count: number): SnatPortRange[] {
    const ranges: SnatPortRange[] = [];
    const protocol = state.policy.protocol;
    for (const vip of state.policy.frontends) {
      const pool = this.poolOf(vip, protocol);
      while (ranges.length < count) {
        const firstPort = pool.take();
        if (firstPort === undefined) break;
        ranges.push({ vip, protocol, firstPort });
      }
      if (ranges.length === count) break;
    }
    state.ranges.push(...ranges);
    this.counters.rangesGranted += ranges.length;
    return ranges;
  }

  private poolOf(vip: number, protocol: number): SnatPortPool {
    const key = snatPoolKey(vip, protocol);
    let pool = this.pools.get(key);
    if (pool === undefined) {
      pool = new SnatPortPool(this.rulePorts.get(key) ?? []);
      this.pools.set(key, pool);
    }
    return pool;
  }
}
