/**
 * `explainRun()`: a run's explanations. Every failed connection (or lost datagram) is
 * diagnosed, every probe verdict change to down too, and failures with the same diagnosis are
 * grouped into one explanation per traffic item (connections) or per probe (health). A
 * connection that found no healthy DIP points at the health explanations behind it
 * (`causedBy`). A DIP-list change that would have moved many tracked flows is explained even
 * though nothing failed yet.
 *
 * Pure and deterministic: the same run and scenario give the same explanations, in the same
 * order (connections by traffic item and first connection, then probes by first change, then
 * DIP-list changes by time), numbered `E1`, `E2`, …
 *
 * The folder explain/ is the last stage: it takes a run's facts and the scenario and gives
 * explanations (shapes in base/explanation.ts); nothing in the package imports it but
 * ../run-scenario.ts and the package index.
 */

import type { Evidence, Explanation } from '../base/explanation.ts';
import type { ConnectionSummary, HealthChangeRecord, UnexplainedRun } from '../base/run-result.ts';
import type { Scenario } from '../schema/scenario.ts';
import { describeClientSymptom, isFailedConnection } from './client-symptom.ts';
import { collectConnectionEvidence, diagnoseConnection } from './diagnose-connection.ts';
import { describeDipListRisk, isRiskyDipListChange } from './dip-list-risk.ts';
import type { DownDip } from './drop-situation.ts';
import { diagnoseHealthChanges, type HealthFinding } from './health-causes.ts';
import { indexScenario, type RuleFacts } from './scenario-index.ts';
import { atTime, distinct, listWords } from './words.ts';

/** Most evidence items kept per explanation. */
const evidenceKept = 4;

/** An explanation before numbering: `key` identifies it, `causedByKeys` refer to others' keys. */
interface Draft extends Omit<Explanation, 'id' | 'causedBy'> {
  readonly key: string;
  readonly causedByKeys: readonly string[];
}

/** Every explanation of a run (see the module comment). */
export function explainRun(run: UnexplainedRun, scenario: Scenario): Explanation[] {
  const index = indexScenario(scenario);
  const health = diagnoseHealthChanges(run, index);
  const downDipsAt = findDownDips(run, scenario, health);
  const drafts = [
    ...draftConnectionExplanations(run, scenario, (connection) =>
      diagnoseConnection(connection, { index, run, downDipsAt }),
    ),
    ...draftHealthExplanations(run, health),
    ...draftDipListExplanations(run, scenario),
  ];
  return numberDrafts(drafts);
}

/**
 * The DIPs of a rule its probe had marked down at the Muxes at a time: each DIP's last verdict
 * the Muxes had applied then (a verdict reaches them `network.healthLatency` after the prober
 * decided, docs/mechanics.md §1.4). A DIP with no verdict yet takes no new flows either (it waits
 * for its first success); when its first verdict was down, that verdict is why, so connections
 * before and after it share one explanation.
 */
function findDownDips(
  run: UnexplainedRun,
  scenario: Scenario,
  health: ReadonlyMap<number, HealthFinding>,
): (rule: RuleFacts, atNs: number) => DownDip[] {
  const latency = scenario.network.healthLatency;
  return (rule, atNs) => {
    if (rule.probeName === undefined) return [];
    const applied = new Map<string, number>();
    const first = new Map<string, number>();
    run.healthChanges.forEach((change, i) => {
      if (change.probe !== rule.probeName) return;
      if (!first.has(change.dip)) first.set(change.dip, i);
      if (change.atNs + latency <= atNs) applied.set(change.dip, i);
    });
    const order = (dip: string) => rule.members.findIndex((member) => member.dip === dip);
    return [...first.keys()]
      .sort((a, b) => order(a) - order(b))
      .flatMap((dip) => {
        const pending = !applied.has(dip);
        const i = (pending ? first.get(dip) : applied.get(dip)) as number;
        const change = run.healthChanges[i] as HealthChangeRecord;
        const finding = health.get(i);
        if (change.to !== 'down' || finding === undefined) return [];
        return [{ dip, vm: change.vm, why: change.why, key: finding.key, diagnosis: finding.diagnosis }];
      });
  };
}

function draftConnectionExplanations(
  run: UnexplainedRun,
  scenario: Scenario,
  diagnose: (connection: ConnectionSummary) => ReturnType<typeof diagnoseConnection>,
): Draft[] {
  const groups = new Map<
    string,
    { connections: ConnectionSummary[]; evidence: Evidence[]; causedBy: string[]; finding: ReturnType<typeof diagnose> }
  >();
  for (const connection of run.connections) {
    if (!isFailedConnection(connection)) continue;
    const finding = diagnose(connection);
    const key = `connections|${connection.traffic}|${connection.outcome}|${finding.failureMode ?? ''}|${finding.cause}|${finding.fix}`;
    const group = groups.get(key) ?? { connections: [], evidence: [], causedBy: [], finding };
    group.connections.push(connection);
    group.evidence.push(...collectConnectionEvidence(connection));
    group.causedBy.push(...(finding.causedBy ?? []));
    groups.set(key, group);
  }
  const ordered = [...groups].sort(
    ([, a], [, b]) =>
      (a.connections[0]?.traffic ?? 0) - (b.connections[0]?.traffic ?? 0) ||
      (a.connections[0]?.id ?? 0) - (b.connections[0]?.id ?? 0),
  );
  return ordered.flatMap(([key, group]) => {
    const item = run.traffic[group.connections[0]?.traffic ?? -1];
    if (item === undefined) return [];
    const { symptom, headline } = describeClientSymptom(scenario, item, group.connections);
    return [
      {
        key,
        subject: 'connections' as const,
        failureMode: group.finding.failureMode,
        cause: group.finding.cause,
        fix: group.finding.fix,
        symptom,
        headline,
        evidence: keepEvidence(group.evidence),
        traffic: item.index,
        connections: group.connections.map((connection) => connection.id),
        healthChanges: [],
        causedByKeys: distinct(group.causedBy),
      },
    ];
  });
}

