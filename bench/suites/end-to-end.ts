/**
 * End to end: the issue-11 workload (TCP echo connections from Internet clients through
 * Muxes to DIPs, handshake, 10 segments each way, close) at two sizes, each in a fresh
 * process. Figures: simulated packet-hops per wall-clock second, kernel events per second,
 * and peak heap (heap used, sampled every 65,536 events, so garbage not yet collected counts).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Figure } from './figure.ts';

/** What the child process reports. */
interface EndToEndRun {
  readonly connections: number;
  readonly clients: number;
  readonly completed: number;
  readonly wallMs: number;
  readonly packetHops: number;
  readonly events: number;
  readonly peakHeapBytes: number;
  readonly maxRssBytes: number;
}

/** Runs `connections` in a child process and returns its figures. */
export function measureEndToEnd(connections: number): Figure[] {
  const child = join(import.meta.dirname, 'end-to-end-child.ts');
  const output = execFileSync(process.execPath, ['--import', 'tsx', child, String(connections)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const run = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as EndToEndRun;
  if (run.completed !== run.connections) {
    throw new Error(`end-to-end: only ${run.completed} of ${run.connections} connections completed`);
  }
  const workload = `${run.connections.toLocaleString('en-US')} TCP conns, ${run.clients} clients, 8 Muxes, 100 DIPs`;
  const atIssueSize = connections === 10_000;
  return [
    {
      name: 'end to end',
      workload,
      value: run.packetHops / (run.wallMs / 1000),
      unit: 'packet-hops/s',
      ...(atIssueSize ? { target: { kind: 'at-least', value: 5_000_000 } as const } : {}),
    },
    { name: 'end to end', workload, value: run.events / (run.wallMs / 1000), unit: 'events/s' },
    { name: 'end to end', workload, value: (run.wallMs * 1e6) / run.packetHops, unit: 'ns/packet-hop' },
    { name: 'end to end', workload, value: run.packetHops, unit: 'packet-hops' },
    { name: 'end to end', workload, value: run.peakHeapBytes / 2 ** 20, unit: 'MiB peak heap' },
  ];
}
