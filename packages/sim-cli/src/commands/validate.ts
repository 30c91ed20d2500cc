/**
 * `lbsim validate <file>`: load and check a scenario without running it.
 */
import { errorCount, loadScenarioFile } from '@lbsim/scenario';
import { formatDiagnostics } from '../format/diagnostics.ts';
import type { CliIo, ExitCode } from '../io.ts';

/** Validates `file`; prints problems and warnings. Exit 0 when valid, 2 when not. */
export function validateCommand(file: string, io: CliIo): ExitCode {
  const loaded = loadScenarioFile(file, { heapLimitBytes: io.heapLimitBytes });
  if (!loaded.ok) {
    io.stderr(formatDiagnostics(loaded.errors, loaded.warnings));
    const count = errorCount(loaded.errors);
    io.stderr(`${file}: ${count} problem${count === 1 ? '' : 's'}\n`);
    return 2;
  }
  io.stderr(formatDiagnostics([], loaded.warnings));
  io.stdout(
    `${file}: valid scenario "${loaded.scenario.name}"${loaded.warnings.length > 0 ? ` (${loaded.warnings.length} warning${loaded.warnings.length === 1 ? '' : 's'})` : ''}\n`,
  );
  return 0;
}
