/**
 * A rule on the wrong port: traffic to a frontend port no rule takes, while a rule on the same
 * frontend takes a port one typo away — Azure's support checklist's example is a rule for TCP
 * 1443 where SQL Server uses 1433. The Mux drops the packets (`no-vip-endpoint`), the probes
 * stay green, and the clients time out (docs/mechanics.md §2.14).
 */
import { distance } from 'fastest-levenshtein';
import type { Finding } from './drop-situation.ts';
import type { RuleFacts, ScenarioIndex } from './scenario-index.ts';

/** Whether two port numbers are one typo apart: one digit changed, added or dropped, or two swapped. */
export function isPortTypo(wanted: number, configured: number): boolean {
  if (wanted === configured) return false;
  const a = String(wanted);
  const b = String(configured);
  if (distance(a, b) <= 1) return true;
  return a.length === b.length && [...a].sort().join('') === [...b].sort().join('') && distance(a, b) === 2;
}

/** The rules of the frontend at `address` for `protocol` whose frontend port is one typo from `port`. */
function nearMisses(index: ScenarioIndex, address: string, protocol: 'Tcp' | 'Udp', port: number): RuleFacts[] {
  return index.scenario.loadBalancers.flatMap((lb) => {
    const frontends = new Set(lb.frontends.filter((frontend) => frontend.ip === address).map((f) => f.name));
    return lb.rules
      .filter((rule) => frontends.has(rule.frontend) && rule.protocol === protocol && rule.frontendPort !== 0)
      .filter((rule) => isPortTypo(port, rule.frontendPort))
      .flatMap((rule) => {
        const facts = index.ruleAt(address, protocol, rule.frontendPort);
        return facts === undefined ? [] : [facts];
      });
  });
}

/**
 * Packets to `address`:`port` that no rule takes, when a rule on the same frontend takes a port
 * one typo away → rule-wrong-port; `undefined` when there is no such near miss.
 */
export function diagnoseNearMissRule(
  index: ScenarioIndex,
  address: string,
  protocol: 'Tcp' | 'Udp',
  port: number,
): Finding | undefined {
  const rule = nearMisses(index, address, protocol, port)[0];
  if (rule === undefined) return undefined;
  const configured = rule.rule.frontendPort;
  const listening = rule.members.some((member) => index.declaresListener(member.vm.name, protocol, port));
  const backend = rule.rule.backendPort === configured && listening ? ` and backendPort: ${port}` : '';
  return {
    failureMode: 'rule-wrong-port',
    cause:
      `No load-balancing rule takes ${protocol.toUpperCase()} port ${port} on frontend ${address}, so the Muxes drop every packet and the clients time out; ` +
      `a rule on ${configured} exists (${rule.name}): did you mean ${port}? The probes, which go to the DIPs, say nothing about it (docs/mechanics.md §2.14)`,
    fix: `set frontendPort: ${port}${backend} on rule ${rule.name}${listening ? `: the service listens on ${port}` : ''}`,
  };
}
