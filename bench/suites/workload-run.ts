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
  /** The warm-up curve (see {@link WarmUp}): the UDP workload's, sampled every {@link warmUpSampleEvents} events; the TCP workload's and the scale runs', every 65,536. */
  readonly warmUp?: WarmUp;
}

/**
 * Where a run's packet-hops per CPU-second come from: the rate over its first and its last
 * tenth of hops. The first tenth runs while V8 interprets and compiles the data path; the last
 * is the steady state of optimised code. The TCP workload's first tenth also holds building
 * the world, which its figures count (they time `runScenario` whole).
 */
export interface WarmUp {
  /** Packet-hops per CPU-second over the first 10 % of the run's hops (at least). */
  readonly firstTenthHopsPerCpuS: number;
  /** Packet-hops per CPU-second over the last 10 % of the run's hops (at least). */
  readonly lastTenthHopsPerCpuS: number;
  /** CPU ms the first tenth took. */
  readonly firstTenthCpuMs: number;
}

/** Events between two samples of the warm-up curve. */
export const warmUpSampleEvents = 4096;

/** Which lbsim sources a workload runs: a checkout's root directory with its dependencies installed. */
export type SourceRoot = string;
