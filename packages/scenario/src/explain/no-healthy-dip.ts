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
import type { RuleFacts } from './scenario-index.ts';
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
  if (down.length === 0) return diagnoseNoEligibleDip(rule);
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

/** No DIP was down by a probe, yet none was eligible: an empty, drained or not-yet-probed pool. */
function diagnoseNoEligibleDip(rule: RuleFacts): Finding {
  return {
    failureMode: undefined,
    cause: `The Muxes had no eligible DIP for rule ${rule.name}, though no probe had marked one down: its pool was empty, drained (weight 0), set to adminState Down, or not yet probed up (a DIP takes new flows only after its first successful probe)`,
    fix: `give backend pool ${rule.rule.backendPool} a member that can take flows (weight above 0, adminState None or Up) and let its probe pass; new connections arriving before the first probes finish are dropped`,
  };
}
