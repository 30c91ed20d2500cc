/**
 * core/control: the records and messages through which the Ananta Manager configures Muxes and
 * Host Agents. Imports core/net and core/sim.
 */
export * from './control-channel.ts';
export * from './load-balancing-rule.ts';
export * from './snat.ts';
