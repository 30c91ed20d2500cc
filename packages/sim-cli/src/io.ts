/**
 * Where the CLI reads and writes. `bin.ts` passes the real process ({@link processIo}); tests
 * pass buffers, so commands run in-process and their output can be checked.
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
   * Width text output is wrapped to, in columns, or `undefined` to leave lines as they are:
   * the terminal's width when standard output is one, else `COLUMNS` when set (see
   * {@link outputWidthOf}).
   */
  readonly stdoutColumns?: number | undefined;
  /**
   * V8's heap size limit in bytes (`v8.getHeapStatistics().heap_size_limit`), read by bin.ts:
   * scenarios that cannot fit are refused and runs stop before they exhaust it
   * (@lbsim/scenario's memory-budget.ts). Absent in tests: the loader's default heap.
   */
  readonly heapLimitBytes?: number;
  /** The wall clock in ms, for the progress bar's delay (default `performance.now`). */
  readonly nowMs?: () => number;
  /**
   * Whether the environment allows colour on standard output ({@link colourAllowed}); absent
   * means no. `--color` / `--no-color` override it.
   */
  readonly colour?: boolean;
}

/**
 * Whether text on standard output may be coloured: only on a terminal, never when `NO_COLOR`
 * is set to anything but the empty string (the no-color.org convention) or `TERM` is `dumb`.
 */
export function colourAllowed(
  stdoutIsTty: boolean,
  environment: Readonly<Record<string, string | undefined>>,
): boolean {
  const noColour = environment['NO_COLOR'];
  return stdoutIsTty && (noColour === undefined || noColour === '') && environment['TERM'] !== 'dumb';
}

/** An exit code: 0 expectations met, 1 not met, 2 bad input or a run that could not finish. */
export type ExitCode = 0 | 1 | 2;

/** The part of a Node stream the CLI writes through. */
export interface OutputStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly writable: boolean;
  write(text: string): boolean;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** The real process behind {@link CliIo}, and whether a reader closed standard output early. */
export interface ProcessIo {
  readonly io: CliIo;
  /** Whether standard output's reader went away (`lbsim run … --trace | head`). */
  readonly stdoutClosed: () => boolean;
}

/** Whether `error` says the reading end of a pipe is gone. */
function isClosedPipe(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/**
 * A writer to `stream` that, once its reader has gone away (EPIPE), stops writing quietly
 * instead of letting Node throw the stream's `error` event as an uncaught exception. Any other
 * write error (a full disk) goes to `onFailure`.
 */
function quietWhenClosed(
  stream: OutputStream,
  onFailure: (error: Error) => void,
): { write: (text: string) => void; closed: () => boolean } {
  let closed = false;
  stream.on('error', (error) => {
    if (isClosedPipe(error)) closed = true;
    else onFailure(error);
  });
  return {
    write: (text) => {
      // A failed write marks the stream unwritable at once; its `error` event comes later.
      if (closed || !stream.writable) {
        closed = true;
        return;
      }
      stream.write(text);
    },
    closed: () => closed || !stream.writable,
  };
}

/**
 * The width text output is wrapped to: a terminal's own width when standard output is one
 * (`COLUMNS` when the terminal does not tell), else `COLUMNS` when set to a positive integer,
 * else `undefined`: lines in a pipe or file stay whole, one record per line for grep and diff.
 */
export function outputWidthOf(
  isTty: boolean,
  terminalColumns: number | undefined,
  environmentColumns: string | undefined,
): number | undefined {
  const fromEnvironment = Number(environmentColumns);
  const environment = Number.isInteger(fromEnvironment) && fromEnvironment > 0 ? fromEnvironment : undefined;
  if (isTty && terminalColumns !== undefined && terminalColumns > 0) return terminalColumns;
  return environment;
}

/**
 * The CLI's view of the real process: `process.stdout` and `process.stderr`. A write error
 * other than a closed pipe is reported on standard error in one line and sets exit code 2.
 */
export function processIo(
  stdout: OutputStream = process.stdout,
  stderr: OutputStream = process.stderr,
  environment: NodeJS.ProcessEnv = process.env,
): ProcessIo {
  const out = quietWhenClosed(stdout, (error) => {
    stderr.write(`lbsim: cannot write standard output: ${error.message}\n`);
    process.exitCode = 2;
  });
  const err = quietWhenClosed(stderr, () => {
    process.exitCode = 2;
  });
  return {
    io: {
      stdout: out.write,
      stderr: err.write,
      stderrIsTty: stderr.isTTY === true,
      stdoutIsTty: stdout.isTTY === true,
      stderrColumns: stderr.columns,
      stdoutColumns: outputWidthOf(stdout.isTTY === true, stdout.columns, environment['COLUMNS']),
      colour: colourAllowed(stdout.isTTY === true, environment),
    },
    stdoutClosed: out.closed,
  };
}
