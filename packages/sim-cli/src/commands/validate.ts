/**
 * `lbsim validate <file>`: load and check a scenario without running it. Its diagnostics are
 * its result, so they go to standard output, as tsc's and eslint's do: `lbsim validate f.yaml
 * > problems.txt` captures them. (`run` and `explain` print the same diagnostics on standard
 * error, apart from their results.)
 */
import { errorCount, loadScenarioFile } from '@lbsim/scenario';
import { formatDiagnostics } from '../format/diagnostics.ts';
import { neutralizeControls } from '../format/terminal-text.ts';
import type { CliIo, ExitCode } from '../io.ts';

/** Validates `file`; prints problems and warnings on standard output. Exit 0 when valid, 2 when not. */
export function validateCommand(file: string, io: CliIo): ExitCode {
  const loaded = loadScenarioFile(file, { heapLimitBytes: io.heapLimitBytes });
  if (!loaded.ok) {
    io.stdout(formatDiagnostics(loaded.errors, loaded.warnings));
    const count = errorCount(loaded.errors);
    io.stdout(neutralizeControls(`${file}: ${count} problem${count === 1 ? '' : 's'}\n`));
    return 2;
  }
  io.stdout(formatDiagnostics([], loaded.warnings));
  io.stdout(
    neutralizeControls(
      `${file}: valid scenario "${loaded.scenario.name}"${loaded.warnings.length > 0 ? ` (${loaded.warnings.length} warning${loaded.warnings.length === 1 ? '' : 's'})` : ''}\n`,
    ),
  );
  return 0;
}
