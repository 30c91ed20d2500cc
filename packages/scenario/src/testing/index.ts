/**
 * @lbsim/scenario/testing: what users' property tests of whole runs need — an arbitrary of
 * small valid scenarios (topologies, load balancers, traffic), a one-call run that returns the
 * flows as both ends saw them, packet accounting and a trace digest, and each of those as a
 * trace sink of its own. Needs fast-check (a peer dependency: bring your own). Packet- and
 * Mux-level arbitraries are in `@lbsim/core/testing`. docs/testing.md shows them at work.
 *
 * The folder testing/ stands above the pipeline: it may import any stage and the entry points
 * (../load-scenario.ts, ../run-scenario.ts), and nothing in src/ imports it.
 */
export * from './flow-observer.ts';
export * from './packet-accounting.ts';
export * from './run-observed.ts';
export * from './scenario-arbitraries.ts';
export * from './trace-digest.ts';
