/**
 * `runScenario()`: the library API. Builds the world, schedules traffic and events, runs the
 * kernel to the scenario's end, and summarises what happened.
 */

import {
  compareCodePoints,
  compareNaturalText,
  type ExchangeOutcome,
  exchangeOutcomes,
  formatIpv4Address,
  type Ipv4Packet,
  ipProtocolOf,
  ipv4,
  type TraceSink,
  vipEndpointKey,
} from '@lbsim/core';
import type { Mux } from '@lbsim/mux';
import type {
  ConnectionSummary,
  DipListChange,
  DropCount,
  MuxSummary,
  RunResult,
  SnatSummary,
  TrafficSummary,
  UnexplainedRun,
} from './base/run-result.ts';
import { buildWorld, type World } from './build/build.ts';
import { evaluateExpectations } from './expect/expectations.ts';
import { explainRun } from './explain/explain-run.ts';
import { runLimitsFor } from './model/memory-budget.ts';
import { judgeDips } from './run/guest-replies.ts';
import { platformSettingsOf } from './run/platform-settings.ts';
import { RunObserver } from './run/run-observer.ts';
import { scheduleEvents } from './run/scenario-events.ts';
import { type StartedConnections, scheduleTraffic } from './run/traffic-generator.ts';

/** The drop counts of every connection without drops. */
const noDropCounts: readonly DropCount[] = Object.freeze([]);

import type { Scenario } from './schema/scenario.ts';

/** Options of {@link runScenario}. */
export interface RunOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** More consumers of the packet trace (a trace table, capture writers, a report). */
  readonly sinks?: readonly TraceSink[];
  /** Called now and then with virtual time and events run (for a progress bar). */
  readonly onProgress?: (nowNs: number, eventsRun: number) => void;
  /**
   * Heap the process may use, in bytes (V8's `heap_size_limit`, read by the caller: nothing
   * here reads the process). It bounds the connections and pending events of the run
   * (memory-budget.ts); a run that would exceed them stops with `state-limit-reached`.
   * Default: 4 GiB.
   */
  readonly heapLimitBytes?: number;
}

/**
 * Runs a validated scenario to its end.
 *
 * Deterministic: the same scenario and seed give the same result and the same trace, event
 * for event. A run that exhausts its event budget, or would hold more connections or pending
 * events than the heap allows, stops early; `status` says so.
 */
export function runScenario(scenario: Scenario, options: RunOptions = {}): RunResult {
  const seed = options.seed ?? scenario.seed;
  const limits = runLimitsFor(options.heapLimitBytes);
  const world = buildWorld(scenario, { seed, maxPendingEvents: limits.maxPendingEvents });
  let started: StartedConnections | undefined;
  const observer = new RunObserver(
    world.muxes.map((mux) => mux.name),
    {
      isLoadBalanced: ruleEndpointTest(world),
      guests: world.vms.keys(),
      // Connection ids are handed out in start order from 1.
      openerOf: (id) =>
        started !== undefined && id <= started.length ? scenario.traffic[started.trafficOf(id - 1)]?.from : undefined,
    },
  );
  world.tracer.subscribe(observer);
  for (const sink of options.sinks ?? []) world.tracer.subscribe(sink);
  scheduleEvents(world);
  started = scheduleTraffic(world, limits.maxConnections);
  const status = world.kernel.runUntil(scenario.duration, options.onProgress);

  const dropsByConnection = new Map<number, readonly DropCount[]>();
  const sourceAddresses = scenario.traffic.map((item) => addressesOfVm(world, item.from));
  const dipOwners = new Map([...world.dipOwners].map(([dip, owner]) => [formatIpv4Address(dip), owner.vm]));
  const ownerOf = (dip: string) => dipOwners.get(dip);
  const destinations = scenario.traffic.map((item) => ipv4(item.to.split(':')[0] ?? ''));
  const connections: ConnectionSummary[] = [];
  for (let index = 0; index < started.length; index++) {
    const connection = { id: index + 1, traffic: started.trafficOf(index), startedAtNs: started.startedAtNsOf(index) };
    const result = started.resultOf(index);
    const path = observer.pathOfConnection(connection.id);
    const own = sourceAddresses[connection.traffic] ?? new Set<string>();
    const dropCounts =
      path.dropsByReason === undefined
        ? noDropCounts
        : [...path.dropsByReason.values()].sort(
            (a, b) => b.count - a.count || compareCodePoints(a.reason, b.reason) || compareCodePoints(a.node, b.node),
          );
    if (dropCounts.length > 0) dropsByConnection.set(connection.id, dropCounts);
    const item = scenario.traffic[connection.traffic];
    const ends = {
      opener: item?.from ?? '',
      openerPort: result.localPort,
      destination: destinations[connection.traffic] ?? 0,
    };
    const { servedBy, refusedBy } = judgeDips(path.dips, path.guestReplies ?? [], ownerOf, ends);
    connections.push({
      id: connection.id,
      traffic: connection.traffic,
      startedAtNs: connection.startedAtNs,
      endedAtNs: result.endedAtNs,
      outcome: result.outcome,
      localPort: result.localPort,
      httpStatus: result.httpStatus,
      dips: path.dips,
      servedBy,
      refusedBy,
      muxes: path.muxes,
      drops: path.drops,
      dropCount: path.dropCount,
      dropCounts,
      synDrops: path.synDrops,
      // Hung, not long-lived: packets kept being dropped after the opener last received one.
      stalled: result.outcome === 'established' && path.lastDropAtNs > observer.lastDeliveryToOpenerNs(connection.id),
      resets: path.resets,
      mappedToSource: path.dips.some((dip) => own.has(dip)),
    });
  }
  const traffic = summarizeTraffic(scenario, connections, dropsByConnection);
  const drops = observer.dropCounts();
  const dipListChanges = summarizeDipListChanges(world.muxes);
  const healthChanges = [...world.probing.changes];
  const probedDips = [...world.probing.engines.values()].flatMap((engine) =>
    engine.targets.map((target) => ({
      probe: target.probe.name,
      dip: formatIpv4Address(target.dip),
      vm: target.vm,
    })),
  );
  const expectations = evaluateExpectations(scenario, {
    traffic,
    drops,
    dipListChanges,
    connections,
    healthChanges,
    probedDips,
  });
  const dipNames = dipOwners;
  const facts: UnexplainedRun = {
    name: scenario.name,
    description: scenario.description,
    seed,
    durationNs: scenario.duration,
    status,
    traffic,
    connections,
    drops,
    expectations,
    expectationsMet: expectations.every((expectation) => expectation.met),
    packetsSent: observer.packetsSent,
    muxes: world.muxes.map(summarizeMux),
    dipListChanges,
    healthChanges,
    probeDrops: observer.probeDrops(),
    dipNames,
    snat: summarizeSnat(world),
    platformSettings: platformSettingsOf(scenario),
  };
  return { ...facts, explanations: explainRun(facts, scenario) };
}

