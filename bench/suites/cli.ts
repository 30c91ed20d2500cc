/**
 * Start-up of the installed command: `lbsim --help` and `lbsim run` of a catalogue scenario,
 * each a whole process running the bundle `pnpm build` writes (packages/lbsim/bin/lbsim.js), as
 * a user's `lbsim` runs it. Wall time is what a user waits; CPU time (user + system of the
 * child, from the shell's `times`) is what holds on a shared machine, so both are reported.
 * The first run of each warms the file-system cache and is not counted; the median of the rest is.
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

/** Runs `node <words>` once under `sh`, returning its wall time and its CPU time. */
function timeOnce(words: readonly string[]): Timing {
  const quoted = [process.execPath, ...words].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
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

/** One command to time: its name in the results, the words after `node`, and its target. */
interface Command {
  readonly name: string;
  readonly workload: string;
  readonly words: readonly string[];
  readonly targetS?: number;
}

/** The median wall and CPU figures of `command` over its timings. */
function figuresOf(command: Command, timings: readonly Timing[]): Figure[] {
  const workload = `${command.workload}, median of ${timings.length}`;
  const target = command.targetS === undefined ? {} : { target: { kind: 'at-most' as const, value: command.targetS } };
  return [
    { name: command.name, workload, value: median(timings.map((t) => t.wallS)), unit: 's wall', ...target },
    { name: command.name, workload, value: median(timings.map((t) => t.cpuS)), unit: 's CPU' },
  ];
}

/**
 * The two start-up figures of issue 18 beside their targets (150 ms and 350 ms median wall), and
 * Node alone (`node -e 0`) for reference: on a shared machine every figure moves with the load,
 * and lbsim's share is what it adds to Node's. The commands run in turn (Node, help, run, Node,
 * help, run, …) so that a change of load falls on all three alike.
 */
export function measureCli(scenario: string, runs: number): Figure[] {
  // Time the sources as they are now, not a bundle from an earlier build.
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build.ts')], { cwd: root, stdio: 'inherit' });
  const commands: readonly Command[] = [
    { name: 'node alone', workload: 'node -e 0, for reference', words: ['-e', '0'] },
    { name: 'lbsim --help', workload: 'lbsim --help', words: [bin, '--help'], targetS: 0.15 },
    { name: 'lbsim run', workload: `lbsim run ${scenario}`, words: [bin, 'run', scenario], targetS: 0.35 },
  ];
  for (const command of commands) timeOnce(command.words);
  const timings = commands.map((): Timing[] => []);
  for (let run = 0; run < runs; run += 1) {
    for (const [index, command] of commands.entries()) timings[index]?.push(timeOnce(command.words));
  }
  return commands.flatMap((command, index) => figuresOf(command, timings[index] ?? []));
}
