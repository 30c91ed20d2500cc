/**
 * `--json` summary lines, written after the trace, all stamped with the run's end time:
 * one `connection` line per connection, one `traffic` line per traffic item, one `health`
 * line per probe verdict change, one `snat` line per VM NIC and protocol that made outbound
 * flows, one `explanation` line per explanation, one `expectation` line per expectation, then
 * a single `summary` line (docs/json-output.md).
 */
import type { RunResult } from '@lbsim/scenario';
import { writeJsonMetrics } from '../metrics/metrics-json.ts';
import type { JsonLines } from './json-lines.ts';

/** Virtual time the run ended at, ns: its end, or the last event run if it stopped early. */
export function runEndNs(result: RunResult): number {
  return result.status.kind === 'completed' ? result.status.endNs : result.status.atNs;
}

/** Writes the summary of `result` as JSON lines. */
export function writeJsonSummary(result: RunResult, lines: JsonLines): void {
  lines.setTimeNs(runEndNs(result));
  for (const connection of result.connections) {
    lines.info({
      type: 'connection',
      connectionId: connection.id,
      traffic: connection.traffic,
      startedAtNs: connection.startedAtNs,
      endedAtNs: connection.endedAtNs,
      outcome: connection.outcome,
      localPort: connection.localPort ?? null,
      httpStatus: connection.httpStatus ?? null,
      dips: connection.dips,
      servedBy: connection.servedBy,
      refusedBy: connection.refusedBy,
      muxes: connection.muxes,
      dropCount: connection.dropCount,
      // The decision is the note's values, for explain; the JSON carries the note.
      drops: connection.drops.map((drop) => ({ ...drop, dstPort: drop.dstPort ?? null, decision: undefined })),
    });
  }
  for (const item of result.traffic) {
    lines.info({
      type: 'traffic',
      traffic: item.index,
      name: item.name,
      from: item.from,
      to: item.to,
      protocol: item.protocol,
      configured: item.configured,
      started: item.started,
      outcomes: Object.fromEntries(item.outcomes),
      dips: Object.fromEntries(item.dips),
      dipsRefused: Object.fromEntries(item.dipsRefused),
      dipsUnanswered: Object.fromEntries(item.dipsUnanswered),
      muxes: Object.fromEntries(item.muxes),
      drops: item.drops,
    });
  }
  for (const change of result.healthChanges) {
    lines.info({
      type: 'health',
      changedAtNs: change.atNs,
      host: change.host,
      probe: change.probe,
      dip: change.dip,
      vm: change.vm,
      from: change.from,
      to: change.to,
      why: change.why,
    });
  }
  for (const snat of result.snat) {
    lines.info({
      type: 'snat',
      vm: snat.vm,
      dip: snat.dip,
      protocol: snat.protocol,
      policy: snat.policy,
      frontends: snat.frontends,
      portLimit: snat.portLimit,
      flows: snat.flows,
      failedAllocations: snat.failedAllocations,
      requests: snat.requests,
      grants: snat.grants,
      refusals: snat.refusals,
      releasedRanges: snat.releasedRanges,
      peakAllocatedPorts: snat.peakAllocatedPorts,
      peakUsedPorts: snat.peakUsedPorts,
      peakConnections: snat.peakConnections,
      firstFailureAtNs: snat.firstFailure?.atNs ?? null,
      firstFailureNote: snat.firstFailure?.note ?? null,
      samples: snat.samples,
    });
  }
  for (const explanation of result.explanations) {
    lines.info({
      type: 'explanation',
      id: explanation.id,
      subject: explanation.subject,
      failureMode: explanation.failureMode ?? null,
      headline: explanation.headline,
      symptom: explanation.symptom,
      evidence: explanation.evidence.map((item) => ({
        atNs: item.atNs,
        node: item.node,
        packet: item.packet,
        reason: item.reason ?? null,
        note: item.note,
        connectionId: item.connection ?? null,
      })),
      cause: explanation.cause,
      fix: explanation.fix,
      causedBy: explanation.causedBy,
      traffic: explanation.traffic ?? null,
      connections: explanation.connections,
      healthChanges: explanation.healthChanges,
    });
  }
  for (const expectation of result.expectations) {
    lines.info({
      type: 'expectation',
      description: expectation.description,
      met: expectation.met,
      actual: expectation.actual,
    });
  }
  writeJsonMetrics(result, lines);
  lines.info({
    type: 'summary',
    name: result.name,
    seed: result.seed,
    durationNs: result.durationNs,
    status: result.status.kind,
    eventsRun: result.status.eventsRun,
    packetsSent: result.packetsSent,
    // Only when there are some: a run that ends with none prints the line it always printed.
    ...(result.packetsHeldForSnat.length === 0 ? {} : { packetsHeldForSnat: result.packetsHeldForSnat.length }),
    drops: result.drops,
    dipNames: Object.fromEntries(result.dipNames),
    expectationsMet: result.expectationsMet,
  });
}
