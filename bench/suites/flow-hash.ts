/**
 * Flow hash throughput: MurmurHash3 over 5-tuples (`hashFiveTuple`), the hash every Mux
 * computes for a packet with no flow-table entry (docs/mechanics.md §1.3).
 */
import { hashFiveTuple, randomStream } from '@lbsim/core';
import { Bench } from 'tinybench';
import type { Figure } from './figure.ts';

const batch = 4096;

/** Hashes per second over a batch of seeded random 5-tuples. */
export async function measureFlowHash(timeMs: number): Promise<Figure[]> {
  const random = randomStream(1, 'bench-flow-hash');
  const tuples = Array.from({ length: batch }, () => ({
    protocol: 6,
    srcAddress: random.nextUint32(),
    srcPort: random.below(65536),
    dstAddress: random.nextUint32(),
    dstPort: 80,
  }));
  let sink = 0;
  const bench = new Bench({ time: timeMs });
  bench.add('flow hash', () => {
    for (const tuple of tuples) sink ^= hashFiveTuple(tuple, 7);
  });
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (result?.state !== 'completed') throw new Error('the flow hash benchmark did not complete');
  // Keeps the hashes observable so the JIT cannot drop the loop.
  if (sink === 0.5) console.log(sink);
  return [
    {
      name: 'flow hash',
      workload: `${batch} random 5-tuples, MurmurHash3_x86_32`,
      value: result.throughput.mean * batch,
      unit: 'hashes/s',
      target: { kind: 'at-least', value: 50_000_000 },
    },
  ];
}
