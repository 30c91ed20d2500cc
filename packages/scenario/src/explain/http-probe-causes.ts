/**
 * Why an HTTP probe fails on the application's answer (docs/mechanics.md §2.3): a status other
 * than 200 is a failed probe. Shared by the probe verdicts (health-causes.ts) and by connections
 * that found no DIP probed up yet (no-healthy-dip.ts).
 */
import type { Diagnosis } from '../base/explanation.ts';
import type { ProbeContext } from './drop-situation.ts';
import type { ScenarioIndex } from './scenario-index.ts';
import { distinct, listWords } from './words.ts';

/** The VMs every rule using the probe sends to. */
export function probedVms(probe: ProbeContext, index: ScenarioIndex): string[] {
  return distinct(index.rulesProbedBy(probe.name).flatMap((rule) => rule.members.map((member) => member.vm.name)));
}

/** The HTTP listener's answers on the probed port of the probed VM. */
export function httpAppOf(probe: ProbeContext, index: ScenarioIndex) {
  return index.vm(probe.vm)?.listeners.find((listener) => listener.protocol === 'Tcp' && listener.port === probe.port)
    ?.http;
}

/** An HTTP probe got a status other than 200 → http-probe-non-200 (each one a failure toward probeThreshold). */
export function diagnoseHttpStatus(
  probe: ProbeContext & { readonly path: string },
  status: number,
  index: ScenarioIndex,
): Diagnosis {
  const app = httpAppOf(probe, index);
  const good = (app?.responses ?? []).filter((response) => response.status === 200).map((response) => response.path);
  const preferred = good.find((path) => path.includes('health')) ?? good[0];
  return {
    failureMode: 'http-probe-non-200',
    cause:
      `Probe ${probe.name} asks GET ${probe.path} on port ${probe.port}, and the application on ${listWords(probedVms(probe, index))} answers ${status}; ` +
      'an HTTP probe passes only on 200; any other status is a failed probe, and probeThreshold consecutive failures take the DIP out of rotation (docs/mechanics.md §2.3)',
    fix:
      preferred === undefined
        ? `make the application answer GET ${probe.path} with 200 (http.responses: [{ path: ${probe.path}, status: 200 }]), or point the probe at a path that does`
        : `set requestPath: ${preferred} on probe ${probe.name}, a path the application answers with 200`,
  };
}
