/**
 * Diagnosis of `no-healthy-dip`: a Mux had no DIP to send a new flow to. That is a consequence,
 * not a cause: the explanation names the probe verdicts behind it and takes their failure mode
 * and fix; when every DIP is down for a reason that is no specific misconfiguration, it is the
 * all-probed-down failure mode (docs/mechanics.md §2.3: "a pool with all probes down will cause a
 * frontend to not respond to TCP connection open attempts").
 */
import { splitTarget } from '../schema/traffic.ts';
import type { DownDip, DropSituation, Finding } from './drop-situation.ts';
import { diagnoseGenerally } from './general-fixes.ts';
import { diagnoseHttpStatus } from './http-probe-causes.ts';
import type { RuleFacts, ScenarioIndex } from './scenario-index.ts';
import { distinct, listWords } from './words.ts';

/** `no-healthy-dip` for a connection's packet at a Mux. */
export function diagnoseNoHealthyDip(situation: DropSituation): Finding {
  const { index, traffic, drop } = situation;
  const item = traffic === undefined ? undefined : index.scenario.traffic[traffic];
  if (item === undefined) return diagnoseGenerally('no-healthy-dip');
  const target = splitTarget(item.to);
  const rule = index.ruleAt(target.address, item.protocol, drop.dstPort ?? target.port);
  if (rule === undefined) return diagnoseGenerally('no-healthy-dip');
  const down = situation.downDipsAt(rule, drop.atNs);
  if (down.length === 0) return diagnoseNeverProbedUp(rule, index) ?? diagnoseNoEligibleDip(rule);
  const first = down[0] as DownDip;
  const specific = down.find((dip) => dip.diagnosis.failureMode !== undefined)?.diagnosis;
  const whys = distinct(down.map((dip) => dip.why));
  const causes = distinct(down.map((dip) => dip.diagnosis.cause));
  const fixes = distinct(down.map((dip) => dip.diagnosis.fix));
  const lead = `The Muxes had no healthy DIP for rule ${rule.name}: ${describeDownDips(rule, down)} probed down (${listWords(whys)}). ${causes.join('. ')}`;
  const causedBy = distinct(down.map((dip) => dip.key));
  if (specific !== undefined)
    return { failureMode: specific.failureMode, cause: lead, fix: fixes.join('; '), causedBy };
  const behavior = rule.probe?.noHealthyBackendsBehavior ?? 'AllProbedDown';
  return {
    failureMode: 'all-probed-down',
    cause: `${lead}. With noHealthyBackendsBehavior ${behavior} the Muxes send new flows nowhere while every DIP is down; established TCP flows continue (docs/mechanics.md §2.3)`,
    fix: `${fixes.join('; ')}; where serving on DIPs the probe doubts beats serving nothing, set noHealthyBackendsBehavior: AllProbedUp on probe ${rule.probeName ?? first.dip}`,
    causedBy,
  };
}

/** `both DIPs were`, `all 3 DIPs were`, `its only DIP was`, `web-1 and web-2 were`. */
function describeDownDips(rule: RuleFacts, down: readonly DownDip[]): string {
  const vms = distinct(down.map((dip) => dip.vm));
  if (down.length === rule.members.length) {
    if (down.length === 1) return `its only DIP (${vms[0]}) was`;
    if (down.length === 2) return `both DIPs (${listWords(vms)}) were`;
    return `all ${down.length} DIPs were`;
  }
  return `${listWords(vms)} ${vms.length === 1 ? 'was' : 'were'}`;
}

/**
 * The status the application on `vm` answers an HTTP probe's path with, or `undefined` when no
 * HTTP listener serves the probed port.
 */
function probedStatus(index: ScenarioIndex, vm: string, port: number, path: string): number | undefined {
  const app = index.vm(vm)?.listeners.find((listener) => listener.protocol === 'Tcp' && listener.port === port)?.http;
  if (app === undefined) return undefined;
  return app.responses.find((response) => response.path === path)?.status ?? app.defaultStatus;
}

/**
 * No probe verdict yet, and none could ever be up: an HTTP probe whose path every DIP answers
 * with a status other than 200. A probeThreshold larger than the run's probes (a "fix" students
 * try) leaves the DIPs with no verdict at all, and a DIP takes new flows only after its first
 * successful probe (docs/mechanics.md §2.3), so the cause is the probe's path all the same.
 */
function diagnoseNeverProbedUp(rule: RuleFacts, index: ScenarioIndex): Finding | undefined {
  const probe = rule.probe;
  const first = rule.members[0];
  if (probe === undefined || rule.probeName === undefined || first === undefined) return undefined;
  if (probe.protocol !== 'Http' && probe.protocol !== 'Https') return undefined;
  const path = probe.requestPath ?? '/';
  const statuses = rule.members.map((member) => probedStatus(index, member.vm.name, probe.port, path));
  const status = statuses[0];
  if (status === undefined || status === 200 || statuses.some((other) => other !== status)) return undefined;
  const context = {
    name: rule.probeName,
    port: probe.port,
    protocol: probe.protocol,
    dip: first.dip,
    vm: first.vm.name,
    atNs: 0,
    path,
  };
  const diagnosis = diagnoseHttpStatus(context, status, index);
  return {
    ...diagnosis,
    cause: `The Muxes had no DIP for rule ${rule.name}: none had been probed up yet, and none can be. ${diagnosis.cause}; a DIP takes new flows only after a successful probe, so a larger probeThreshold only delays the verdict`,
  };
}

/** No DIP was down by a probe, yet none was eligible: an empty, drained or not-yet-probed pool. */
function diagnoseNoEligibleDip(rule: RuleFacts): Finding {
  return {
    failureMode: undefined,
    cause: `The Muxes had no eligible DIP for rule ${rule.name}, though no probe had marked one down: its pool was empty, drained (weight 0), set to adminState Down, or not yet probed up (a DIP takes new flows only after its first successful probe)`,
    fix: `give backend pool ${rule.rule.backendPool} a member that can take flows (weight above 0, adminState None or Up) and let its probe pass; new connections arriving before the first probes finish are dropped`,
  };
}
