/**
 * Checks of a Basic load balancer (docs/mechanics.md §2.12, Azure's SKU comparison:
 * https://learn.microsoft.com/azure/load-balancer/skus). Azure rejects on Basic what only
 * Standard has: outbound rules, HTTPS probes, HA-ports rules and TCP reset on idle; each is an
 * error here, at the setting. Every Basic load balancer also gets a warning: Basic was retired
 * on 30 September 2025 (https://learn.microsoft.com/azure/load-balancer/load-balancer-basic-upgrade-guidance),
 * and of Basic's differences lbsim models the one that decides whether clients reach the
 * backends (open without an NSG), not that Basic ends every TCP connection when all probes are
 * down.
 */
import type { DocumentPath } from '../base/diagnostic.ts';
import type { PathIssue } from '../base/path-issue.ts';
import type { Scenario } from '../schema/scenario.ts';

type LoadBalancer = Scenario['loadBalancers'][number];

/** The warning every Basic load balancer gets: retired, how to upgrade, what is modelled. */
export const basicRetiredWarning = `Basic Load Balancer was retired on 30 September 2025: upgrade to Standard (sku: Standard, with an NSG that allows your clients; Azure's guide: https://learn.microsoft.com/azure/load-balancer/load-balancer-basic-upgrade-guidance). lbsim runs it as Basic: backends open without an NSG; it does not model Basic ending every TCP connection when all probes are down`;

/** Errors for Standard-only settings on Basic load balancers, and the retirement warning. */
export function validateBasicSku(scenario: Scenario): PathIssue[] {
  return scenario.loadBalancers.flatMap((lb, i) => (lb.sku === 'Basic' ? basicIssues(lb, ['loadBalancers', i]) : []));
}

function basicIssues(lb: LoadBalancer, lbPath: DocumentPath): PathIssue[] {
  const issues: PathIssue[] = [{ severity: 'warning', path: [...lbPath, 'sku'], message: basicRetiredWarning }];
  const error = (path: DocumentPath, message: string) => issues.push({ severity: 'error', path, message });
  lb.outboundRules.forEach((_, r) => {
    error(
      [...lbPath, 'outboundRules', r],
      'a Basic load balancer has no outbound rules (Standard only); use sku: Standard',
    );
  });
  lb.probes.forEach((probe, p) => {
    if (probe.protocol === 'Https')
      error(
        [...lbPath, 'probes', p, 'protocol'],
        'a Basic load balancer probes with Tcp or Http only; Https is Standard',
      );
  });
  lb.rules.forEach((rule, r) => {
    if (rule.protocol === 'All')
      error([...lbPath, 'rules', r, 'protocol'], 'HA-ports rules (protocol All) are Standard only, not Basic');
    if (rule.enableTcpReset)
      error([...lbPath, 'rules', r, 'enableTcpReset'], 'TCP reset on idle is Standard only, not Basic');
  });
  lb.inboundNatRules.forEach((rule, r) => {
    if (rule.enableTcpReset)
      error([...lbPath, 'inboundNatRules', r, 'enableTcpReset'], 'TCP reset on idle is Standard only, not Basic');
  });
  return issues;
}
