/**
 * The messages between the playground page and its simulation worker. The page sends one
 * request per action; the worker answers each with messages carrying the request's `id`:
 * progress while it runs, then its results. Stopping a run is terminating the worker (a run is
 * one synchronous loop: nothing else can interrupt it), so no request asks for it.
 */
/** A scenario as the page holds it: its text and the name messages use for it. */
export interface ScenarioSource {
  /** `scenarios/<id>/<variant>.yaml` for a catalogue entry (as `lbsim run` names it), else `scenario.yaml`. */
  readonly file: string;
  readonly text: string;
}

/** What the page asks of the worker. */
export type WorkerRequest =
  | { readonly id: number; readonly kind: 'validate'; readonly source: ScenarioSource }
  | {
      readonly id: number;
      readonly kind: 'run';
      readonly source: ScenarioSource;
      /** Overrides the scenario's seed, as `lbsim run --seed`. */
      readonly seed: number | undefined;
      /** Also lay out and render the report's views after the results (default true). */
      readonly report: boolean;
    }
  | {
      readonly id: number;
      readonly kind: 'trace';
      readonly source: ScenarioSource;
      readonly seed: number | undefined;
      /** The connection whose packets to list, as `lbsim run --trace --connection <id> --no-probes`. */
      readonly connection: number;
    };

/** One problem or warning about the scenario, placed in its text. */
export interface DiagnosticView {
  readonly severity: 'error' | 'warning';
  /** 1-based line and column, when the problem has a place in the text. */
  readonly line: number | undefined;
  readonly column: number | undefined;
  /** The line `lbsim validate` prints for it: `file:line:col: error: …`. */
  readonly text: string;
}

/** One capture file of a run, named as `lbsim run --pcap` names it (`mux-1.pcapng`, `_all.pcapng`). */
export interface CaptureFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** A connection the trace can be filtered to. */
export interface ConnectionChoice {
  readonly id: number;
  /** e.g. `connection 3 (web): timed out`. */
  readonly label: string;
}

/** The results of a run: what `lbsim run` prints and writes. */
export interface RunOutputs {
  readonly seed: number;
  /** The summary `lbsim run` prints. */
  readonly summary: string;
  /** The explanations in full, as `lbsim explain` prints them. */
  readonly explanations: string;
  /** Whether every expectation was met (`lbsim run` exits 0). */
  readonly expectationsMet: boolean;
  /** Why the run stopped early, or `undefined` when it ran to its end. */
  readonly stopped: string | undefined;
  readonly connections: readonly ConnectionChoice[];
  /** `lbsim run --json`: the trace and the summary as JSON lines. */
  readonly json: string;
  /** `lbsim run --pcap <dir>`: one pcapng per vantage point and the merged `_all.pcapng`. */
  readonly captures: readonly CaptureFile[];
}

/** What the worker answers. */
export type WorkerResponse =
  | {
      readonly id: number;
      readonly kind: 'diagnostics';
      /** Errors first, then warnings, as `lbsim validate` lists them. */
      readonly diagnostics: readonly DiagnosticView[];
      readonly valid: boolean;
    }
  | {
      readonly id: number;
      readonly kind: 'progress';
      readonly phase: 'simulating' | 'report' | 'trace';
      /** Virtual time reached and the run's duration, ns. */
      readonly nowNs: number;
      readonly durationNs: number;
    }
  | { readonly id: number; readonly kind: 'result'; readonly outputs: RunOutputs }
  | { readonly id: number; readonly kind: 'report'; readonly html: string }
  | { readonly id: number; readonly kind: 'trace'; readonly text: string; readonly rows: number }
  | { readonly id: number; readonly kind: 'failed'; readonly message: string };
