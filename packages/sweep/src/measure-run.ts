/**
 * Taking a sweep's measures from one run's result (@lbsim/scenario's RunResult): pure
 * arithmetic on what the run reported, so the same run always gives the same numbers.
 */
import type { RunResult } from '@lbsim/scenario';
import type { Measure } from './schema/sweep-file.ts';

/** Every measure of `result`, by name in the order given; null where the run gives none. */
export function measureRun(result: RunResult, measures: readonly Measure[]): Record<string, number | null> {
  const values: Record<string, number | null> = {};
  for (const measure of measures) values[measure.name] = measureOne(result, measure);
  return values;
}

function measureOne(result: RunResult, measure: Measure): number | null {
  if ('outcome' in measure) return outcomeMeasure(result, measure);
  if ('dipListChange' in measure) return remapMeasure(result, measure);
  if ('drops' in measure) return dropMeasure(result, measure);
  if ('snat' in measure) {
    const usages = result.snat.filter((usage) => measure.vm === undefined || usage.vm === measure.vm);
    return usages.reduce((sum, usage) => sum + usage[measure.snat], 0);
  }
  const expectation = result.expectations[measure.expectation - 1];
  return expectation === undefined ? null : expectation.met ? 1 : 0;
}

/**
 * Connections of a traffic item that ended in an outcome: their fraction of the connections
 * it started (null when it started none, or no item has that name), or their count.
 */
function outcomeMeasure(result: RunResult, measure: Extract<Measure, { outcome: string }>): number | null {
  const item = result.traffic.find((traffic) => traffic.name === measure.traffic);
  if (item === undefined) return null;
  const connections = result.connections.filter(
    (connection) =>
      connection.traffic === item.index &&
      (measure.mappedToSource === undefined || connection.mappedToSource === measure.mappedToSource),
  );
  const matching = connections.filter((connection) => connection.outcome === measure.outcome).length;
  if (measure.count) return matching;
  return connections.length === 0 ? null : matching / connections.length;
}

/** Sums over the run's DIP-list changes (of one rule); a fraction is null when no flow was tracked. */
function remapMeasure(result: RunResult, measure: Extract<Measure, { dipListChange: string }>): number | null {
  const changes = result.dipListChanges.filter((change) => measure.rule === undefined || change.rule === measure.rule);
  const flows = changes.reduce((sum, change) => sum + change.flows, 0);
  const remapped = changes.reduce((sum, change) => sum + change.remapped, 0);
  const onRemoved = changes.reduce((sum, change) => sum + change.onRemovedDips, 0);
  switch (measure.dipListChange) {
    case 'flows':
      return flows;
    case 'remapped':
      return remapped;
    case 'remapped-fraction':
      return flows === 0 ? null : remapped / flows;
    case 'on-removed-fraction':
      return flows === 0 ? null : onRemoved / flows;
  }
}

/** Dropped packets with a reason: at a node, of a traffic item's connections, or all. */
function dropMeasure(result: RunResult, measure: Extract<Measure, { drops: string }>): number | null {
  const atNode = (drop: { reason: string; node: string }) =>
    drop.reason === measure.drops && (measure.node === undefined || drop.node === measure.node);
  if (measure.traffic === undefined) {
    return result.drops.filter(atNode).reduce((sum, drop) => sum + drop.count, 0);
  }
  const item = result.traffic.find((traffic) => traffic.name === measure.traffic);
  if (item === undefined) return null;
  return item.drops.filter(atNode).reduce((sum, drop) => sum + drop.count, 0);
}
