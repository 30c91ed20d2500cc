/**
 * Checks of network security groups that the schema cannot express ([AZ-NSG]): group names are
 * unique, rule names unique within a group, no two rules of a group share a direction and a
 * priority (Azure rejects that), associations name groups that exist, and the rule changes of
 * `events` keep all of this true at every step.
 */

import type { DocumentPath } from '../base/diagnostic.ts';
import { didYouMean } from '../base/did-you-mean.ts';
import type { PathIssue } from '../base/path-issue.ts';
import type { Scenario } from '../schema/scenario.ts';

interface RuleKey {
  readonly name: string;
  readonly direction: string;
  readonly priority: number;
}

/** Runs the checks; returns errors with document paths. */
export function validateSecurityGroups(scenario: Scenario): PathIssue[] {
  const issues: PathIssue[] = [];
  const error = (path: DocumentPath, message: string) => issues.push({ severity: 'error', path, message });
  const rulesByGroup = new Map<string, RuleKey[]>();

  scenario.networkSecurityGroups.forEach((group, g) => {
    const path = ['networkSecurityGroups', g];
    if (rulesByGroup.has(group.name)) error([...path, 'name'], `duplicate network security group "${group.name}"`);
    const rules: RuleKey[] = [];
    group.securityRules.forEach((rule, r) => {
      const clash = ruleClash(rules, rule);
      if (clash !== undefined) error([...path, 'securityRules', r, clash.field], clash.message);
      rules.push(rule);
    });
    rulesByGroup.set(group.name, rules);
  });

  const groupNames = [...rulesByGroup.keys()];
  const checkReference = (name: string | undefined, path: DocumentPath) => {
    if (name !== undefined && !rulesByGroup.has(name)) {
      error(path, `unknown network security group "${name}"${didYouMean(name, groupNames)}`);
    }
  };
  for (const [s, subnet] of (scenario.virtualNetwork?.subnets ?? []).entries()) {
    checkReference(subnet.networkSecurityGroup, ['virtualNetwork', 'subnets', s, 'networkSecurityGroup']);
  }
  for (const [h, host] of scenario.hosts.entries()) {
    for (const [v, vm] of host.vms.entries()) {
      for (const [n, nic] of vm.nics.entries()) {
        checkReference(nic.networkSecurityGroup, ['hosts', h, 'vms', v, 'nics', n, 'networkSecurityGroup']);
      }
    }
  }

  // Rule changes apply in time order (ties in file order, as the kernel runs them).
  const changes = scenario.events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => a.event.at - b.event.at || a.index - b.index);
  for (const { event, index } of changes) {
    if (event.action !== 'set-security-rule' && event.action !== 'delete-security-rule') continue;
    const path = ['events', index];
    const rules = rulesByGroup.get(event.networkSecurityGroup);
    if (rules === undefined) {
      checkReference(event.networkSecurityGroup, [...path, 'networkSecurityGroup']);
      continue;
    }
    if (event.action === 'delete-security-rule') {
      const at = rules.findIndex((rule) => rule.name === event.name);
      if (at === -1) {
        error(
          [...path, 'name'],
          `network security group "${event.networkSecurityGroup}" has no rule "${event.name}" at this point${didYouMean(
            event.name,
            rules.map((rule) => rule.name),
          )}`,
        );
      } else {
        rules.splice(at, 1);
      }
      continue;
    }
    const others = rules.filter((rule) => rule.name !== event.rule.name);
    const clash = ruleClash(others, event.rule);
    if (clash !== undefined) error([...path, 'rule', clash.field], clash.message);
    rulesByGroup.set(event.networkSecurityGroup, [...others, event.rule]);
  }
  return issues;
}

function ruleClash(existing: readonly RuleKey[], rule: RuleKey): { field: string; message: string } | undefined {
  if (existing.some((other) => other.name === rule.name)) {
    return { field: 'name', message: `duplicate security rule name "${rule.name}"` };
  }
  const same = existing.find((other) => other.direction === rule.direction && other.priority === rule.priority);
  if (same !== undefined) {
    return {
      field: 'priority',
      message: `rule "${same.name}" already has ${rule.direction} priority ${rule.priority}; two rules of a group cannot share a direction and a priority`,
    };
  }
  return undefined;
}
