/**
 * core/sim: the virtual clock and event kernel, named random streams, the packet trace, the
 * fabric of links and the edge router. Imports only core/net.
 */
export * from './delay-lane.ts';
export * from './drop-reason.ts';
export * from './event-queue.ts';
export * from './fabric.ts';
export * from './kernel.ts';
export * from './packet-meta.ts';
export * from './random.ts';
export * from './router.ts';
export * from './text-order.ts';
export * from './time.ts';
export * from './trace.ts';
export * from './trace-note.ts';
