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
  type RunStatus,
  type TraceSink,
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
  // The world is let go once the run's end state is read from it: a long run still holds the
  // flows and sockets of its last minutes then, and the per-connection summaries need not
  // share the heap with them.
  const ran = runWorld(scenario, options);
  const { seed, status, observer, end } = ran;
  const dropsByConnection = new Map<number, readonly DropCount[]>();
  const connections = summarizeConnections(scenario, ran, dropsByConnection);
  const traffic = summarizeTraffic(scenario, connections, dropsByConnection);
  const drops = observer.dropCounts();
  const { dipListChanges, healthChanges } = end;
  const expectations = evaluateExpectations(scenario, {
    traffic,
    drops,
    dipListChanges,
    connections,
    healthChanges,
    probedDips: end.probedDips,
  });
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
    packetsHeldForSnat: end.packetsHeldForSnat,
    muxes: end.muxes,
    dipListChanges,
    healthChanges,
    probeDrops: observer.probeDrops(),
    dipNames: end.dipOwners,
    snat: end.snat,
    platformSettings: platformSettingsOf(scenario),
  };
  const explained: RunResult = { ...facts, explanations: explainRun(facts, scenario) };
  const watch = ran.watch;
  if (watch === undefined) return explained;
  const endNs = status.kind === 'completed' ? status.endNs : status.atNs;
  watch.recorder.finish(endNs);
  const metrics = computeMetrics({
    rules: watch.rules,
    recorder: watch.recorder,
    healthChanges,
    healthLatencyNs: scenario.network.healthLatency,
    snat: facts.snat,
    binNs: watch.binNs,
    endNs,
  });
  return { ...explained, metrics, nsgFlowLog: watch.flowLog.finish(endNs) };
}

/** What the world looked like at the end of the run, read before it is let go. */
interface WorldEnd {
  /** DIP (dotted quad) → the VM that owns it. */
  readonly dipOwners: ReadonlyMap<string, string>;
  /** Per traffic item, the NIC addresses (dotted quads) of its source VM; empty for a client. */
  readonly sourceAddresses: readonly ReadonlySet<string>[];
  readonly dipListChanges: RunResult['dipListChanges'];
  readonly healthChanges: RunResult['healthChanges'];
  readonly probedDips: ReadonlyArray<{ readonly probe: string; readonly dip: string; readonly vm: string }>;
  readonly packetsHeldForSnat: RunResult['packetsHeldForSnat'];
  readonly muxes: RunResult['muxes'];
  readonly snat: RunResult['snat'];
}

/** A run's raw results: the trace observer, the started connections and the world's end state. */
interface WorldRun {
  readonly seed: number;
  readonly status: RunStatus;
  readonly observer: RunObserver;
  readonly started: StartedConnections;
  readonly end: WorldEnd;
  /** The metrics sinks, when asked for (they keep the world: their rules read it). */
  readonly watch:
    | (ReturnType<typeof watchMetrics> & { readonly rules: World['manager']['configuredRules'] })
    | undefined;
}

/** Builds the world, runs it to the scenario's end and reads what the summary needs from it. */
function runWorld(scenario: Scenario, options: RunOptions): WorldRun {
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
  return {
    seed,
    status,
    observer,
    started,
    end: worldEndOf(world),
    watch: watch === undefined ? undefined : { ...watch, rules: world.manager.configuredRules },
  };
}

/** The world's end state as the summary reads it. */
function worldEndOf(world: World): WorldEnd {
  const scenario = world.scenario;
  return {
    dipOwners: new Map([...world.dipOwners].map(([dip, owner]) => [formatIpv4Address(dip), owner.vm])),
    sourceAddresses: scenario.traffic.map((item) => addressesOfVm(world, item.from)),
    dipListChanges: summarizeDipListChanges(world.muxes),
    healthChanges: [...world.probing.changes],
    probedDips: [...world.probing.engines.values()].flatMap((engine) =>
      engine.targets.map((target) => ({
        probe: target.probe.name,
        dip: formatIpv4Address(target.dip),
        vm: target.vm,
      })),
    ),
    packetsHeldForSnat: [...world.hostAgents.values()].flatMap((agent) => agent.packetsHeldForSnat),
    muxes: world.muxes.map(summarizeMux),
    snat: summarizeSnat(world),
  };
}

/** The empty set of source addresses of a client. */
const noAddresses: ReadonlySet<string> = new Set();

/**
 * One summary per started connection, in start order; the drop counts of those with drops go
 * to `dropsByConnection`.
 */
function summarizeConnections(
  scenario: Scenario,
  ran: WorldRun,
  dropsByConnection: Map<number, readonly DropCount[]>,
): ConnectionSummary[] {
  const { observer, started, end } = ran;
  const ownerOf = (dip: string) => end.dipOwners.get(dip);
  const destinations = scenario.traffic.map((item) => ipv4(item.to.split(':')[0] ?? ''));
  const connections: ConnectionSummary[] = [];
  for (let index = 0; index < started.length; index++) {
    const id = index + 1;
    const traffic = started.trafficOf(index);
    const result = started.resultOf(index);
    const path = observer.pathOfConnection(id);
    const own = end.sourceAddresses[traffic] ?? noAddresses;
    const dropCounts =
      path.dropsByReason === undefined
        ? noDropCounts
        : [...path.dropsByReason.values()].sort(
            (a, b) => b.count - a.count || compareCodePoints(a.reason, b.reason) || compareCodePoints(a.node, b.node),
          );
    if (dropCounts.length > 0) dropsByConnection.set(id, dropCounts);
    const ends = {
      opener: scenario.traffic[traffic]?.from ?? '',
      openerPort: result.localPort,
      destination: destinations[traffic] ?? 0,
    };
    const { servedBy, refusedBy } = judgeDips(path.dips, path.guestReplies ?? [], ownerOf, ends);
    connections.push({
      id,
      traffic,
      startedAtNs: started.startedAtNsOf(index),
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
      stalled: result.outcome === 'established' && path.lastDropAtNs > observer.lastDeliveryToOpenerNs(id),
      resets: path.resets,
      mappedToSource: own.size > 0 && path.dips.some((dip) => own.has(dip)),
    });
  }
  return connections;
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
  // Per VIP, protocol × 65536 + port: numbers, as this runs for every packet a Mux tunnels.
  const endpoints = new Map<number, Set<number>>();
  for (const { endpoint } of world.manager.configuredRules) {
    const ports = endpoints.get(endpoint.vip) ?? new Set<number>();
    ports.add(endpoint.protocol * 65536 + endpoint.port);
    endpoints.set(endpoint.vip, ports);
  }
  return (inner) => {
    const payload = inner.payload;
    if (payload.kind !== 'tcp' && payload.kind !== 'udp') return true;
    const ports = endpoints.get(inner.dst);
    if (ports === undefined) return false;
    const protocol = ipProtocolOf(inner) * 65536;
    return ports.has(protocol + payload.dstPort) || ports.has(protocol);
  };
}

/** The NIC addresses (dotted quads) of the VM named `name`; empty for a client. */
function addressesOfVm(world: World, name: string): Set<string> {
  return new Set((world.vms.get(name)?.nics ?? []).map((nic) => formatIpv4Address(nic.address)));
}
