/**
 * `lbsim explain <file | catalogue id>`: run a scenario and tell, in full, why each failure
 * happened — what the client saw, the packet and node where it went wrong, the catalogue's
 * failure mode and the configuration change that fixes it (docs/architecture.md#what-a-run-produces).
 */
import { formatTimeNs } from '@lbsim/core';
import { loadScenarioFile, runScenario, shortStopReason } from '@lbsim/scenario';
import { resolveScenario } from '../catalogue/resolve-scenario.ts';
import { formatDiagnostics } from '../format/diagnostics.ts';
import { formatExplanations } from '../format/explanations.ts';
import { terminalText } from '../format/terminal-text.ts';
import type { CliIo, ExitCode } from '../io.ts';

/** Options of `lbsim explain`. */
export interface ExplainCommandOptions {
  /** A scenario file, or a catalogue id (`tw-recycle`, `tw-recycle/fixed`, `basic-public-lb`). */
  readonly scenario: string;
  /** The catalogue directory ids are looked up in (default `scenarios`). */
  readonly catalogue: string;
  /** Overrides the scenario's seed. */
  readonly seed: number | undefined;
}

/**
 * Runs the scenario and prints its explanations. Exit 0 when it ran (whether or not its
 * expectations are met: explaining is the point), 2 on bad input or a run that exhausted its
 * event budget.
 */
export function explainCommand(options: ExplainCommandOptions, io: CliIo): ExitCode {
  const resolved = resolveScenario(options.scenario, options.catalogue);
  if (!resolved.ok) {
    io.stderr(`lbsim: ${resolved.error}\n`);
    return 2;
  }
  const loaded = loadScenarioFile(resolved.path, { heapLimitBytes: io.heapLimitBytes });
  if (!loaded.ok) {
    io.stderr(formatDiagnostics(loaded.errors, loaded.warnings));
    return 2;
  }
  io.stderr(formatDiagnostics([], loaded.warnings));
  const result = runScenario(loaded.scenario, {
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(io.heapLimitBytes === undefined ? {} : { heapLimitBytes: io.heapLimitBytes }),
  });
  io.stdout(terminalText(formatExplanations(result, resolved.path), io.stdoutColumns));
  if (result.status.kind !== 'completed') {
    io.stderr(
      `${resolved.path}: the run stopped at ${formatTimeNs(result.status.atNs)} s after ${result.status.eventsRun} events (${shortStopReason(result.status)}), so these explanations cover only that part\n`,
    );
    return 2;
  }
  return 0;
}
