/**
 * @lbsim/core/testing: fast-check arbitraries for users' property tests: addresses, 5-tuples and
 * packets (arbitraries.ts), and load-balancer configurations as Muxes see them
 * (load-balancer-arbitraries.ts), and run counts and property-test timeouts that follow the global setting (scaled-runs.ts). Needs fast-check (a peer dependency: bring your own).
 * Scenario-level arbitraries (topologies, whole scenarios) are in `@lbsim/scenario/testing`.
 */
export * from './arbitraries.ts';
export * from './load-balancer-arbitraries.ts';
export * from './scaled-runs.ts';