/** SNAT use of every VM NIC and protocol that opened a flow or failed to, by host then DIP. */
function summarizeSnat(world: World): SnatSummary[] {
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

/**
 * Whether an inner packet a Mux tunnels is for a rule endpoint (exact port, or an HA-ports
 * rule's port 0) rather than a SNAT port: SNAT ranges never hold a rule port, and rule
 * endpoints do not change during a run (only their backends do).
 */
function ruleEndpointTest(world: World): (inner: Ipv4Packet) => boolean {
  const endpoints = new Set(
    world.manager.configuredRules.map((rule) =>
      vipEndpointKey(rule.endpoint.vip, rule.endpoint.protocol, rule.endpoint.port),
    ),
  );
  return (inner) => {
    const payload = inner.payload;
    if (payload.kind !== 'tcp' && payload.kind !== 'udp') return true;
    const protocol = ipProtocolOf(inner);
    return (
      endpoints.has(vipEndpointKey(inner.dst, protocol, payload.dstPort)) ||
      endpoints.has(vipEndpointKey(inner.dst, protocol, 0))
    );
  };
}

function summarizeMux(mux: Mux): MuxSummary {
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
function summarizeDipListChanges(muxes: readonly Mux[]): DipListChange[] {
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

function summarizeTraffic(
  scenario: Scenario,
  connections: readonly ConnectionSummary[],
  dropsByConnection: ReadonlyMap<number, readonly DropCount[]>,
): TrafficSummary[] {
  return scenario.traffic.map((item, index) => {
    const mine = connections.filter((connection) => connection.traffic === index);
    const outcomes = new Map<ExchangeOutcome, number>();
    const dips = new Map<string, number>();
    const dipsRefused = new Map<string, number>();
    const dipsUnanswered = new Map<string, number>();
    const muxes = new Map<string, number>();
    const drops = new Map<string, DropCount>();
    const selfOutcomes = new Map<ExchangeOutcome, number>();
    for (const connection of mine) {
      outcomes.set(connection.outcome, (outcomes.get(connection.outcome) ?? 0) + 1);
      if (connection.mappedToSource) {
        selfOutcomes.set(connection.outcome, (selfOutcomes.get(connection.outcome) ?? 0) + 1);
      }
      for (const dip of connection.dips) {
        const tally = connection.servedBy.includes(dip)
          ? dips
          : connection.refusedBy.includes(dip)
            ? dipsRefused
            : dipsUnanswered;
        tally.set(dip, (tally.get(dip) ?? 0) + 1);
      }
      for (const mux of connection.muxes) muxes.set(mux, (muxes.get(mux) ?? 0) + 1);
      for (const drop of dropsByConnection.get(connection.id) ?? []) {
        const key = `${drop.reason}|${drop.node}`;
        const entry = drops.get(key);
        drops.set(key, { ...drop, count: (entry?.count ?? 0) + drop.count, example: entry?.example ?? drop.example });
      }
    }
    return {
      index,
      name: item.name ?? `traffic-${index}`,
      from: item.from,
      to: item.to,
      protocol: item.protocol,
      started: mine.length,
      configured: item.connections,
      outcomes: exchangeOutcomes.filter((o) => outcomes.has(o)).map((o) => [o, outcomes.get(o) as number] as const),
      dips: sortedByAddress(dips),
      dipsRefused: sortedByAddress(dipsRefused),
      dipsUnanswered: sortedByAddress(dipsUnanswered),
      muxes: [...muxes].sort(([a], [b]) => compareNaturalText(a, b)),
      drops: [...drops.values()].sort(
        (a, b) => b.count - a.count || compareCodePoints(a.reason, b.reason) || compareCodePoints(a.node, b.node),
      ),
      mappedToSource: {
        count: mine.filter((connection) => connection.mappedToSource).length,
        outcomes: exchangeOutcomes
          .filter((o) => selfOutcomes.has(o))
          .map((o) => [o, selfOutcomes.get(o) as number] as const),
      },
    };
  });
}

/** The NIC addresses (dotted quads) of the VM named `name`; empty for a client. */
function addressesOfVm(world: World, name: string): Set<string> {
  return new Set((world.vms.get(name)?.nics ?? []).map((nic) => formatIpv4Address(nic.address)));
}

/** Counts per DIP, sorted by address. */
function sortedByAddress(counts: ReadonlyMap<string, number>): Array<readonly [string, number]> {
  return [...counts].sort(([a], [b]) => compareAddresses(a, b));
}

function compareAddresses(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return (pa[i] as number) - (pb[i] as number);
  return 0;
}
