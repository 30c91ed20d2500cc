/**
 * @lbsim/mux: the Mux tier — VIP map, flow table, distribution hashing, backend selection
 * (Maglev, modulo, rendezvous), IP-in-IP encapsulation and stateless SNAT return entries.
 * Imports only @lbsim/core.
 */
export * from './backend-selector.ts';
export * from './backend-selector-cache.ts';
export * from './distribution-hash.ts';
export * from './flow-table.ts';
export * from './maglev.ts';
export * from './mux.ts';
export * from './remap-report.ts';
export * from './snat-range-map.ts';
export * from './vip-map.ts';
