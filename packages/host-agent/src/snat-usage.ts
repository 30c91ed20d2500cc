/**
 * What one (DIP, protocol) did with outbound SNAT over a run (`outbound-snat.ts`): the counters
 * the Host Agent keeps while it runs, and the {@link SnatUsage} it reports from them at the end
 * (docs/mechanics.md §2.8 "Metrics exposed").
 */
import type { SnatPolicy } from '@lbsim/core';
import { SnatMetrics, type SnatPeaks, type SnatSample } from './snat-metrics.ts';

/** What one (DIP, protocol) did with SNAT over a run. */
export interface SnatUsage {
  readonly dip: number;
  readonly vm: string;
  readonly protocol: number;
  /** `loadBalancer/rule` of its policy. */
  readonly policy: string;
  readonly frontends: readonly number[];
  /** Most ports it may hold. */
  readonly portLimit: number;
  /** SNAT flows it opened. */
  readonly flows: number;
  /** New-flow packets that found no free port (retransmissions included). */
  readonly failedAllocations: number;
  /** Requests sent to the manager, grants and refusals received, ranges given back. */
  readonly requests: number;
  readonly grants: number;
  readonly refusals: number;
  readonly releasedRanges: number;
  readonly peaks: Readonly<SnatPeaks>;
  /** The first packet that found no port: when, and why in words. */
  readonly firstFailure: { readonly atNs: number; readonly note: string } | undefined;
  readonly samples: readonly SnatSample[];
}

/** The counters of one (DIP, protocol), changed as its flows open, fail and end. */
export interface UsageState {
  policy: SnatPolicy;
  readonly metrics: SnatMetrics;
  flows: number;
  failed: number;
  requests: number;
  grants: number;
  refusals: number;
  released: number;
  firstFailure: { readonly atNs: number; readonly note: string } | undefined;
}

/** Zeroed counters for a (DIP, protocol) under `policy`. */
export function newSnatUsageState(policy: SnatPolicy): UsageState {
  return {
    policy,
    metrics: new SnatMetrics(),
    flows: 0,
    failed: 0,
    requests: 0,
    grants: 0,
    refusals: 0,
    released: 0,
    firstFailure: undefined,
  };
}

/** The report of one (DIP, protocol)'s counters. */
export function describeSnatUsage(usage: UsageState): SnatUsage {
  return {
    dip: usage.policy.dip,
    vm: usage.policy.vm,
    protocol: usage.policy.protocol,
    policy: usage.policy.name,
    frontends: usage.policy.frontends,
    portLimit: usage.policy.portLimit,
    flows: usage.flows,
    failedAllocations: usage.failed,
    requests: usage.requests,
    grants: usage.grants,
    refusals: usage.refusals,
    releasedRanges: usage.released,
    peaks: { ...usage.metrics.peaks },
    firstFailure: usage.firstFailure,
    samples: usage.metrics.samples(),
  };
}
