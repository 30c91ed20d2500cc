/**
 * Printing loader diagnostics, one line each.
 */
import { type Diagnostic, formatDiagnostic } from '@lbsim/scenario';
import { neutralizeControls } from './terminal-text.ts';

/** All diagnostics as lines, errors first, with no control character of the file's text left raw. */
export function formatDiagnostics(errors: readonly Diagnostic[], warnings: readonly Diagnostic[]): string {
  return [...errors, ...warnings].map((d) => `${neutralizeControls(formatDiagnostic(d))}\n`).join('');
}
