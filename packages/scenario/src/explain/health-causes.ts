/**
 * Why a health probe marked a DIP down (docs/mechanics.md §2.3, §7.5): from the verdict's reason
 * ("1 timeout", "RST", "HTTP 404", "VM stopped") and the probe packets dropped on the way, to a
 * diagnosis. A timeout is explained by the probe packet dropped last before it (an NSG,
 * tcp_tw_recycle, a reply leaving by the wrong NIC, …), through the same drop table as a
 * connection's packets; an RST by what listens on the probed port; an HTTP status by the
 * application's answer to the probed path.
 */

import type { Diagnosis, Evidence } from '../base/explanation.ts';
import type { ConnectionDrop, HealthChangeRecord, ProbeDropRun, UnexplainedRun } from '../base/run-result.ts';
import { proberName } from '../model/topology-names.ts';
import { diagnoseDrop } from './drop-diagnoses.ts';
import type { DropSituation, Finding, ProbeContext } from './drop-situation.ts';
import { diagnoseVmStopped } from './guest-drop-causes.ts';
import { diagnoseHttpStatus, httpAppOf } from './http-probe-causes.ts';
import { diagnoseProbeRefused } from './refusal-causes.ts';
import { diagnoseRoleNotReady } from './role-state-causes.ts';
import type { ScenarioIndex } from './scenario-index.ts';
import { atTime, lasting } from './words.ts';

/** The diagnosis of one verdict change to down. */
export interface HealthFinding {
  /** Index of the change in `RunResult.healthChanges`. */
  readonly change: number;
  /** Changes with the same key share one explanation. */
  readonly key: string;
  readonly diagnosis: Diagnosis;
  readonly evidence: readonly Evidence[];
}

/** Diagnoses every change to down in `run.healthChanges`, by change index. */
export function diagnoseHealthChanges(run: UnexplainedRun, index: ScenarioIndex): Map<number, HealthFinding> {
  const findings = new Map<number, HealthFinding>();
  run.healthChanges.forEach((change, i) => {
    if (change.to !== 'down') return;
    const { diagnosis, evidence } = diagnoseDown(change, run, index);
    const key = `health|${change.probe}|${diagnosis.failureMode ?? ''}|${diagnosis.cause}|${diagnosis.fix}`;
    findings.set(i, { change: i, key, diagnosis, evidence });
  });
  return findings;
}

function diagnoseDown(
  change: HealthChangeRecord,
  run: UnexplainedRun,
  index: ScenarioIndex,
): { diagnosis: Finding; evidence: Evidence[] } {
  const probe = probeContextOf(change, index);
  const situationOf = (drop: ConnectionDrop): DropSituation => ({
    drop,
    probe,
    connection: undefined,
    traffic: undefined,
    index,
    run,
    downDipsAt: () => [],
  });
  const why = change.why;
  if (why === 'VM stopped') {
    const stopped = {
      atNs: change.atNs,
      node: change.vm,
      reason: 'vm-stopped',
      note: why,
      packet: '',
      dstPort: undefined,
    } as const;
    return { diagnosis: diagnoseVmStopped(situationOf(stopped)), evidence: [] };
  }
  const role = /guest agent: role instance (\w+)/.exec(why);
  if (role !== null) return { diagnosis: diagnoseRoleNotReady(probe, role[1] as string, index), evidence: [] };
  const status = /HTTP (\d+)/.exec(why);
  if (status !== null) {
    const code = Number(status[1]);
    return { diagnosis: diagnoseHttpStatus(probe, code, index), evidence: [httpEvidence(change, probe, code, index)] };
  }
  if (why.includes('RST')) {
    const drop = lastProbeDropBefore(run, change, (candidate) => candidate.reason === 'no-listener');
    return { diagnosis: diagnoseProbeRefused(probe, index), evidence: evidenceOf(drop) };
  }
  const drop = lastProbeDropBefore(run, change, () => true);
  if (drop === undefined) return { diagnosis: diagnoseUnansweredProbe(probe, index), evidence: [] };
  return { diagnosis: diagnoseDrop(situationOf(asDrop(drop, probe.port))), evidence: evidenceOf(drop) };
}

