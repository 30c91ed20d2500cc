/**
 * Expectations: turning the scenario's `expect` list into verdicts.
 *
 * The folder expect/ takes a run's facts (base/run-result.ts) and the scenario's `expect`
 * list and gives met / not met with what was measured; it never looks at the world.
 */

import type {
  ConnectionSummary,
  DipListChange,
  DropCount,
  ExpectationResult,
  HealthChangeRecord,
  TrafficSummary,
} from '../base/run-result.ts';
import type { Scenario } from '../schema/scenario.ts';
import { describeRange, within } from './expectation-range.ts';
import { evaluateHealthExpectation, type ProbedDip } from './health-expectation.ts';

type Expectation = Scenario['expect'][number];

/** What a run showed, as expectations look at it. */
export interface RunFacts {
  readonly traffic: readonly TrafficSummary[];
  /** Every drop of the run by reason and node (for `drops` without `traffic`). */
  readonly drops: readonly DropCount[];
  readonly dipListChanges: readonly DipListChange[];
  /** Every connection (for outcomes counted with `mappedToSource`). */
  readonly connections: readonly ConnectionSummary[];
  readonly healthChanges: readonly HealthChangeRecord[];
  /** The (probe, DIP)s probed at the end of the run. */
  readonly probedDips: readonly ProbedDip[];
}
/** Evaluates every expectation of `scenario` against what the run showed. */
export function evaluateExpectations(scenario: Scenario, facts: RunFacts): ExpectationResult[] {
  return scenario.expect.map((expectation) => evaluate(expectation, scenario, facts));
}

function evaluate(expectation: Expectation, scenario: Scenario, facts: RunFacts): ExpectationResult {
  const { traffic, drops: runDrops, dipListChanges, connections } = facts;
  const index =
    expectation.traffic === undefined
      ? -1
      : typeof expectation.traffic === 'number'
        ? expectation.traffic
        : scenario.traffic.findIndex((item, i) => (item.name ?? `traffic-${i}`) === expectation.traffic);
  const label = expectation.description ?? '';
  if (expectation.health !== undefined) {
    return evaluateHealthExpectation(
      expectation.health,
      expectation.count,
      label,
      facts.healthChanges,
      facts.probedDips,
    );
  }
  if (expectation.remapped !== undefined) {
    const rule = expectation.remapped.rule;
    const changes = dipListChanges.filter((change) => rule === undefined || change.rule === rule);
    const flows = changes.reduce((sum, change) => sum + change.flows, 0);
    const remapped = changes.reduce((sum, change) => sum + change.remapped, 0);
    const fraction = flows === 0 ? 0 : remapped / flows;
    const range = expectation.fraction ?? {};
    return {
      description:
        label ||
        `${describeRange(range, true)} of tracked flows remapped by DIP-list changes${rule === undefined ? '' : ` of ${rule}`}`,
      met: flows > 0 && within(fraction, range),
      actual: `${remapped}/${flows} remapped (${Math.round(fraction * 1000) / 10}%)`,
    };
  }
  if (expectation.drops !== undefined) {
    const { reason, node } = expectation.drops;
    const pool = index === -1 ? runDrops : ((traffic[index] as TrafficSummary).drops ?? []);
    const count = pool
      .filter((drop) => drop.reason === reason && (node === undefined || drop.node === node))
      .reduce((sum, drop) => sum + drop.count, 0);
    const range = expectation.count ?? { min: 1 };
    const scope = index === -1 ? 'packets' : `${(traffic[index] as TrafficSummary).name} packets`;
    return {
      description:
        label ||
        `${describeRange(range, false)} ${scope} dropped for ${reason}${node === undefined ? '' : ` at ${node}`}`,
      met: within(count, range),
      actual: `${count} dropped`,
    };
  }
  const summary = traffic[index] as TrafficSummary;
  if (expectation.dipsServed !== undefined) {
    // Served is what the guest did (accepted a connection), not what a Mux chose.
    const served = summary.dips.length;
    const sentTo = new Set([...summary.dips, ...summary.dipsRefused, ...summary.dipsUnanswered].map(([dip]) => dip));
    const others = sentTo.size - served;
    const dips = `${others} DIP${others === 1 ? '' : 's'}`;
    const aside =
      others === 0
        ? ''
        : served === 0
          ? `; the Muxes sent it to ${dips}, whose guests refused it or never answered`
          : `; the Muxes also sent it to ${dips} whose guest${others === 1 ? '' : 's'} refused it or never answered`;
    return {
      description: label || `${summary.name}: served by ${describeRange(expectation.dipsServed, false)} DIPs`,
      met: within(served, expectation.dipsServed),
      actual: `${served} DIP${served === 1 ? '' : 's'} served it${aside}`,
    };
  }
  const outcome = expectation.outcome as NonNullable<Expectation['outcome']>;
  const selfMapped = expectation.mappedToSource;
  const considered =
    selfMapped === undefined
      ? undefined
      : connections.filter((c) => c.traffic === summary.index && c.mappedToSource === selfMapped);
  const count =
    considered === undefined
      ? (summary.outcomes.find(([name]) => name === outcome)?.[1] ?? 0)
      : considered.filter((c) => c.outcome === outcome).length;
  const total = considered === undefined ? summary.started : considered.length;
  const fraction = total === 0 ? 0 : count / total;
  const actual = `${count}/${total} ${outcome} (${Math.round(fraction * 1000) / 10}%)`;
  const scope =
    selfMapped === undefined
      ? summary.name
      : `${summary.name} (${selfMapped ? 'mapped back to their source' : 'mapped to another VM'})`;
  if (expectation.count !== undefined) {
    return {
      description: label || `${scope}: ${describeRange(expectation.count, false)} connections ${outcome}`,
      met: within(count, expectation.count),
      actual,
    };
  }
  const range = expectation.fraction ?? { min: 1, max: 1 };
  const all = range.min === 1 && range.max === 1;
  return {
    description:
      label || `${scope}: ${all ? 'every connection' : `${describeRange(range, true)} of connections`} ${outcome}`,
    met: total > 0 && within(fraction, range),
    actual,
  };
}
