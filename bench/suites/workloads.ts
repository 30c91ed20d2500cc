/**
 * Whole-simulation workloads, each run in a fresh process (child.ts): the TCP echo workload of
 * issue 11, the ns-3-shaped UDP echo of issue 20, and the scale runs (1 k … 1 M HTTP
 * connections). Figures are per CPU-second of the event loop (user + system time,
 * `process.cpuUsage`), with wall time beside; with a baseline checkout, the same workload runs
 * alternately from the baseline and from this checkout and the median ratio of CPU time per
 * packet-hop is reported, so that load from other processes weighs on both sides alike.
 */
import { median } from './cpu-time.ts';
import type { Figure, Target } from './figure.ts';
import { inChild } from './in-child.ts';
import type { SourceRoot, WorkloadRun } from './workload-run.ts';

const mib = 2 ** 20;

/** Runs one workload and checks that every exchange completed. */
function runWorkload(suite: 'tcp' | 'udp' | 'scale', args: readonly number[], root?: SourceRoot): WorkloadRun {
  const run = inChild<WorkloadRun>(suite, root === undefined ? args : [...args, root]);
  if (run.completed !== run.started) {
    throw new Error(`${suite} ${args.join(' ')}: only ${run.completed} of ${run.started} completed`);
  }
  return run;
}

/** Packet-hops per CPU-second, events per CPU-second, and the rest of a run's figures. */
function figuresOf(name: string, workload: string, run: WorkloadRun, hopTarget?: Target): Figure[] {
  const cpuS = run.cpuMs / 1000;
  return [
    {
      name,
      workload,
      value: run.packetHops / cpuS,
      unit: 'packet-hops/CPU-s',
      ...(hopTarget ? { target: hopTarget } : {}),
    },
    { name, workload, value: run.packetHops / (run.wallMs / 1000), unit: 'packet-hops/s wall' },
    { name, workload, value: run.events / cpuS, unit: 'events/CPU-s' },
    { name, workload, value: (run.cpuMs * 1e6) / run.packetHops, unit: 'CPU ns/packet-hop' },
    { name, workload, value: run.packetHops, unit: 'packet-hops' },
    { name, workload, value: run.peakHeapBytes / mib, unit: 'MiB peak heap' },
  ];
}

/** Where a whole run's figure comes from: JIT warm-up (the first tenth of hops), then the steady state (the last). */
function warmUpFigures(name: string, workload: string, run: WorkloadRun): Figure[] {
  if (run.warmUp === undefined) return [];
  const { firstTenthHopsPerCpuS, lastTenthHopsPerCpuS, firstTenthCpuMs } = run.warmUp;
  return [
    { name, workload, value: firstTenthHopsPerCpuS, unit: 'packet-hops/CPU-s, first 10 % of hops' },
    { name, workload, value: firstTenthCpuMs, unit: 'CPU ms, first 10 % of hops' },
    { name, workload, value: lastTenthHopsPerCpuS, unit: 'packet-hops/CPU-s, last 10 % of hops' },
  ];
}

/**
 * The median over `pairs` interleaved runs of (baseline CPU per hop) / (this CPU per hop): how
 * many times faster this checkout is.
 */
function speedUp(suite: 'tcp' | 'udp' | 'scale', args: readonly number[], baseline: SourceRoot, pairs: number): number {
  const ratios: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const before = runWorkload(suite, args, baseline);
    const after = runWorkload(suite, args);
    ratios.push(before.cpuMs / before.packetHops / (after.cpuMs / after.packetHops));
  }
  return median(ratios);
}

/** A ratio figure against the baseline. */
function speedUpFigure(name: string, workload: string, ratio: number, pairs: number): Figure {
  return {
    name,
    workload: `${workload}, median of ${pairs} interleaved pairs`,
    value: ratio,
    unit: '× baseline (CPU/hop)',
  };
}

/** The TCP echo workload: `connections` connections from connections/10 (at most 1,000) clients. */
export function measureTcp(connections: number, baseline?: SourceRoot, pairs = 3): Figure[] {
  const clients = Math.min(1000, connections / 10);
  const workload = `${connections.toLocaleString('en-US')} TCP echo conns, ${clients} clients, 8 Muxes, 100 DIPs`;
  const run = runWorkload('tcp', [connections]);
  const target = connections === 10_000 ? ({ kind: 'at-least', value: 2_000_000 } as const) : undefined;
  const figures = [
    ...figuresOf('TCP end to end', workload, run, target),
    ...warmUpFigures('TCP end to end', workload, run),
  ];
  if (baseline !== undefined) {
    figures.push(speedUpFigure('TCP end to end', workload, speedUp('tcp', [connections], baseline, pairs), pairs));
  }
  return figures;
}

/** The UDP echo workload at `flows` × `packets`. */
export function measureUdp(flows: number, packets: number, baseline?: SourceRoot, pairs = 3): Figure[] {
  const workload = `UDP echo ${flows.toLocaleString('en-US')} flows × ${packets.toLocaleString('en-US')} packets, 1 Mux, 10 µs links`;
  const run = runWorkload('udp', [flows, packets]);
  const target = flows === 100 && packets === 1000 ? ({ kind: 'at-least', value: 5_000_000 } as const) : undefined;
  const figures = [
    ...figuresOf('UDP echo', workload, run, target).filter((figure) => figure.unit !== 'packet-hops'),
    ...warmUpFigures('UDP echo', workload, run),
  ];
  if (baseline !== undefined) {
    figures.push(speedUpFigure('UDP echo', workload, speedUp('udp', [flows, packets], baseline, pairs), pairs));
  }
  return figures;
}

/** A scale run: `connections` HTTP GETs from 100 clients through 8 Muxes to 100 DIPs. */
export function measureScale(connections: number): Figure[] {
  const workload = `${connections.toLocaleString('en-US')} HTTP conns, 100 clients, 8 Muxes, 100 DIPs`;
  const run = runWorkload('scale', [connections]);
  const atMillion = connections === 1_000_000;
  return [
    {
      name: 'scale',
      workload,
      value: run.cpuMs / 1000,
      unit: 'CPU s',
      ...(atMillion ? { target: { kind: 'at-most', value: 60 } as const } : {}),
    },
    { name: 'scale', workload, value: run.wallMs / 1000, unit: 's wall' },
    { name: 'scale', workload, value: run.events / (run.cpuMs / 1000), unit: 'events/CPU-s' },
    {
      name: 'scale',
      workload,
      value: run.maxRssBytes / mib,
      unit: 'MiB max RSS',
      ...(atMillion ? { target: { kind: 'at-most', value: 1024 } as const } : {}),
    },
  ];
}
