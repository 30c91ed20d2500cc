/**
 * When floating IP is the right setting, and probes that choose which backend serves.
 *
 * Azure's support checklist for load-balancer connectivity says floating IP must be off except
 * for a SQL Server Always On availability-group listener; Azure's guide for that listener sets
 * floating IP on, because SQL Server listens on the listener's address, the frontend IP
 * itself, and the cluster answers the listener's probe port only on the node that owns the
 * listener (docs/mechanics.md §2.4). These diagnoses recognise both halves: a listener bound to
 * the frontend IP behind a rule without floating IP, and a probe port only some members answer.
 */
import type { Scenario } from '../schema/scenario.ts';
import type { Finding, ProbeContext } from './drop-situation.ts';
import type { RuleFacts, ScenarioIndex } from './scenario-index.ts';
import { listWords } from './words.ts';

type Vm = Scenario['hosts'][number]['vms'][number];

/** When floating IP is right, in one sentence the explanations share. */
export const floatingIpIsRightWhen =
  'floating IP is right only when the service must see the frontend IP as its destination — a SQL Server Always On availability-group listener, or several rules sharing one backend port — and Azure asks for it off otherwise';

/** Whether `vm` listens on `port` only on `address` (a bound listener), not on every address. */
function listensOnlyOn(vm: Vm, protocol: 'Tcp' | 'Udp', port: number, address: string): boolean {
  const listeners = vm.listeners.filter((listener) => listener.protocol === protocol && listener.port === port);
  return listeners.length > 0 && listeners.every((listener) => listener.address === address);
}

/**
 * A connection refused because the service listens on the frontend IP only (an availability-group
 * listener) while the rule has floating IP off, so the packet arrives addressed to the DIP.
 * `undefined` when that is not the case.
 */
export function diagnoseListenerOnFrontend(
  rule: RuleFacts,
  vmName: string,
  protocol: 'Tcp' | 'Udp',
  port: number,
  index: ScenarioIndex,
): Finding | undefined {
  const vm = index.vm(vmName);
  if (vm === undefined || rule.rule.enableFloatingIP || !listensOnlyOn(vm, protocol, port, rule.frontendIp)) {
    return undefined;
  }
  return {
    failureMode: 'floating-ip-no-loopback',
    cause:
      `The service on ${vmName} listens on ${protocol.toUpperCase()} ${rule.frontendIp}:${port} only, the frontend IP itself (as a SQL Server Always On listener does), ` +
      `but rule ${rule.name} has enableFloatingIP: false, so the Host Agent rewrites the destination to the DIP and the guest answers each SYN with RST (docs/mechanics.md §2.4)`,
    fix: `set enableFloatingIP: true on rule ${rule.name}, with ${rule.frontendIp} on the loopback of the node that owns the listener: ${floatingIpIsRightWhen}`,
  };
}

/**
 * A probe answered by some members of its pools and refused by others: the probe port decides
 * which members serve, as an availability-group listener's probe port leaves only the primary
 * in rotation. `undefined` when every member is deaf (a wrong port) or none is.
 */
export function diagnoseSelectiveProbe(probe: ProbeContext, index: ScenarioIndex): Finding | undefined {
  const rules = index.rulesProbedBy(probe.name);
  const members = [...new Set(rules.flatMap((rule) => rule.members.map((member) => member.vm.name)))];
  const answering = members.filter((vm) => index.declaresListener(vm, 'Tcp', probe.port));
  const deaf = members.filter((vm) => !answering.includes(vm));
  if (answering.length === 0 || deaf.length === 0 || !deaf.includes(probe.vm)) return undefined;
  return {
    failureMode: undefined,
    cause: `Probe ${probe.name} checks TCP port ${probe.port}, which ${listWords(answering)} answer${answering.length === 1 ? 's' : ''} and ${listWords(deaf)} do${deaf.length === 1 ? 'es' : ''} not: the guest answers with RST, so only ${listWords(answering)} stay${answering.length === 1 ? 's' : ''} in rotation. When the probe port is meant to pick the serving node (an Always On listener's probe port, answered only by the primary replica), this is the design, not a fault`,
    fix: `nothing, if the probe port is meant to choose the serving node; otherwise make ${listWords(deaf)} listen on TCP port ${probe.port}`,
  };
}
