/**
 * Runs `lbsim` in-process for the CLI tests: {@link main} with buffers for standard output and
 * standard error, standard error not a terminal unless `io` says otherwise.
 */
import type { CliIo } from '../src/io.ts';
import { main } from '../src/main.ts';

/** What one `lbsim` invocation printed, and its exit code. */
export interface LbsimOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `lbsim <argv…>` in-process, with the process details in `io` (terminal, widths, colour). */
export async function lbsimWith(argv: readonly string[], io: Partial<CliIo> = {}): Promise<LbsimOutcome> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stderrIsTty: false,
    ...io,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

/** `lbsim <argv…>` in-process, as from a pipe. */
export function lbsim(...argv: string[]): Promise<LbsimOutcome> {
  return lbsimWith(argv);
}
