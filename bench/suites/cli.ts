/**
 * CLI wall time: `lbsim run` of a catalogue scenario, including process start and the
 * TypeScript loader (tsx), as a user runs it. The median of several runs; the first run
 * warms the file-system cache and is not counted.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Figure } from './figure.ts';

const root = join(import.meta.dirname, '..', '..');

/** Median wall time of `node --import tsx packages/sim-cli/src/bin.ts run <scenario>`. */
export function measureCli(scenario: string, runs: number): Figure[] {
  const args = ['--import', 'tsx', join(root, 'packages/sim-cli/src/bin.ts'), 'run', join(root, scenario)];
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    execFileSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
    if (i > 0) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] as number;
  return [
    {
      name: 'lbsim run',
      workload: `${scenario}, median of ${runs}`,
      value: median / 1000,
      unit: 's wall',
      target: { kind: 'at-most', value: 0.5 },
    },
  ];
}
