/**
 * Puts the report together after a run: picks the connections to draw, records their
 * sequences (re-running the scenario with the same seed when they were not recorded during
 * the run — determinism makes the second run the same, event for event), and renders the page.
 */
import { formatTimeNs } from '@lbsim/core';
import { describeTopology, type RunResult, runScenario, type Scenario } from '@lbsim/scenario';
import type { ConfiguredProbe, NodeCounts, ProbeStateChange } from './report-model.ts';
import { renderReportPage } from './report-page.ts';
import { selectConnections } from './select-connections.ts';
import { SequenceRecorder } from './sequence-recorder.ts';

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

/** The report page (HTML text) of a run. */
export function buildReport(sources: ReportSources): string {
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
    const { steps, omitted } = recorder.stepsOf(id);
    const trafficName = result.traffic[connection.traffic]?.name ?? `traffic-${connection.traffic}`;
    return [{ connection, trafficName, steps, omittedSteps: omitted }];
  });
  const probeStateChanges: readonly ProbeStateChange[] = result.healthChanges.map((change) => ({
    atNs: change.atNs,
    dip: change.dip,
    probe: change.probe,
    state: change.to,
    reason: change.why,
  }));
  return renderReportPage({
    result,
    topology: describeTopology(scenario),
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
