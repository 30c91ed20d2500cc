/**
 * What a run's Muxes and Host Agents counted, as the run summary gives it: each Mux's
 * counters, the DIP-list changes of all Muxes, the SNAT use of every VM NIC.
 */
import { compareCodePoints, formatIpv4Address } from '@lbsim/core';
import type { Mux } from '@lbsim/mux';
import type { DipListChange, MuxSummary, SnatSummary } from '../base/run-result.ts';
import type { World } from '../build/build.ts';

/** SNAT use of every VM NIC and protocol that opened a flow or failed to, by host then DIP. */
export function summarizeSnat(world: World): SnatSummary[] {
  return [...world.hostAgents.values()].flatMap((agent) =>
    agent.snat
      .usages()
      .filter((usage) => usage.flows > 0 || usage.failedAllocations > 0 || usage.requests > 0)
      .sort((a, b) => a.dip - b.dip || a.protocol - b.protocol)
      .map((usage) => ({
        vm: usage.vm,
        dip: formatIpv4Address(usage.dip),
        protocol: usage.protocol === 17 ? ('Udp' as const) : ('Tcp' as const),
        policy: usage.policy,
        frontends: usage.frontends.map(formatIpv4Address),
        portLimit: usage.portLimit,
        flows: usage.flows,
        failedAllocations: usage.failedAllocations,
        requests: usage.requests,
        grants: usage.grants,
        refusals: usage.refusals,
        releasedRanges: usage.releasedRanges,
        peakAllocatedPorts: usage.peaks.allocatedPorts,
        peakUsedPorts: usage.peaks.usedPorts,
        peakConnections: usage.peaks.connections,
        firstFailure: usage.firstFailure,
        samples: usage.samples,
      })),
  );
}

/** The counters of one Mux. */
export function summarizeMux(mux: Mux): MuxSummary {
  const { packets, newFlows, flowTableHits, statelessForwards, snatReturns, drops } = mux.counters;
  return {
    name: mux.name,
    running: mux.isRunning,
    packets,
    newFlows,
    flowTableHits,
    statelessForwards,
    snatReturns,
    drops,
  };
}

/** Remap reports of all Muxes, summed per (time, rule), in time order. */
export function summarizeDipListChanges(muxes: readonly Mux[]): DipListChange[] {
  const changes = new Map<string, DipListChange>();
  for (const report of muxes.flatMap((mux) => mux.remapReports)) {
    const key = `${report.atNs}|${report.rule}`;
    const previous = changes.get(key);
    changes.set(key, {
      atNs: report.atNs,
      rule: report.rule,
      algorithm: report.algorithm,
      dipsBefore: report.dipsBefore,
      dipsAfter: report.dipsAfter,
      flows: (previous?.flows ?? 0) + report.flows,
      remapped: (previous?.remapped ?? 0) + report.remapped,
      onRemovedDips: (previous?.onRemovedDips ?? 0) + report.onRemovedDips,
    });
  }
  return [...changes.values()].sort((a, b) => a.atNs - b.atNs || compareCodePoints(a.rule, b.rule));
}
