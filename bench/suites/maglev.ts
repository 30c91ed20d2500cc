/**
 * Maglev lookup-table build (Eisenbud et al. §3.4; docs/mechanics.md §4.3): what every Mux pays
 * when a DIP list changes. Timed in CPU time (`process.cpuUsage`) per build, the mean over
 * as many builds as fit in `timeMs` after three warm-up builds.
 */
import { buildMaglevTable } from '@lbsim/mux';
import { cpuTimeMs } from './cpu-time.ts';
import type { Figure } from './figure.ts';

/** Build time for M = 65537 with `backends` backends (the target is at N = 1000). */
export function measureMaglevBuild(backends: number, timeMs: number): Figure[] {
  const dips = Array.from({ length: backends }, (_, i) => ({ dip: (10 << 24) + 4 + i, weight: 1 }));
  for (let i = 0; i < 3; i++) buildMaglevTable(dips, 65537);
  let builds = 0;
  const startedCpuMs = cpuTimeMs();
  const startedWallMs = performance.now();
  while (performance.now() - startedWallMs < timeMs || builds < 5) {
    buildMaglevTable(dips, 65537);
    builds++;
  }
  const cpuMs = (cpuTimeMs() - startedCpuMs) / builds;
  const wallMs = (performance.now() - startedWallMs) / builds;
  const workload = `M = 65537, N = ${backends}, mean of ${builds}`;
  return [
    {
      name: 'Maglev table build',
      workload,
      value: cpuMs,
      unit: 'ms CPU',
      ...(backends === 1000 ? { target: { kind: 'at-most', value: 5 } as const } : {}),
    },
    { name: 'Maglev table build', workload, value: wallMs, unit: 'ms wall' },
  ];
}
