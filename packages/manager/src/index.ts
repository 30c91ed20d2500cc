/**
 * @lbsim/manager: the Ananta Manager — configuration push, health relay and SNAT port
 * allocation. Imports only @lbsim/core.
 */
export * from './ananta-manager.ts';
export * from './snat-allocator.ts';
export * from './snat-port-pool.ts';
