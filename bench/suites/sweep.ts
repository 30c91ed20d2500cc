/**
 * Sweep speed-up on this machine's cores (issue 21): `lbsim sweep` of 1,000 runs (the bundle,
 * a whole process each) with one worker thread and with two. The two counts are run in turn,
 * one pair after another, so that load from elsewhere on a shared machine falls on both alike;
 * the speed-up is the median of the pairs' wall-time ratios. CPU time (user + system of the
 * process and its threads, from the shell's `times`) is reported beside wall time: two threads
 * cost about the same CPU as one, and finish sooner only when a second core is free.
 */
import { join } from 'node:path';
import type { Figure } from './figure.ts';
import { median, type Timing, timeNodeProcess } from './process-time.ts';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'packages/lbsim/bin/lbsim.js');
const sweepFile = join(root, 'bench/workloads/sweep-1000.sweep.yaml');

/** Wall and CPU seconds of one `lbsim sweep` with `workers` threads over `seeds`. */
function timeSweep(workers: number, seeds: string): Timing {
  return timeNodeProcess([bin, 'sweep', sweepFile, '--workers', String(workers), '--seeds', seeds]);
}

/** The sweep figures over `runs` runs (seeds 1..runs), `pairs` interleaved pairs of 1 and 2 workers. */
export function measureSweep(runs: number, pairs: number): Figure[] {
  const seeds = `1..${runs}`;
  const one: Timing[] = [];
  const two: Timing[] = [];
  for (let pair = 0; pair < pairs; pair += 1) {
    one.push(timeSweep(1, seeds));
    two.push(timeSweep(2, seeds));
  }
  const workload = `lbsim sweep of ${runs} runs (ilb-self-mapping), median of ${pairs} interleaved pairs`;
  const ratios = one.map((timing, index) => timing.wallS / (two[index]?.wallS ?? Number.NaN));
  return [
    { name: 'sweep, 1 worker', workload, value: median(one.map((t) => t.wallS)), unit: 's wall' },
    { name: 'sweep, 1 worker', workload, value: median(one.map((t) => t.cpuS)), unit: 's CPU' },
    { name: 'sweep, 2 workers', workload, value: median(two.map((t) => t.wallS)), unit: 's wall' },
    { name: 'sweep, 2 workers', workload, value: median(two.map((t) => t.cpuS)), unit: 's CPU' },
    {
      name: 'sweep speed-up, 2 workers',
      workload: `${workload}: wall(1 worker) / wall(2 workers) per pair`,
      value: median(ratios),
      unit: '×',
    },
  ];
}
