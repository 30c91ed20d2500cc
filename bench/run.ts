/**
 * `pnpm bench`: the issue-11 benchmarks over fixed-seed workloads. Prints every figure beside
 * its target, writes them as JSON to bench/results.json, and with `--record` also writes
 * bench/RESULTS.md (the committed record, with the machine it ran on).
 *
 * tinybench times the micro-benchmarks (maintained, ESM, typed, and what `vitest bench` runs
 * on) rather than the archived benchmark.js; one-shot workloads (a million-entry table, a
 * whole run) are timed directly with performance.now(). Speed is measured here, never
 * asserted in tests.
 *
 * Options: --quick (shorter timings and smaller sizes, for a smoke run), --record.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureCli } from './suites/cli.ts';
import { measureEndToEnd } from './suites/end-to-end.ts';
import { type Figure, formatNumber, formatTarget, meetsTarget } from './suites/figure.ts';
import { measureFlowHash } from './suites/flow-hash.ts';
import { measureFlowTable } from './suites/flow-table.ts';
import { measureMaglevBuild } from './suites/maglev.ts';
import { measureWeb } from './suites/web.ts';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, record: { type: 'boolean', default: false } },
});
const quick = values.quick === true;
const root = join(import.meta.dirname, '..');
const timeMs = quick ? 200 : 1500;

const figures: Figure[] = [];
const section = async (name: string, measure: () => Figure[] | Promise<Figure[]>): Promise<void> => {
  process.stderr.write(`bench: ${name}…\n`);
  figures.push(...(await measure()));
};
await section('flow hash', () => measureFlowHash(timeMs));
await section('Maglev build', () => measureMaglevBuild(timeMs));
for (const entries of quick ? [10_000, 100_000] : [100_000, 1_000_000]) {
  await section(`flow table, ${entries} entries`, () => measureFlowTable(entries));
}
for (const connections of quick ? [100, 1_000] : [1_000, 10_000]) {
  await section(`end to end, ${connections} connections`, () => measureEndToEnd(connections));
}
await section('lbsim start-up', () => measureCli('scenarios/basic-public-lb.yaml', quick ? 2 : 5));
await section('playground', () => measureWeb('scenarios/basic-public-lb.yaml', quick ? 2 : 5));

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
      `${machine.cores} cores (the simulator uses one), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}.`,
    "Targets are issue 11's, and issue 18's for start-up (the bundle in packages/lbsim, wall and CPU time of the whole process); what limits each figure and what changed is in docs/performance.md.",
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
