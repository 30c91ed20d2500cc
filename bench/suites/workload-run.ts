/**
 * What one whole-simulation workload measured in its own process: the figures `pnpm bench`
 * derives packet-hops and events per CPU-second from, and the ratios of interleaved runs.
 */

/** One run of a workload, as its child process prints it (one JSON line). */
export interface WorkloadRun {
  /** CPU time (user + system) of the event loop alone, ms: building the world is not counted. */
  readonly cpuMs: number;
  /** Wall time of the same span, ms. */
  readonly wallMs: number;
  /** Packets crossing one link: the fabric's `receive` events. */
  readonly packetHops: number;
  /** Kernel events run. */
  readonly events: number;
  /** How many exchanges (connections, UDP flows) completed, and how many were started. */
  readonly completed: number;
  readonly started: number;
  /** Heap used, sampled every 65,536 events (garbage not yet collected counts). */
  readonly peakHeapBytes: number;
  /** The child's maximum resident set size (`getrusage`), bytes. */
  readonly maxRssBytes: number;
}

/** Which lbsim sources a workload runs: a checkout's root directory with its dependencies installed. */
export type SourceRoot = string;
