/**
 * @lbsim/probe: the health-probe engine (probes from 168.63.129.16 of a Host Agent's own DIPs)
 * and the health state machine. Imports only @lbsim/core.
 */
export * from './health-state.ts';
export * from './probe-definition.ts';
export * from './probe-engine.ts';
