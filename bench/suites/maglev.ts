/**
 * Maglev lookup-table build (Eisenbud et al. §3.4; docs/mechanics.md §4.3): what every Mux pays
 * when a DIP list changes.
 */
import { buildMaglevTable } from '@lbsim/mux';
import { Bench } from 'tinybench';
import type { Figure } from './figure.ts';

/** Build time for M = 65537 with N = 1000 and N = 100 backends (two sizes: cost ~ M log M). */
export async function measureMaglevBuild(timeMs: number): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const backends of [100, 1000]) {
    const dips = Array.from({ length: backends }, (_, i) => ({ dip: (10 << 24) + 4 + i, weight: 1 }));
    const bench = new Bench({ time: timeMs });
    bench.add('maglev', () => {
      buildMaglevTable(dips, 65537);
    });
    await bench.run();
    const result = bench.tasks[0]?.result;
    if (result?.state !== 'completed') throw new Error('the Maglev benchmark did not complete');
    figures.push({
      name: 'Maglev table build',
      workload: `M = 65537, N = ${backends}`,
      value: result.latency.mean,
      unit: 'ms',
      ...(backends === 1000 ? { target: { kind: 'at-most', value: 5 } as const } : {}),
    });
  }
  return figures;
}
