/**
 * Puts the report together after a run: picks the connections to draw, records their
 * sequences (re-running the scenario with the same seed when they were not recorded during
 * the run — determinism makes the second run the same, event for event), and renders the page.
 */
import { formatTimeNs } from '@lbsim/core';
import { describeTopology, type RunResult, runScenario, type Scenario } from '@lbsim/scenario';
import type { ConfiguredProbe, NodeCounts, ProbeStateChange, TimelineEvent } from './report-model.ts';
import { renderReportPage } from './report-page.ts';
import { selectConnections } from './select-connections.ts';
import { SequenceRecorder } from './sequence-recorder.ts';
import { muxFailuresOf, topologyGraphOf } from './topology-graph.ts';
import { layOutTopology } from './topology-layout.ts';

/** What a report needs besides the run's result. */
export interface ReportSources {
  readonly scenario: Scenario;
  /** The scenario file as the user named it. */
  readonly scenarioFile: string;
  readonly result: RunResult;
  readonly nodeCounts: readonly NodeCounts[];
  /** Connections the user asked to draw (empty: choose). */
  readonly connections: readonly number[];
  /** Sequences recorded during the run, when the connections were known before it. */
  readonly recorded: SequenceRecorder | undefined;
  /** Progress of the second run, if one is needed. */
  readonly onProgress: ((nowNs: number, eventsRun: number) => void) | undefined;
}

/** Probes as the scenario configures them, e.g. `Http:80 /health every 5 s`. */
export function configuredProbesOf(scenario: Scenario): ConfiguredProbe[] {
  return scenario.loadBalancers.flatMap((lb) =>
    lb.probes.map((probe) => ({
      loadBalancer: lb.name,
      name: probe.name,
      target: `${probe.protocol}:${probe.port}${probe.requestPath === undefined ? '' : ` ${probe.requestPath}`} every ${probe.intervalInSeconds} s`,
    })),
  );
}

/**
 * The scenario's events as the time axes mark them: when, the action, and what it acts on
 * (`fail-mux mux-2`, `remove-backend web-4`), in time order.
 */
export function timelineEventsOf(scenario: Scenario): TimelineEvent[] {
  return scenario.events
    .map((event) => {
      const subject = Object.entries(event)
        .filter(
          ([key, value]) =>
            key !== 'at' &&
            key !== 'action' &&
            key !== 'loadBalancer' &&
            key !== 'backendPool' &&
            typeof value === 'string',
        )
        .map(([, value]) => value as string);
      return { atNs: event.at, label: [event.action, ...subject].join(' ') };
    })
    .sort((a, b) => a.atNs - b.atNs);
}

/**
 * The report page (HTML text) of a run. Asynchronous because the topology's layout engine
 * (elkjs) answers with a Promise; the page is still a function of its sources alone.
 */
export async function buildReport(sources: ReportSources): Promise<string> {
  const { scenario, result } = sources;
  const ids = sources.connections.length > 0 ? [...sources.connections] : selectConnections(result);
  let recorder = sources.recorded;
  if (recorder === undefined) {
    recorder = new SequenceRecorder(ids);
    runScenario(scenario, {
      seed: result.seed,
      sinks: [recorder],
      ...(sources.onProgress === undefined ? {} : { onProgress: sources.onProgress }),
    });
  }
  const byId = new Map(result.connections.map((connection) => [connection.id, connection]));
  const sequences = ids.flatMap((id) => {
    const connection = byId.get(id);
    if (connection === undefined) return [];
    const { rows, total, nodes } = recorder.stepsOf(id);
    const trafficName = result.traffic[connection.traffic]?.name ?? `traffic-${connection.traffic}`;
    return [{ connection, trafficName, rows, totalSteps: total, nodes }];
  });
  const probeStateChanges: readonly ProbeStateChange[] = result.healthChanges.map((change) => ({
    atNs: change.atNs,
    dip: change.dip,
    probe: change.probe,
    state: change.to,
    reason: change.why,
  }));
  const topology = describeTopology(scenario);
  const topologyLayout = await layOutTopology(topologyGraphOf(scenario, topology, muxFailuresOf(scenario, result)));
  return renderReportPage({
    result,
    topology,
    topologyLayout,
    events: timelineEventsOf(scenario),
    scenarioFile: sources.scenarioFile,
    sequences,
    nodeCounts: sources.nodeCounts,
    configuredProbes: configuredProbesOf(scenario),
    probeStateChanges,
    snatPortUse: result.snat,
  });
}

/** A one-line note of a connection the user named that the run never started. */
export function describeMissingConnections(result: RunResult, connections: readonly number[]): string | undefined {
  const known = new Set(result.connections.map((connection) => connection.id));
  const missing = connections.filter((id) => !known.has(id));
  if (missing.length === 0) return undefined;
  const last = result.connections.at(-1);
  return `no connection ${missing.join(', ')} in this run (it started ${result.connections.length}${last === undefined ? '' : `, ids up to ${last.id}`} by ${formatTimeNs(result.durationNs)} s)`;
}
