/**
 * The editor's inline diagnostics: what `lbsim validate` says about the text, through the
 * same loader and formatter, so each message reads `file:line:col: error: …` as on the
 * command line.
 */
import { parseScenarioText } from '@lbsim/scenario';
import { formatDiagnostics } from '@lbsim/sim-cli/portable';
import type { DiagnosticView, ScenarioSource } from './worker-protocol.ts';

/** The diagnostics of `source`, errors first, and whether it is a valid scenario. */
export function validateScenarioText(source: ScenarioSource): {
  readonly diagnostics: readonly DiagnosticView[];
  readonly valid: boolean;
} {
  const loaded = parseScenarioText(source.text, source.file);
  const all = [...(loaded.ok ? [] : loaded.errors), ...loaded.warnings];
  return {
    diagnostics: all.map((diagnostic) => ({
      severity: diagnostic.severity,
      line: diagnostic.line,
      column: diagnostic.column,
      text: formatDiagnostics([diagnostic], []).trimEnd(),
    })),
    valid: loaded.ok,
  };
}
