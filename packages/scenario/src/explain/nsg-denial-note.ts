/**
 * An NSG denial's parts, so a fix can name the group and the rule to get ahead of. The Host
 * Agent traces the denial as a decision (core's trace-note.ts, `nsg-denied`: group, scope,
 * direction, rule, priority, whether it is a default rule), and the run keeps it beside the
 * drop's note; nothing here reads the note's text.
 */
import type { NsgDeniedDecision, TraceDecision } from '@lbsim/core';

/** The parts of an NSG denial: the Host Agent's `nsg-denied` decision. */
export type NsgDenial = NsgDeniedDecision;

/** The NSG denial a drop records, or `undefined` when the drop is not one. */
export function nsgDenialOf(drop: { readonly decision?: TraceDecision | undefined }): NsgDenial | undefined {
  const decision = drop.decision;
  return decision?.code === 'nsg-denied' ? decision : undefined;
}

/**
 * Where a new allow rule must go to win over `denial`: custom rules are processed by priority,
 * lower first, and every custom rule (100–4096) comes before the default rules (docs/mechanics.md
 * §2.3, [AZ-NSG]).
 */
export function allowPriorityAdvice(denial: NsgDenial): string {
  if (denial.isDefault) return `at any priority (100–4096): custom rules come before the default ${denial.rule}`;
  if (denial.priority <= 100) {
    return `and move ${denial.rule} to a higher number than it: nothing is processed before priority 100`;
  }
  const example = Math.max(100, denial.priority - 100);
  return `at a priority below ${denial.priority} (${denial.rule}), e.g. ${example}`;
}
