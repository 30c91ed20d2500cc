/**
 * `health` expectations: what the health probes said of DIPs (docs/mechanics.md §2.3).
 */

import type { ExpectationResult, HealthChangeRecord } from '../base/run-result.ts';
import type { Scenario } from '../schema/scenario.ts';
import { describeRange, type Range, within } from './expectation-range.ts';

type HealthMatcher = NonNullable<Scenario['expect'][number]['health']>;

/** A (probe, DIP) a Host Agent probed at the end of the run. */
export interface ProbedDip {
  /** `loadBalancer/probe`. */
  readonly probe: string;
  /** Dotted quad. */
  readonly dip: string;
  readonly vm: string;
}

/**
 * The verdict on a `health` expectation.
 * @param count with `to`: the range of changes (at least one when absent)
 * @param label the expectation's own description, or '' for the generated one
 */
export function evaluateHealthExpectation(
  health: HealthMatcher,
  count: Range | undefined,
  label: string,
  changes: readonly HealthChangeRecord[],
  probed: readonly ProbedDip[],
): ExpectationResult {
  const matches = (item: { readonly vm: string; readonly probe: string }) =>
    (health.vm === undefined || item.vm === health.vm) && (health.probe === undefined || item.probe === health.probe);
  const scope = `${health.vm ?? 'every probed DIP'}${health.probe === undefined ? '' : ` (${health.probe})`}`;
  if (health.to !== undefined) {
    const to = health.to;
    const range = count ?? { min: 1 };
    const changed = changes.filter((change) => matches(change) && change.to === to).length;
    return {
      description: label || `${scope}: probed ${to} ${describeRange(range, false)} times`,
      met: within(changed, range),
      actual: `${changed} change${changed === 1 ? '' : 's'} to ${to}`,
    };
  }
  const ends = health.ends as NonNullable<HealthMatcher['ends']>;
  const finals = probed.filter(matches).map((target) => {
    const mine = changes.filter((change) => change.probe === target.probe && change.dip === target.dip);
    return { ...target, state: mine.at(-1)?.to ?? 'unknown' };
  });
  return {
    description: label || `${scope}: ${ends} at the end`,
    met: finals.length > 0 && finals.every((final) => final.state === ends),
    actual:
      finals.length === 0
        ? 'no such DIP is probed'
        : finals.map((final) => `${final.dip} (${final.vm}) ${final.state}`).join(', '),
  };
}
