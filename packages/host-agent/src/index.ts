/**
 * @lbsim/host-agent: the Host Agent (decapsulation, NAT, outbound SNAT, NSGs, MSS clamp, DSR) and the guest VM
 * model (addresses, host model, routing). Imports only @lbsim/core.
 */
export * from './address-space.ts';
export * from './fragment-nat.ts';
export * from './guest-addressing.ts';
export * from './guest-firewall.ts';
export * from './guest-routes.ts';
export * from './guest-vm.ts';
export * from './hairpin.ts';
export * from './host-agent.ts';
export * from './icmp-nat.ts';
export * from './mss-clamp.ts';
export * from './nat-table.ts';
export * from './network-security-group.ts';
export * from './nic-security.ts';
export * from './nic-source-check.ts';
export * from './nsg-flow-records.ts';
export * from './outbound-snat.ts';
export * from './snat-flow-table.ts';
export * from './snat-metrics.ts';
export * from './snat-port-ledger.ts';
