/**
 * Printing loader diagnostics, one line each.
 */
import { type Diagnostic, formatDiagnostic } from '@lbsim/scenario';

/** All diagnostics as lines, errors first. */
export function formatDiagnostics(errors: readonly Diagnostic[], warnings: readonly Diagnostic[]): string {
  return [...errors, ...warnings].map((d) => `${formatDiagnostic(d)}\n`).join('');
}