/** The first evidence per node and reason, in time order, at most {@link evidenceKept}. */
function keepEvidence(evidence: readonly Evidence[]): Evidence[] {
  const seen = new Set<string>();
  const kept: Evidence[] = [];
  for (const item of [...evidence].sort((a, b) => a.atNs - b.atNs)) {
    const key = `${item.node}|${item.reason ?? 'rst'}`;
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(item);
  }
  return kept.slice(0, evidenceKept);
}

function draftHealthExplanations(run: UnexplainedRun, health: ReadonlyMap<number, HealthFinding>): Draft[] {
  const groups = new Map<string, HealthFinding[]>();
  for (const finding of [...health.values()].sort((a, b) => a.change - b.change)) {
    groups.set(finding.key, [...(groups.get(finding.key) ?? []), finding]);
  }
  return [...groups].map(([key, findings]) => {
    const first = findings[0] as HealthFinding;
    const downs = findings.map((finding) => finding.change);
    const ups = downs.flatMap((i) => recoveryOf(run.healthChanges, i));
    const { symptom, headline } = describeProbeSymptom(run.healthChanges, downs, ups.length);
    return {
      key,
      subject: 'health' as const,
      failureMode: first.diagnosis.failureMode,
      cause: first.diagnosis.cause,
      fix: first.diagnosis.fix,
      symptom,
      headline,
      evidence: keepEvidence(findings.flatMap((finding) => finding.evidence)),
      traffic: undefined,
      connections: [],
      healthChanges: [...downs, ...ups].sort((a, b) => a - b),
      causedByKeys: [],
    };
  });
}

/** The change that marked the DIP up again after the down change `i`, if one did. */
function recoveryOf(changes: readonly HealthChangeRecord[], i: number): number[] {
  const down = changes[i] as HealthChangeRecord;
  for (let j = i + 1; j < changes.length; j++) {
    const next = changes[j] as HealthChangeRecord;
    if (next.probe !== down.probe || next.dip !== down.dip) continue;
    return next.to === 'up' ? [j] : [];
  }
  return [];
}

/** What the probe saw: which DIPs it marked down, why, when, and whether they came back. */
function describeProbeSymptom(
  changes: readonly HealthChangeRecord[],
  downs: readonly number[],
  recoveries: number,
): { readonly symptom: string; readonly headline: string } {
  const records = downs.map((i) => changes[i] as HealthChangeRecord);
  const first = records[0] as HealthChangeRecord;
  const vms = distinct(records.map((change) => change.vm));
  const named = distinct(records.map((change) => `${change.vm} (${change.dip})`));
  const whys = distinct(records.map((change) => change.why));
  const times = records.map((change) => atTime(change.atNs));
  const when =
    times.length <= 4 ? `at ${listWords(times)}` : `${times.length} times, from ${times[0]} to ${times.at(-1)}`;
  const flapping = recoveries > 0 && records.length > vms.length ? ': the DIPs flap' : '';
  const back =
    recoveries === 0
      ? `; ${vms.length === 1 ? 'it' : 'they'} stayed down`
      : recoveries === records.length
        ? `; each time a later probe marked the DIP up again${flapping}`
        : `; ${recoveries} of those times a later probe marked the DIP up again${flapping}`;
  const repeated = records.length > vms.length ? ` ${records.length} times` : '';
  return {
    symptom: `Probe ${first.probe} marked ${listWords(named)} down (${listWords(whys)}) ${when}${back}`,
    headline: `${listWords(vms)} probed down${repeated} by ${first.probe} (${listWords(whys)})`,
  };
}

function draftDipListExplanations(run: UnexplainedRun, scenario: Scenario): Draft[] {
  return run.dipListChanges.filter(isRiskyDipListChange).map((change) => {
    const risk = describeDipListRisk(change, scenario);
    return {
      key: `dip-list|${change.atNs}|${change.rule}`,
      subject: 'dip-list' as const,
      failureMode: risk.failureMode,
      cause: risk.cause,
      fix: risk.fix,
      symptom: risk.symptom,
      headline: risk.headline,
      evidence: [],
      traffic: undefined,
      connections: [],
      healthChanges: [],
      causedByKeys: [],
    };
  });
}

/** Numbers drafts in order as `E1`, `E2`, … and turns `causedByKeys` into those ids. */
function numberDrafts(drafts: readonly Draft[]): Explanation[] {
  const ids = new Map(drafts.map((draft, i) => [draft.key, `E${i + 1}`]));
  return drafts.map(({ key, causedByKeys, ...draft }) => ({
    id: ids.get(key) as string,
    ...draft,
    causedBy: causedByKeys.flatMap((causeKey) => {
      const id = ids.get(causeKey);
      return id === undefined ? [] : [id];
    }),
  }));
}
