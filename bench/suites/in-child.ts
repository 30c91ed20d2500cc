/**
 * Starts a fresh process for one figure (bench/suites/child.ts) and returns what it printed.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const child = join(import.meta.dirname, 'child.ts');

/** Runs `child.ts <suite> <args>` under `node --expose-gc` and parses its last output line. */
export function inChild<T>(suite: string, args: readonly (string | number)[]): T {
  const output = execFileSync(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', child, suite, ...args.map(String)],
    { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(output.trim().split('\n').at(-1) ?? 'null') as T;
}
