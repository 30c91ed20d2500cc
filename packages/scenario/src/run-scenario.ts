/**
 * `runScenario()`: the library API. Builds the world, schedules traffic and events, runs the
 * kernel to the scenario's end, and summarises what happened.
 */

import {
  compareCodePoints,
  formatIpv4Address,
  type Ipv4Packet,
  ipProtocolOf,
  ipv4,
  type TraceSink,
  vipEndpointKey,
} from '@lbsim/core';
import type { ConnectionSummary, DropCount, RunResult, UnexplainedRun } from './base/run-result.ts';
import { buildWorld, type World } from './build/build.ts';
import { evaluateExpectations } from './expect/expectations.ts';
import { explainRun } from './explain/explain-run.ts';
import { computeMetrics, metricBinWidthNs } from './metrics/compute-metrics.ts';
import { MetricsRecorder } from './metrics/metrics-recorder.ts';
import { NsgFlowLogger } from './metrics/nsg-flow-log.ts';
import { watchedNics } from './metrics/watched-nics.ts';
import { runLimitsFor } from './model/memory-budget.ts';
import { judgeDips } from './run/guest-replies.ts';
import { platformSettingsOf } from './run/platform-settings.ts';
import { RunObserver } from './run/run-observer.ts';
import { scheduleEvents } from './run/scenario-events.ts';
import { type StartedConnections, scheduleTraffic } from './run/traffic-generator.ts';
import { summarizeTraffic } from './run/traffic-summary.ts';
import { summarizeDipListChanges, summarizeMux, summarizeSnat } from './run/world-summaries.ts';
import type { Scenario } from './schema/scenario.ts';

/** The drop counts of every connection without drops. */
const noDropCounts: readonly DropCount[] = Object.freeze([]);

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
  /**
   * Also compute Azure Load Balancer's metrics and NSG flow-log records (`metrics` and
   * `nsgFlowLog` of the result; docs/metrics-and-flow-logs.md). Default false: they watch every
   * packet, which costs time.
   */
  readonly metrics?: boolean;
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
  const watch = options.metrics === true ? watchMetrics(world) : undefined;
  if (watch !== undefined) {
    world.tracer.subscribe(watch.recorder);
    world.tracer.subscribe(watch.flowLog);
  }
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
    packetsHeldForSnat: [...world.hostAgents.values()].flatMap((agent) => agent.packetsHeldForSnat),
    muxes: world.muxes.map(summarizeMux),
    dipListChanges,
    healthChanges,
    probeDrops: observer.probeDrops(),
    dipNames,
    snat: summarizeSnat(world),
    platformSettings: platformSettingsOf(scenario),
  };
  const explained: RunResult = { ...facts, explanations: explainRun(facts, scenario) };
  if (watch === undefined) return explained;
  const endNs = status.kind === 'completed' ? status.endNs : status.atNs;
  watch.recorder.finish(endNs);
  const metrics = computeMetrics({
    rules: world.manager.configuredRules,
    recorder: watch.recorder,
    healthChanges,
    healthLatencyNs: scenario.network.healthLatency,
    snat: facts.snat,
    binNs: watch.binNs,
    endNs,
  });
  return { ...explained, metrics, nsgFlowLog: watch.flowLog.finish(endNs) };
}

/** The sinks that gather a run's metrics and flow logs. */
function watchMetrics(world: World): { recorder: MetricsRecorder; flowLog: NsgFlowLogger; binNs: number } {
  const scenario = world.scenario;
  const binNs = metricBinWidthNs(scenario.duration);
  const frontends = world.manager.configuredRules.map((rule, index) => ({ rule: index, ...rule.endpoint }));
  const muxes = new Map(world.muxes.map((mux) => [mux.name, mux]));
  const hostAgents = new Set([...world.hostAgents.values()].map((agent) => agent.name));
  const recorder = new MetricsRecorder(frontends, binNs, new Set(muxes.keys()), hostAgents, new Set(world.vms.keys()), {
    ecmpGroup: (vip) => world.router.ecmpGroup(vip),
    isMuxRunning: (name) => muxes.get(name)?.isRunning === true,
  });
  const nics = watchedNics(scenario, world.securityGroups);
  const flowLog = new NsgFlowLogger(nics.nics, hostAgents, nics.virtualNetwork);
  return { recorder, flowLog, binNs };
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

/** The NIC addresses (dotted quads) of the VM named `name`; empty for a client. */
function addressesOfVm(world: World, name: string): Set<string> {
  return new Set((world.vms.get(name)?.nics ?? []).map((nic) => formatIpv4Address(nic.address)));
}
