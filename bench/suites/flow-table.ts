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
 *
 * Figures are of optimised code: a table a tenth the size goes through the same passes first.
 * Until 2026-12 the lookup figures included V8 compiling `lookupFlow` during the pass, which
 * took a third to a half of the in-order pass at a million entries.
 */
import { randomStream } from '@lbsim/core';
import { FlowTable } from '@lbsim/mux';
import { cpuTimeMs } from './cpu-time.ts';
import type { Figure } from './figure.ts';

/** The flows of one measurement: source addresses and ports (the VIP side is fixed). */
interface Flows {
  readonly sources: Uint32Array;
  readonly ports: Uint16Array;
}

const vip = 0x34aa0a14;

function makeFlows(entries: number, random: ReturnType<typeof randomStream>): Flows {
  const sources = new Uint32Array(entries);
  const ports = new Uint16Array(entries);
  for (let i = 0; i < entries; i++) {
    sources[i] = random.nextUint32();
    ports[i] = 1024 + random.below(64512);
  }
  return { sources, ports };
}

/** A table whose quotas are above the entry count and whose timeouts outlast the run: nothing expires or falls back. */
function makeTable(entries: number): FlowTable {
  return new FlowTable({ untrustedQuota: entries, trustedQuota: entries, untrustedIdleTimeoutNs: 1e15 });
}

/** Inserts every flow, at times 0, 1, 2, … ns. */
function insertAll(table: FlowTable, flows: Flows): void {
  const { sources, ports } = flows;
  for (let i = 0; i < sources.length; i++) {
    table.insertFlow(6, sources[i] as number, ports[i] as number, vip, 80, (10 << 24) + (i % 100), 'lb/r', 24e10, i);
  }
}

/** Looks every flow up in the order `order` gives (insertion order when absent), from `startNs`; returns the hits. */
function lookUpAll(table: FlowTable, flows: Flows, startNs: number, order?: Uint32Array): number {
  const { sources, ports } = flows;
  let hits = 0;
  for (let i = 0; i < sources.length; i++) {
    const k = order === undefined ? i : (order[i] as number);
    if (table.lookupFlow(6, sources[k] as number, ports[k] as number, vip, 80, startNs + i) >= 0) hits++;
  }
  return hits;
}

/**
 * Measures one table size; needs `--expose-gc` for the heap figure. A table of a tenth of the
 * size goes through the same passes first, so that the figures are of the table's optimised
 * code, as in a run's steady state, not of V8 interpreting and compiling it (a run's warm-up is
 * the whole-simulation workloads' concern, where it is reported).
 */
export function measureFlowTable(entries: number): Figure[] {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run the benchmarks with node --expose-gc (pnpm bench does)');
  const random = randomStream(3, 'bench-flow-table');
  const warmUpEntries = Math.max(1, Math.floor(entries / 10));
  const warmUpFlows = makeFlows(warmUpEntries, random);
  const warmUpTable = makeTable(warmUpEntries);
  insertAll(warmUpTable, warmUpFlows);
  lookUpAll(warmUpTable, warmUpFlows, warmUpEntries);
  lookUpAll(warmUpTable, warmUpFlows, 2 * warmUpEntries, shuffledOrder(warmUpEntries, random));

  const flows = makeFlows(entries, random);
  const order = shuffledOrder(entries, random);
  const table = makeTable(entries);
  const bytesInUse = () => {
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  gc();
  const before = bytesInUse();
  let started = cpuTimeMs();
  insertAll(table, flows);
  const insertMs = cpuTimeMs() - started;
  // Twice: the buffers the table outgrew are freed by the first collection's finalisers.
  gc();
  gc();
  const bytesPerEntry = (bytesInUse() - before) / entries;
  started = cpuTimeMs();
  let hits = lookUpAll(table, flows, entries);
  const lookupMs = cpuTimeMs() - started;
  if (hits !== table.counters.inserted) throw new Error(`flow table lost entries: ${hits} hits`);
  started = cpuTimeMs();
  hits = lookUpAll(table, flows, 2 * entries, order);
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