/** A run of probe drops as a single drop: its first. */
function asDrop(drop: ProbeDropRun, port: number): ConnectionDrop {
  return {
    atNs: drop.firstAtNs,
    node: drop.node,
    reason: drop.reason,
    note: drop.note,
    packet: drop.packet,
    dstPort: port,
    decision: drop.decision,
  };
}

/** The first drop of a run of probe drops as evidence, with how many there were. */
function evidenceOf(drop: ProbeDropRun | undefined): Evidence[] {
  if (drop === undefined) return [];
  const more =
    drop.count === 1 ? '' : ` (${drop.count} probe packets dropped like this, the last at ${atTime(drop.lastAtNs)})`;
  return [
    {
      atNs: drop.firstAtNs,
      node: drop.node,
      packet: drop.packet,
      reason: drop.reason,
      note: `${drop.note}${more}`,
      connection: undefined,
    },
  ];
}

function probeContextOf(change: HealthChangeRecord, index: ScenarioIndex): ProbeContext & { readonly path: string } {
  const [lbName, probeName] = change.probe.split('/');
  const probe = index.scenario.loadBalancers
    .find((lb) => lb.name === lbName)
    ?.probes.find((candidate) => candidate.name === probeName);
  return {
    name: change.probe,
    port: probe?.port ?? 0,
    protocol: probe?.protocol ?? 'Tcp',
    dip: change.dip,
    vm: change.vm,
    atNs: change.atNs,
    path: probe?.requestPath ?? '/',
  };
}

/**
 * The run of probe drops for the change's DIP whose latest drop at or before the change is
 * the latest: what made this probe fail.
 */
function lastProbeDropBefore(
  run: UnexplainedRun,
  change: HealthChangeRecord,
  accept: (drop: ProbeDropRun) => boolean,
): ProbeDropRun | undefined {
  let best: ProbeDropRun | undefined;
  let bestAt = -1;
  for (const drop of run.probeDrops) {
    if (drop.dip !== change.dip || drop.firstAtNs > change.atNs || !accept(drop)) continue;
    const at = Math.min(drop.lastAtNs, change.atNs);
    if (at > bestAt) {
      best = drop;
      bestAt = at;
    }
  }
  return best;
}

function httpEvidence(
  change: HealthChangeRecord,
  probe: ProbeContext & { readonly path: string },
  status: number,
  index: ScenarioIndex,
): Evidence {
  const host = index.scenario.hosts.find((candidate) => candidate.vms.some((vm) => vm.name === change.vm))?.name;
  return {
    atNs: change.atNs,
    node: host === undefined ? change.vm : proberName(host),
    packet: '',
    reason: undefined,
    note: `GET ${probe.path} to ${change.dip}:${probe.port} answered HTTP ${status}`,
    connection: undefined,
  };
}

/** A probe timed out and no probe packet was dropped: the application did not answer in time. */
function diagnoseUnansweredProbe(probe: ProbeContext & { readonly path: string }, index: ScenarioIndex): Diagnosis {
  const app = httpAppOf(probe, index);
  const delay = app?.responses.find((response) => response.path === probe.path)?.delay;
  const slow =
    (probe.protocol === 'Http' || probe.protocol === 'Https') && delay !== undefined
      ? `the application delays its answer to GET ${probe.path} by ${lasting(delay)}`
      : 'the application answered too slowly, or not at all';
  return {
    failureMode: undefined,
    cause: `Probe ${probe.name} got no answer within its timeout (TCP: the interval; HTTP: min(interval, 30 s), docs/mechanics.md §2.3) and no probe packet was dropped: ${slow}`,
    fix: 'make the probed application answer within the probe timeout, or probe an endpoint that answers at once',
  };
}
