/**
 * @lbsim/scenario: scenario files (schema, loader, validation), the builder, the runner,
 * expectations and explanations. `runScenario()` is the library API.
 */
export * from './build.ts';
export * from './describe-packet.ts';
export * from './diagnostic.ts';
export * from './did-you-mean.ts';
export * from './expectations.ts';
export * from './explain/explain-run.ts';
export * from './explain/explanation.ts';
export * from './explain/failure-modes.ts';
export { generalFixes } from './explain/general-fixes.ts';
export * from './json-schema.ts';
export * from './load.ts';
export * from './memory-budget.ts';
export * from './platform-settings.ts';
export * from './run.ts';
export * from './run-result.ts';
export * from './run-stop.ts';
// Building blocks of runScenario(), for driving a world step by step (invariant checks mid-run).
export { scheduleEvents } from './scenario-events.ts';
export * from './schema/platform.ts';
export * from './schema/scenario.ts';
export * from './topology.ts';
export * from './topology-names.ts';
export { type StartedConnection, scheduleTraffic } from './traffic-generator.ts';
