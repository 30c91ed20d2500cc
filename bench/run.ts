/**
 * `pnpm bench`: benchmarks over fixed-seed workloads, printed as a table and written as JSON
 * to bench/results.json. tinybench (maintained, ESM, typed; it also powers `vitest bench`)
 * rather than the archived benchmark.js.
 *
 * Speed is measured here, never asserted in tests.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashFiveTuple, randomStream } from '@lbsim/core';
import { loadScenarioFile, runScenario } from '@lbsim/scenario';
import { Bench } from 'tinybench';

const root = join(import.meta.dirname, '..');
const loaded = loadScenarioFile(join(root, 'scenarios/basic-public-lb.yaml'));
if (!loaded.ok) throw new Error('the benchmark scenario does not load');
const scenario = loaded.scenario;

const random = randomStream(1, 'bench');
const tuples = Array.from({ length: 4096 }, () => ({
  protocol: 6,
  srcAddress: random.nextUint32(),
  srcPort: random.below(65536),
  dstAddress: random.nextUint32(),
  dstPort: 80,
}));

const bench = new Bench({ time: 1000 });
let sink = 0;
bench
  .add('flow hash: 4096 5-tuples', () => {
    for (const tuple of tuples) sink ^= hashFiveTuple(tuple, 7);
  })
  .add('scenario: basic-public-lb (100 connections)', () => {
    runScenario(scenario);
  });

await bench.run();
console.table(bench.table());
const results = bench.tasks.map((task) => ({
  name: task.name,
  meanMs: task.result.state === 'completed' ? task.result.latency.mean : undefined,
  opsPerSecond: task.result.state === 'completed' ? task.result.throughput.mean : undefined,
}));
writeFileSync(join(root, 'bench/results.json'), `${JSON.stringify({ results, sink }, null, 2)}\n`);
