/**
 * core/net: addresses, protocol numbers, immutable packet records, the 5-tuple and the flow
 * hash. Imports nothing.
 */
export * from './azure-platform-address.ts';
export * from './five-tuple.ts';
export * from './flow-hash.ts';
export * from './flow-index.ts';
export * from './flow-map.ts';
export * from './index-queues.ts';
export * from './ip-in-ip.ts';
export * from './ip-protocol.ts';
export * from './ipv4-address.ts';
export * from './ipv4-prefix.ts';
export * from './packet.ts';
export * from './packet-size.ts';
export * from './rewrite.ts';
export * from './tcp-flags.ts';
