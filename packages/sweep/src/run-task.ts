/**
 * What one run of a sweep is, as it travels to a worker (a thread or a queue job), and what
 * comes back. Both are plain JSON data, so every engine carries them the same way.
 */
import type { Measure } from './schema/sweep-file.ts';

/** One run: a grid point's scenario (JSON text, parameters applied) with one seed. */
export interface RunTask {
  /** The run's place in the sweep, from 0: grid point × seeds + the seed's place. */
  readonly run: number;
  /** The grid point, from 0. */
  readonly point: number;
  readonly seed: number;
  /** The grid point's parameter values, by parameter name, in the sweep file's order. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The scenario document with the point's parameters applied, as JSON text (a YAML document too). */
  readonly scenarioText: string;
  readonly measures: readonly Measure[];
}

/** What one run gave: the task's place and parameters, the run's status, and each measure. */
export interface RunRecord {
  readonly run: number;
  readonly point: number;
  readonly seed: number;
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The run's status: `completed`, or why it stopped early (event budget, state limit). */
  readonly status: string;
  /** Whether the scenario's own expectations were met. */
  readonly expectationsMet: boolean;
  /** Each measure by name, in the sweep file's order; null when the run gives none. */
  readonly measures: Readonly<Record<string, number | null>>;
}
