/**
 * Start-up of the installed command: `lbsim --help` and `lbsim run` of a catalogue scenario,
 * each a whole process running the bundle `pnpm build` writes (packages/lbsim/bin/lbsim.js), as
 * a user's `lbsim` runs it. Wall time is what a user waits; CPU time (user + system of the
 * child, from the shell's `times`) is what holds on a shared machine, so both are reported.
 * The first run warms the file-system cache and is not counted; the median of the rest is.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Figure } from './figure.ts';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'packages/lbsim/bin/lbsim.js');

/** One run's wall and CPU seconds. */
interface Timing {
  readonly wallS: number;
  readonly cpuS: number;
}

/** Seconds in the shell's `times` format (`0m0.123s`). */
function parseShellSeconds(text: string): number {
  const match = /^(\d+)m([\d.]+)s$/.exec(text);
  return match === null ? Number.NaN : Number(match[1]) * 60 + Number(match[2]);
}

/** Runs `node <bin> <args>` once under `sh`, returning its wall time and its CPU time. */
function timeOnce(args: readonly string[]): Timing {
  const quoted = [process.execPath, bin, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
  const started = performance.now();
  const output = execFileSync('sh', ['-c', `${quoted} >/dev/null 2>&1; times`], { cwd: root, encoding: 'utf8' });
  const wallS = (performance.now() - started) / 1000;
  // `times` prints the shell's own user/system times, then its children's.
  const children = output.trim().split('\n').at(-1)?.split(/\s+/) ?? [];
  return { wallS, cpuS: parseShellSeconds(children[0] ?? '') + parseShellSeconds(children[1] ?? '') };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Median wall and CPU time of `lbsim <args>` over `runs` runs after one warm-up. */
function measureCommand(name: string, args: readonly string[], runs: number, targetS: number): Figure[] {
  timeOnce(args);
  const timings = Array.from({ length: runs }, () => timeOnce(args));
  const workload = `lbsim ${args.join(' ')}, median of ${runs}`;
  return [
    {
      name,
      workload,
      value: median(timings.map((t) => t.wallS)),
      unit: 's wall',
      target: { kind: 'at-most', value: targetS },
    },
    { name, workload, value: median(timings.map((t) => t.cpuS)), unit: 's CPU' },
  ];
}

/** The two start-up figures of issue 18 beside their targets (150 ms and 350 ms median wall). */
export function measureCli(scenario: string, runs: number): Figure[] {
  // Time the sources as they are now, not a bundle from an earlier build.
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build.ts')], { cwd: root, stdio: 'inherit' });
  return [
    ...measureCommand('lbsim --help', ['--help'], runs, 0.15),
    ...measureCommand('lbsim run', ['run', scenario], runs, 0.35),
  ];
}
