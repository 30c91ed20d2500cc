/**
 * @lbsim/scenario: scenario files (schema, loader, validation), the builder, the runner,
 * expectations and explanations. `runScenario()` is the library API.
 */

export * from './base/diagnostic.ts';
export * from './base/did-you-mean.ts';
export * from './base/explanation.ts';
export * from './base/failure-modes.ts';
export * from './base/load-balancer-metrics.ts';
export type { PathIssue } from './base/path-issue.ts';
export * from './base/run-result.ts';
export * from './build/build.ts';
export * from './build/topology.ts';
export * from './expect/expectations.ts';
export * from './explain/explain-run.ts';
export { generalFixes } from './explain/general-fixes.ts';
export { errorCount, type LoadResult, maxErrors, maxScenarioBytes } from './load/load.ts';
export * from './load-scenario.ts';
export { metricBinNs, metricBinWidthNs } from './metrics/compute-metrics.ts';
export * from './metrics/metric-catalogue.ts';
export { dataPathSampleIntervalNs } from './metrics/metrics-recorder.ts';
export { flowLogRuleName } from './metrics/nsg-flow-log.ts';
export * from './model/memory-budget.ts';
export * from './model/topology-names.ts';
export * from './run/describe-packet.ts';
export * from './run/nsg-flow-verdicts.ts';
export * from './run/platform-settings.ts';
export * from './run/run-stop.ts';
// Building blocks of runScenario(), for driving a world step by step (invariant checks mid-run).
export { scheduleEvents } from './run/scenario-events.ts';
export { type StartedConnection, scheduleTraffic } from './run/traffic-generator.ts';
export * from './run-scenario.ts';
export * from './schema/json-schema.ts';
export * from './schema/platform.ts';
export * from './schema/scenario.ts';
