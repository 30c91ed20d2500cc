/**
 * The `lbsim` executable: real process I/O around {@link main}. An unexpected exception is a
 * bug in lbsim, reported as such (with the stack only when LBSIM_DEBUG is set).
 */
import { getHeapStatistics } from 'node:v8';
import { main } from './main.ts';

try {
  process.exitCode = await main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stderrIsTty: process.stderr.isTTY === true,
    stdoutIsTty: process.stdout.isTTY === true,
    stderrColumns: process.stderr.columns,
    heapLimitBytes: getHeapStatistics().heap_size_limit,
  });
} catch (error) {
  process.stderr.write(`lbsim: internal error: ${(error as Error).message}\n`);
  if (process.env['LBSIM_DEBUG'] !== undefined) process.stderr.write(`${(error as Error).stack}\n`);
  else process.stderr.write('This is a bug in lbsim; run again with LBSIM_DEBUG=1 for details and report it.\n');
  process.exitCode = 3;
}
