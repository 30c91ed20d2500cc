/**
 * core/stack: the endpoint TCP/UDP stack that Internet clients, guest VMs and Host Agent
 * probers share, and the small applications that run on it (HTTP, echo). Imports core/net,
 * core/wire and core/sim.
 */
export * from './echo-server.ts';
export * from './endpoint.ts';
export * from './exchange-outcome.ts';
export * from './fragment-buffer.ts';
export * from './ftp-exchange.ts';
export * from './ftp-server.ts';
export * from './http-message.ts';
export * from './http-proxy.ts';
export * from './http-server.ts';
export * from './internet-host.ts';
export * from './line-reader.ts';
export * from './rd-gateway-exchange.ts';
export * from './rd-gateway-server.ts';
export * from './sequence.ts';
export * from './tcp-config.ts';
export * from './tcp-connection.ts';
export * from './tcp-exchange.ts';
export * from './tcp-state.ts';
export * from './time-wait-records.ts';
export * from './tw-recycle.ts';
export * from './udp-exchange.ts';
