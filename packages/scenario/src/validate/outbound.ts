/**
 * Checks of outbound SNAT settings that Azure rejects (docs/mechanics.md §2.8, [AZ-OUTRULES]):
 *
 * - the ports outbound rules give out must fit the frontends' SNAT ports: each frontend IP
 *   offers 64,000 per protocol, less 8 for every range of 8 that holds a load-balancing or
 *   inbound NAT rule port on it ("if you give 10,000 ports per VM and seven VMs in a backend
 *   pool share a single public IP, the configuration is rejected");
 * - a load-balancing rule must set `disableOutboundSnat` when an outbound rule covers its
 *   backend pool or uses its frontend ("the automatic outbound NAT must be disabled to allow
 *   an outbound rule to take control");
 * - a frontend is listed once per outbound rule.
 *
 * (`allocatedOutboundPorts` being a multiple of 8, and the idle timeout's 4–120 minutes, are
 * checked by the schema.)
 */
import { snatPortsPerFrontend, snatPortsPerRange, snatRangeStart } from '@lbsim/core';
import type { DocumentPath } from '../base/diagnostic.ts';
import type { PathIssue } from '../base/path-issue.ts';
import { defaultSnatPorts } from '../model/snat-budget.ts';
import type { Scenario } from '../schema/scenario.ts';

type LoadBalancer = Scenario['loadBalancers'][number];

/** SNAT ports a frontend has left once its rules took their ranges of 8. */
export function snatPortsOfFrontend(lb: LoadBalancer, frontend: string): number {
  const ranges = new Set<number>();
  for (const rule of [...lb.rules, ...lb.inboundNatRules]) {
    if (rule.frontend === frontend && rule.frontendPort > 0) ranges.add(snatRangeStart(rule.frontendPort));
  }
  return snatPortsPerFrontend - snatPortsPerRange * ranges.size;
}

/** Runs the checks; returns errors and warnings with document paths. */
export function validateOutbound(scenario: Scenario): PathIssue[] {
  const issues: PathIssue[] = [];
  scenario.loadBalancers.forEach((lb, i) => {
    issues.push(...validateLoadBalancer(lb, ['loadBalancers', i]));
  });
  return issues;
}

function validateLoadBalancer(lb: LoadBalancer, lbPath: DocumentPath): PathIssue[] {
  const issues: PathIssue[] = [];
  const error = (path: DocumentPath, message: string) => issues.push({ severity: 'error', path, message });
  const poolSize = new Map(lb.backendPools.map((pool) => [pool.name, pool.members.length]));
  const portsOf = (rule: LoadBalancer['outboundRules'][number]) => {
    const allocated = rule.allocatedOutboundPorts ?? 0;
    return allocated > 0 ? allocated : defaultSnatPorts(poolSize.get(rule.backendPool) ?? 0);
  };
  lb.outboundRules.forEach((rule, r) => {
    const path = [...lbPath, 'outboundRules', r];
    const seen = new Set<string>();
    rule.frontends.forEach((name, f) => {
      if (seen.has(name)) error([...path, 'frontends', f], `frontend "${name}" is listed twice`);
      seen.add(name);
    });
    const members = poolSize.get(rule.backendPool) ?? 0;
    const frontends = [...seen].filter((name) => lb.frontends.some((frontend) => frontend.name === name));
    const available = frontends.reduce((sum, name) => sum + snatPortsOfFrontend(lb, name), 0);
    const wanted = portsOf(rule) * members;
    if (frontends.length > 0 && wanted > available) {
      error(
        [...path, 'allocatedOutboundPorts'],
        `${portsOf(rule)} ports × ${members} VM${members === 1 ? '' : 's'} = ${wanted} exceeds the ${available} SNAT ports of ${describeFrontends(frontends)} (64,000 per frontend IP, less 8 per rule port range): give fewer ports or add frontend IPs`,
      );
    }
  });
  issues.push(...validateSharedFrontends(lb, lbPath, portsOf, poolSize));
  lb.rules.forEach((rule, r) => {
    if (rule.disableOutboundSnat || lb.type === 'internal') return;
    const byPool = lb.outboundRules.find((outbound) => outbound.backendPool === rule.backendPool);
    const byFrontend = lb.outboundRules.find((outbound) => outbound.frontends.includes(rule.frontend));
    const path = [...lbPath, 'rules', r, 'disableOutboundSnat'];
    if (byPool !== undefined) {
      error(
        path,
        `outbound rule "${byPool.name}" covers backend pool "${rule.backendPool}": set disableOutboundSnat: true so the outbound rule alone gives it SNAT (Azure rejects both)`,
      );
    } else if (byFrontend !== undefined) {
      error(
        path,
        `outbound rule "${byFrontend.name}" uses frontend "${rule.frontend}": set disableOutboundSnat: true on this rule first (Azure rejects an outbound rule on a frontend whose load-balancing rules SNAT)`,
      );
    }
  });
  return issues;
}

/**
 * Outbound rules that share frontends must fit them together: the ports all rules of a
 * protocol give out may not exceed what the frontends they use offer.
 */
function validateSharedFrontends(
  lb: LoadBalancer,
  lbPath: DocumentPath,
  portsOf: (rule: LoadBalancer['outboundRules'][number]) => number,
  poolSize: ReadonlyMap<string, number>,
): PathIssue[] {
  const issues: PathIssue[] = [];
  for (const protocol of ['Tcp', 'Udp'] as const) {
    const rules = lb.outboundRules
      .map((rule, index) => ({ rule, index }))
      .filter(({ rule }) => rule.protocol === 'All' || rule.protocol === protocol);
    if (rules.length < 2) continue;
    const frontends = [...new Set(rules.flatMap(({ rule }) => rule.frontends))].filter((name) =>
      lb.frontends.some((frontend) => frontend.name === name),
    );
    const available = frontends.reduce((sum, name) => sum + snatPortsOfFrontend(lb, name), 0);
    const demand = ({ rule }: (typeof rules)[number]) => portsOf(rule) * (poolSize.get(rule.backendPool) ?? 0);
    const alone = ({ rule }: (typeof rules)[number]) =>
      [...new Set(rule.frontends)].reduce(
        (sum, name) => sum + (frontends.includes(name) ? snatPortsOfFrontend(lb, name) : 0),
        0,
      );
    // A rule that does not fit even alone is reported on its own.
    if (rules.some((entry) => demand(entry) > alone(entry))) continue;
    const wanted = rules.reduce((sum, entry) => sum + demand(entry), 0);
    const last = rules.at(-1);
    if (wanted > available && last !== undefined) {
      issues.push({
        severity: 'error',
        path: [...lbPath, 'outboundRules', last.index, 'allocatedOutboundPorts'],
        message: `the ${protocol.toUpperCase()} outbound rules of "${lb.name}" give out ${wanted} ports together, more than the ${available} SNAT ports of ${describeFrontends(frontends)}`,
      });
    }
  }
  return issues;
}

function describeFrontends(names: readonly string[]): string {
  return names.length === 1 ? `frontend "${names[0]}"` : `frontends ${names.map((name) => `"${name}"`).join(', ')}`;
}
