/**
 * The progress bar of long runs: virtual time against the scenario's duration, and events
 * run, on standard error. It appears only on a terminal and only once a run has taken about a
 * second of wall time, so short runs, pipes and CI logs stay clean. Wall-clock time is read
 * here, in the CLI, never by the simulation.
 *
 * The bar changes no terminal mode: it neither hides the cursor nor turns line wrap off (it is
 * cut to the terminal's width instead). A run is one synchronous loop, so a Ctrl-C kills the
 * process before any SIGINT handler could run; a mode set here would outlive it, leaving the
 * user's shell with no cursor and no line wrap.
 */
import { formatTimeNs, nsPerMs } from '@lbsim/core';
import cliProgress from 'cli-progress';

/** Wall time a run may take before the bar appears, ms. */
export const progressDelayMs = 1000;

/** Where and when the bar may draw. */
export interface ProgressOptions {
  /** Whether standard error is a terminal; nothing is drawn when it is not. */
  readonly isTty: boolean;
  /** Width of the terminal in columns, when known. */
  readonly columns: number | undefined;
  /** Writes to standard error. */
  readonly write: (text: string) => void;
  /** The wall clock, ms (injected so tests need no real time). */
  readonly nowMs: () => number;
  /** What the bar is doing, e.g. `simulating`. */
  readonly label: string;
}

/** A progress display for one run. */
export interface Progress {
  /** The kernel's progress callback: virtual time reached (ns) and events run. */
  readonly onProgress: (nowNs: number, eventsRun: number) => void;
  /** Removes the bar, if it was drawn; call when the run ends, however it ends. */
  readonly stop: () => void;
}

/**
 * A progress display for a run of `durationNs` of virtual time. The bar counts whole
 * milliseconds of virtual time, so its percentage is virtual time done.
 */
export function createProgress(durationNs: number, options: ProgressOptions): Progress {
  if (!options.isTty) return { onProgress: () => {}, stop: () => {} };
  const startedMs = options.nowMs();
  const totalMs = Math.max(1, Math.ceil(durationNs / nsPerMs));
  // Not `duration`: cli-progress fills that placeholder with elapsed wall time.
  const end = formatTimeNs(durationNs);
  let bar: cliProgress.SingleBar | undefined;
  // cli-progress draws on a stream; this one forwards to the CLI's standard error.
  const stream = {
    isTTY: true,
    columns: options.columns,
    write: (text: string) => {
      options.write(text);
      return true;
    },
  };
  return {
    onProgress: (nowNs, eventsRun) => {
      const payload = { virtual: formatTimeNs(nowNs), end, events: eventsRun };
      const value = Math.min(totalMs, Math.floor(nowNs / nsPerMs));
      if (bar !== undefined) {
        bar.update(value, payload);
        return;
      }
      if (options.nowMs() - startedMs < progressDelayMs) return;
      bar = new cliProgress.SingleBar(
        {
          format: `${options.label} [{bar}] {percentage}% | {virtual} of {end} s virtual | {events} events`,
          stream: stream as unknown as NodeJS.WritableStream,
          // Cursor shown, line wrap on: nothing to restore when Ctrl-C ends the run mid-bar.
          hideCursor: false,
          linewrap: true,
          clearOnComplete: true,
          barsize: 24,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(totalMs, value, payload);
    },
    stop: () => {
      bar?.stop();
      bar = undefined;
    },
  };
}
