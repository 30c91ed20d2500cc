/**
 * Settings lbsim accepts but does not simulate yet. The loader keeps them and says so, rather
 * than dropping them silently; each note disappears as the behaviour lands.
 */

import type { PathIssue } from '../base/path-issue.ts';
import type { Scenario } from '../schema/scenario.ts';

/** Warnings for settings present in `scenario` that the simulation does not model yet. */
export function notModelledWarnings(scenario: Scenario): PathIssue[] {
  const warnings: PathIssue[] = [];
  const warn = (path: (string | number)[], message: string) => warnings.push({ severity: 'warning', path, message });
  scenario.loadBalancers.forEach((lb, i) => {
    const path = ['loadBalancers', i];
    if (lb.sku === 'Basic') warn([...path, 'sku'], 'Basic SKU is retired; lbsim simulates Standard behaviour');
  });
  return warnings;
}
