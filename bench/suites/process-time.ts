/**
 * The wall and CPU time of one whole process, for the suites that time the installed command
 * (cli.ts, sweep.ts). CPU time is user + system of the child (and its threads), from the
 * shell's `times`: it holds on a shared machine where wall time does not.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

/** One run's wall and CPU seconds. */
export interface Timing {
  readonly wallS: number;
  readonly cpuS: number;
}

/** Seconds in the shell's `times` format (`0m0.123s`). */
function parseShellSeconds(text: string): number {
  const match = /^(\d+)m([\d.]+)s$/.exec(text);
  return match === null ? Number.NaN : Number(match[1]) * 60 + Number(match[2]);
}

/** Runs `node <words>` once under `sh` in the repository root, returning its wall time and its CPU time. */
export function timeNodeProcess(words: readonly string[]): Timing {
  const quoted = [process.execPath, ...words].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
  const started = performance.now();
  const output = execFileSync('sh', ['-c', `${quoted} >/dev/null 2>&1; times`], { cwd: root, encoding: 'utf8' });
  const wallS = (performance.now() - started) / 1000;
  // `times` prints the shell's own user/system times, then its children's.
  const children = output.trim().split('\n').at(-1)?.split(/\s+/) ?? [];
  return { wallS, cpuS: parseShellSeconds(children[0] ?? '') + parseShellSeconds(children[1] ?? '') };
}

/** The median of `values` (the upper one of an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
