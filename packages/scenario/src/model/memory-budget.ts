/**
 * How much a run may hold, from the heap the process has.
 *
 * A run keeps a record of every connection it started (its result, path and drops, for the
 * summary) and an event for every pending timer and packet in flight. Both grow with the
 * scenario, not with the event budget: ten million connections a microsecond apart exhaust a
 * 4 GB heap long before fifty million events have run, and V8 then ends the process with a
 * fatal error instead of a message. The loader refuses what cannot fit (validate/work.ts), and
 * the run stops with `state-limit-reached` if it grows past these bounds anyway.
 *
 * The figures are measured, rounded up: the million-connection scale run peaks at 3.3 GiB
 * resident with about 240,000 connections live at once (docs/performance.md), about 2.5 KB per
 * connection; a pending event with its closure is about 200 bytes.
 */

/** Heap bytes one connection of a run costs, live or ended (its record, path and flow state). */
export const bytesPerConnection = 2_500;
/** Heap bytes one pending event costs with its closure. */
export const bytesPerPendingEvent = 200;
/**
 * Heap bytes loading takes per byte of the scenario file (yaml's syntax tree, document and
 * data, then the schema's copy): a 3.9 MB file needs between 256 and 384 MiB of heap.
 */
export const heapBytesPerScenarioByte = 100;
/** Heap assumed when none is given (library use): Node's default limit on a 64-bit machine with 16 GB or more. */
export const defaultHeapLimitBytes = 4 * 2 ** 30;

/** What a run may hold at once. */
export interface RunLimits {
  /** Most connections the run may start (each is kept until the summary is made). */
  readonly maxConnections: number;
  /** Most events pending at once. */
  readonly maxPendingEvents: number;
}

/**
 * The bounds of a run in a heap of `heapLimitBytes` (V8's `heap_size_limit`, read by the
 * CLI; {@link defaultHeapLimitBytes} when `undefined`): each bound alone keeps its kind of
 * state within the heap; the loader's estimate (validate/work.ts) refuses most scenarios that
 * would reach one before they start.
 */
export function runLimitsFor(heapLimitBytes: number | undefined): RunLimits {
  const heap = heapLimitBytes ?? defaultHeapLimitBytes;
  return {
    maxConnections: Math.max(1, Math.floor(heap / bytesPerConnection)),
    maxPendingEvents: Math.max(1, Math.floor(heap / bytesPerPendingEvent)),
  };
}
