/**
 * The `lbsim` executable: real process I/O around {@link main}. An unexpected exception is a
 * bug in lbsim, reported as such (with the stack only when LBSIM_DEBUG is set).
 *
 * A reader that closes standard output early (`lbsim run … --trace | head`, `lbsim schema |
 * head`) ends the output quietly: the rest of the run still happens (captures and reports are
 * still written), and the exit code is 0 unless something failed (2). The verdict (1, an
 * expectation not met) is not reported to a reader that stopped reading.
 */
import { getHeapStatistics } from 'node:v8';
import { processIo } from './io.ts';
import { main } from './main.ts';

const { io, stdoutClosed } = processIo();
// On exit, not after main: a large last write may find the pipe closed only once it drains.
process.on('exit', () => {
  if (process.exitCode === 1 && stdoutClosed()) process.exitCode = 0;
});
// Not a top-level await: the bundle is CommonJS (scripts/build.ts), run with V8's code cache.
main(process.argv.slice(2), { ...io, heapLimitBytes: getHeapStatistics().heap_size_limit }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`lbsim: internal error: ${(error as Error).message}\n`);
    if (process.env['LBSIM_DEBUG'] !== undefined) process.stderr.write(`${(error as Error).stack}\n`);
    else process.stderr.write('This is a bug in lbsim; run again with LBSIM_DEBUG=1 for details and report it.\n');
    process.exitCode = 3;
  },
);
