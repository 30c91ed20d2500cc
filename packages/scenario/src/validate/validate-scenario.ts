/**
 * The validate stage: a scenario that fits the schema → every problem the schema alone cannot
 * see, as {@link PathIssue}s (errors and warnings, by place in the document):
 *
 * - references.ts: names that must exist (pools, probes, frontends, VMs, NICs, security
 *   groups), and through it address placement, Azure's reserved addresses, events, guests,
 *   outbound rules and security groups (the other files of this folder);
 * - work.ts: backend tables and connections beyond what a run can build or hold;
 * - basic-sku.ts: what a Basic load balancer cannot have (errors) and its retirement (a
 *   warning).
 *
 * It takes the document's shape from schema/ and names from model/, and gives its issues to
 * the loader (../load-scenario.ts), which places them at their line and column.
 */

import type { PathIssue } from '../base/path-issue.ts';
import type { WorkLimits } from '../load/load.ts';
import type { Scenario } from '../schema/scenario.ts';
import { validateBasicSku } from './basic-sku.ts';
import { validateReferences } from './references.ts';
import { validateWork } from './work.ts';

/** Every semantic problem of `scenario`, in the order the loader has always listed them. */
export function validateScenario(scenario: Scenario, limits: WorkLimits = {}): PathIssue[] {
  return [...validateReferences(scenario), ...validateWork(scenario, limits), ...validateBasicSku(scenario)];
}
