/**
 * @lbsim/core: what every other package builds on.
 *
 * - `net`: addresses, packet records, the 5-tuple, the flow hash (imports nothing);
 * - `wire`: bytes ⇄ records with real checksums, fragmentation (imports net);
 * - `sim`: the kernel, random streams, trace, fabric and router (imports net);
 * - `stack`: the endpoint TCP/UDP stack and apps (imports net, wire, sim);
 * - `control`: manager ⇄ Mux / Host Agent contracts (imports net, sim).
 */
export * from './control/index.ts';
export * from './net/index.ts';
export * from './sim/index.ts';
export * from './stack/index.ts';
export * from './wire/index.ts';
