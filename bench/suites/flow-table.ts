/**
 * Mux flow table (docs/mechanics.md §1.3): insert and lookup rates and bytes per entry, at
 * 100,000 and 1,000,000 entries, through the table's 5-tuple methods (`insertFlow`,
 * `lookupFlow`). Bytes count the JavaScript heap and the typed arrays' buffers, which live
 * outside it. Rates are per CPU-second.
 *
 * The issue's lookup figure looks flows up in the order they were inserted, so entry records
 * are read in memory order and only the index slot is a random access; a second pass in a
 * random order (each flow's next packet, as flows interleave on a real link) shows the cost
 * of random records as well.
 */
import { randomStream } from '@lbsim/core';
import { FlowTable } from '@lbsim/mux';
import { cpuTimeMs } from './cpu-time.ts';
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
  const bytesInUse = () => {
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  gc();
  const before = bytesInUse();
  let started = cpuTimeMs();
  for (let i = 0; i < entries; i++) {
    table.insertFlow(6, sources[i] as number, ports[i] as number, vip, 80, (10 << 24) + (i % 100), 'lb/r', 24e10, i);
  }
  const insertMs = cpuTimeMs() - started;
  // Twice: the buffers the table outgrew are freed by the first collection's finalisers.
  gc();
  gc();
  const bytesPerEntry = (bytesInUse() - before) / entries;
  let hits = 0;
  started = cpuTimeMs();
  for (let i = 0; i < entries; i++) {
    if (table.lookupFlow(6, sources[i] as number, ports[i] as number, vip, 80, entries + i) >= 0) hits++;
  }
  const lookupMs = cpuTimeMs() - started;
  if (hits !== table.counters.inserted) throw new Error(`flow table lost entries: ${hits} hits`);
  const order = shuffledOrder(entries, random);
  hits = 0;
  started = cpuTimeMs();
  for (let i = 0; i < entries; i++) {
    const k = order[i] as number;
    if (table.lookupFlow(6, sources[k] as number, ports[k] as number, vip, 80, 2 * entries + i) >= 0) hits++;
  }
  const randomLookupMs = cpuTimeMs() - started;
  if (hits !== table.counters.inserted) throw new Error(`flow table lost entries: ${hits} hits`);
  const size = `${entries.toLocaleString('en-US')} entries`;
  const atIssueSize = entries === 1_000_000;
  return [
    { name: 'flow table insert', workload: size, value: (entries / insertMs) * 1000, unit: 'inserts/CPU-s' },
    {
      name: 'flow table lookup',
      workload: `${size}, first lookup trusts the flow`,
      value: (entries / lookupMs) * 1000,
      unit: 'lookups/CPU-s',
      ...(atIssueSize ? { target: { kind: 'at-least', value: 20_000_000 } as const } : {}),
    },
    {
      name: 'flow table lookup',
      workload: `${size}, random order, flows trusted`,
      value: (entries / randomLookupMs) * 1000,
      unit: 'lookups/CPU-s',
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

/** 0..n-1 in a seeded random order (Fisher–Yates). */
function shuffledOrder(n: number, random: ReturnType<typeof randomStream>): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = random.below(i + 1);
    const held = order[i] as number;
    order[i] = order[j] as number;
    order[j] = held;
  }
  return order;
}
