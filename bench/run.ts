/**
 * `pnpm bench`: the benchmarks of issues 11, 18, 20 and 21 over fixed-seed workloads. Prints every
 * figure beside its target, writes them as JSON to bench/results.json, and with `--record` also
 * writes bench/RESULTS.md (the committed record, with the machine it ran on).
 *
 * Every figure is measured in a fresh process (suites/child.ts), so one measurement's heap and
 * JIT state never weigh on the next. Times are CPU time (user + system, `process.cpuUsage`)
 * with wall time beside: CPU time is what holds on a shared machine. Speed is measured here,
 * never asserted in tests.
 *
 * Options:
 *   --quick              shorter timings and smaller sizes, for a smoke run
 *   --record             write bench/RESULTS.md
 *   --scale              add the 1,000,000-connection scale run (several CPU-minutes and
 *                        GiB of memory; 1 k, 10 k and 100 k always run)
 *   --baseline <dir>     a checkout of an earlier commit with its dependencies installed
 *                        (`git worktree add --detach <dir> <ref> && pnpm -C <dir> install
 *                        --offline`): the TCP and UDP workloads also run alternately from it
 *                        and from here, and the median ratio of CPU time per packet-hop is
 *                        reported
 *   --pairs <n>          interleaved pairs per ratio (default 3)
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { measureCli } from './suites/cli.ts';
import { type Figure, formatNumber, formatTarget, meetsTarget } from './suites/figure.ts';
import { inChild } from './suites/in-child.ts';
import { measureSweep } from './suites/sweep.ts';
import { measureWeb } from './suites/web.ts';
import { measureScale, measureTcp, measureUdp } from './suites/workloads.ts';
import { udpEchoShapes } from './workloads/udp-echo.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    record: { type: 'boolean', default: false },
    scale: { type: 'boolean', default: false },
    baseline: { type: 'string' },
    pairs: { type: 'string', default: '3' },
  },
});
const quick = values.quick === true;
const root = join(import.meta.dirname, '..');
const timeMs = quick ? 200 : 1500;
const baseline = values.baseline === undefined ? undefined : resolve(values.baseline);
const pairs = Number(values.pairs);

const figures: Figure[] = [];
const section = async (name: string, measure: () => Figure[] | Promise<Figure[]>): Promise<void> => {
  process.stderr.write(`bench: ${name}…\n`);
  figures.push(...(await measure()));
};
await section('flow hash', () => inChild<Figure[]>('flow-hash', [timeMs]));
for (const backends of [100, 1000]) {
  await section(`Maglev build, N = ${backends}`, () => inChild<Figure[]>('maglev', [backends, timeMs]));
}
for (const entries of quick ? [10_000, 100_000] : [100_000, 1_000_000]) {
  await section(`flow table, ${entries} entries`, () => inChild<Figure[]>('flow-table', [entries]));
}
for (const { flows, packets } of udpEchoShapes) {
  const scaled = quick ? Math.max(1, packets / 10) : packets;
  await section(`UDP echo, ${flows} × ${scaled}`, () => measureUdp(flows, scaled, baseline, pairs));
}
for (const connections of quick ? [100, 1_000] : [1_000, 10_000]) {
  await section(`TCP end to end, ${connections} connections`, () => measureTcp(connections, baseline, pairs));
}
const scaleSizes = quick ? [1_000] : [1_000, 10_000, 100_000, ...(values.scale === true ? [1_000_000] : [])];
for (const connections of scaleSizes) {
  await section(`scale, ${connections} connections`, () => measureScale(connections));
}
await section('lbsim start-up', () => measureCli('scenarios/basic-public-lb.yaml', quick ? 2 : 11));
// After the start-up section, which builds the bundle the sweep runs.
await section('playground', () => measureWeb('scenarios/basic-public-lb.yaml', quick ? 2 : 5));
await section('sweep, 1 worker vs 2', () => (quick ? measureSweep(100, 1) : measureSweep(1000, 3)));

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
};
const table = renderTable(figures);
console.log(table);
writeFileSync(join(root, 'bench/results.json'), `${JSON.stringify({ machine, quick, figures }, null, 2)}\n`);
if (values.record === true) {
  const date = new Date().toISOString().slice(0, 10);
  const header = [
    '# Benchmark results',
    '',
    `Recorded by \`pnpm bench --record\` on ${date}${quick ? ' (quick mode)' : ''}. Machine: ${machine.cpu}, ` +
      `${machine.cores} cores (a run uses one; a sweep one per worker), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}.`,
    "Targets are issue 20's for the data path (one core: packet-hops per CPU-second, the flow table, Maglev, a million connections) and issue 18's for start-up (the bundle in packages/lbsim, wall and CPU time of the whole process). Every figure comes from a fresh process; times are CPU time with wall time beside. What limits each figure and what changed is in docs/performance.md.",
    `Scale runs: 1 k, 10 k, 100 k connections${values.scale === true ? ' and 1 M (`--scale`)' : '; the 1 M run is opt-in (`pnpm bench --scale`, several CPU-minutes)'}.`,
    '',
  ].join('\n');
  writeFileSync(join(root, 'bench/RESULTS.md'), `${header}\n${table}\n`);
  process.stderr.write('bench: wrote bench/RESULTS.md\n');
}

/** A Markdown table: figure, workload, value, unit, target, and whether it is met. */
function renderTable(rows: readonly Figure[]): string {
  const lines = ['| figure | workload | value | unit | target | met |', '|---|---|--:|---|--:|---|'];
  for (const row of rows) {
    const met = meetsTarget(row);
    lines.push(
      `| ${row.name} | ${row.workload} | ${formatNumber(row.value)} | ${row.unit} | ${formatTarget(row.target)} | ${met === undefined ? '' : met ? 'yes' : 'no'} |`,
    );
  }
  return lines.join('\n');
}
