/**
 * Mux flow table (docs/mechanics.md §1.3): insert and lookup rates and heap bytes per entry, at
 * 100,000 and 1,000,000 entries. Keys are built as the Mux builds them (`flowKeyOf`), so the
 * key strings count toward the bytes per entry.
 */
import { flowKeyOf, randomStream } from '@lbsim/core';
import { FlowTable } from '@lbsim/mux';
import type { Figure } from './figure.ts';

/** Measures one table size; needs `--expose-gc` for the heap figure. */
export function measureFlowTable(entries: number): Figure[] {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run the benchmarks with node --expose-gc (pnpm bench does)');
  const random = randomStream(3, 'bench-flow-table');
  const sources = new Uint32Array(entries);
  const ports = new Uint16Array(entries);
  for (let i = 0; i < entries; i++) {
    sources[i] = random.nextUint32();
    ports[i] = 1024 + random.below(64512);
  }
  const vip = 0x34aa0a14;
  // Quotas above the entry count and timeouts longer than the run: nothing expires or falls back.
  const table = new FlowTable({ untrustedQuota: entries, trustedQuota: entries, untrustedIdleTimeoutNs: 1e15 });
  gc();
  const before = process.memoryUsage().heapUsed;
  let started = performance.now();
  for (let i = 0; i < entries; i++) {
    table.insert(
      flowKeyOf(6, sources[i] as number, ports[i] as number, vip, 80),
      (10 << 24) + (i % 100),
      'lb/r',
      24e10,
      i,
    );
  }
  const insertMs = performance.now() - started;
  gc();
  const bytesPerEntry = (process.memoryUsage().heapUsed - before) / entries;
  let hits = 0;
  started = performance.now();
  for (let i = 0; i < entries; i++) {
    const found = table.lookup(flowKeyOf(6, sources[i] as number, ports[i] as number, vip, 80), entries + i);
    if (found.kind === 'hit') hits++;
  }
  const lookupMs = performance.now() - started;
  if (hits !== table.counters.inserted) throw new Error(`flow table lost entries: ${hits} hits`);
  const size = `${entries.toLocaleString('en-US')} entries`;
  const atIssueSize = entries === 1_000_000;
  return [
    { name: 'flow table insert', workload: size, value: (entries / insertMs) * 1000, unit: 'inserts/s' },
    {
      name: 'flow table lookup',
      workload: `${size}, first lookup trusts the flow`,
      value: (entries / lookupMs) * 1000,
      unit: 'lookups/s',
      ...(atIssueSize ? { target: { kind: 'at-least', value: 20_000_000 } as const } : {}),
    },
    {
      name: 'flow table memory',
      workload: size,
      value: bytesPerEntry,
      unit: 'bytes/entry',
      ...(atIssueSize ? { target: { kind: 'at-most', value: 64 } as const } : {}),
    },
  ];
}
