/**
 * A guest agent probe failed because the role instance reported a state other than Ready
 * (Cloud Services classic, docs/mechanics.md §2.3): the catalogue's role-instance-not-ready.
 */
import type { Finding, ProbeContext } from './drop-situation.ts';
import type { ScenarioIndex } from './scenario-index.ts';
import { atTime, distinct, listWords } from './words.ts';

/** The `set-role-state` events that took VMs out of Ready, and when. */
function notReadyEvents(index: ScenarioIndex) {
  return index.scenario.events.flatMap((event) =>
    event.action === 'set-role-state' && event.state !== 'Ready' ? [event] : [],
  );
}

/** `guest agent: role instance Busy` → role-instance-not-ready. */
export function diagnoseRoleNotReady(probe: ProbeContext, state: string, index: ScenarioIndex): Finding {
  const events = notReadyEvents(index);
  const vms = distinct([probe.vm, ...events.map((event) => event.vm)]).sort();
  const when =
    events.length === 0
      ? `${probe.vm} reports ${state} from the start (roleState)`
      : `${listWords(distinct(events.map((event) => `${event.vm} reported ${event.state} at ${atTime(event.at)}`)))} (set-role-state)`;
  const readyAgain = index.scenario.events.some(
    (event) => event.action === 'set-role-state' && event.state === 'Ready',
  );
  return {
    failureMode: 'role-instance-not-ready',
    cause:
      `Probe ${probe.name} asks the guest agent of each Cloud Services (classic) role instance, which answers 200 only while the instance is Ready; ${when}, ` +
      `so the probe fails and the instance leaves rotation until it reports Ready again${readyAgain ? ' (it does, and returns)' : ''} (docs/mechanics.md §2.3)`,
    fix: `keep enough instances Ready: report Busy (e.g. above a CPU threshold in the StatusCheck handler) on fewer instances at a time, or add instances, so ${listWords(vms)} are never all out of rotation at once`,
  };
}
