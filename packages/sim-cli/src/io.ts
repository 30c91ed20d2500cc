/**
 * Where the CLI reads and writes. `bin.ts` passes the real process; tests pass buffers, so
 * commands run in-process and their output can be checked.
 */

/** The CLI's view of its process. */
export interface CliIo {
  /** Writes to standard output (results). */
  readonly stdout: (text: string) => void;
  /** Writes to standard error (diagnostics, progress). */
  readonly stderr: (text: string) => void;
  /** Whether standard error is a terminal (progress bars only then). */
  readonly stderrIsTty: boolean;
  /** Whether standard output is a terminal: no bar while a trace streams to the same screen. */
  readonly stdoutIsTty?: boolean;
  /** Width of the standard-error terminal in columns, when known. */
  readonly stderrColumns?: number | undefined;
  /**
   * V8's heap size limit in bytes (`v8.getHeapStatistics().heap_size_limit`), read by bin.ts:
   * scenarios that cannot fit are refused and runs stop before they exhaust it
   * (@lbsim/scenario's memory-budget.ts). Absent in tests: the loader's default heap.
   */
  readonly heapLimitBytes?: number;
  /** The wall clock in ms, for the progress bar's delay (default `performance.now`). */
  readonly nowMs?: () => number;
}

/** An exit code: 0 expectations met, 1 not met, 2 bad input or a run that could not finish. */
export type ExitCode = 0 | 1 | 2;
