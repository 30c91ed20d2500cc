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
import { median, type Timing, timeNodeProcess } from './process-time.ts';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'packages/lbsim/bin/lbsim.js');

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
  for (const command of commands) timeNodeProcess(command.words);
  const timings = commands.map((): Timing[] => []);
  for (let run = 0; run < runs; run += 1) {
    for (const [index, command] of commands.entries()) timings[index]?.push(timeNodeProcess(command.words));
  }
  return commands.flatMap((command, index) => figuresOf(command, timings[index] ?? []));
}
