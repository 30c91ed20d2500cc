/**
 * `tsx scripts/sweep-figures.ts <id> <runs.jsonl> [<out dir>]`: the figures of a catalogue
 * sweep (scenarios/sweeps/<id>.sweep.yaml) from the JSON lines a full `lbsim sweep --out` wrote
 * — the summary table, the expectations' verdicts, and one SVG chart per measure
 * (<out dir>/sweep-<id>-<measure>.svg, default docs/figures) — without running it again.
 * docs/sweeps.md's figures come from here. Exit 1 when the lines do not fit the sweep.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkExpectations,
  formatSummaryTable,
  parseSweepText,
  planSweep,
  type RunRecord,
  summarizeSweep,
} from '@lbsim/sweep';
import { renderMeasureChart } from '@lbsim/sweep/chart';

const [id, linesFile, outDirectory = join(import.meta.dirname, '../docs/figures')] = process.argv.slice(2);
if (id === undefined || linesFile === undefined) {
  process.stderr.write('usage: tsx scripts/sweep-figures.ts <sweep id> <runs.jsonl> [<out dir>]\n');
  process.exit(2);
}
const scenarios = join(import.meta.dirname, '../scenarios');
const sweepFile = join(scenarios, 'sweeps', `${id}.sweep.yaml`);
const loaded = parseSweepText(readFileSync(sweepFile, 'utf8'), sweepFile);
if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
const sweep = loaded.sweep;
const besides = join(scenarios, 'sweeps', sweep.scenario);
const scenarioFile = sweep.scenario.endsWith('.yaml') ? besides : join(scenarios, sweep.scenario, 'broken.yaml');
const planned = planSweep(sweep, readFileSync(scenarioFile, 'utf8'), scenarioFile);
if (!planned.ok) throw new Error(planned.errors.join('\n'));
const records = readFileSync(linesFile, 'utf8')
  .trimEnd()
  .split('\n')
  .map((line) => JSON.parse(line) as RunRecord);
if (records.length !== planned.plan.runCount) {
  process.stderr.write(`${linesFile} has ${records.length} runs; the sweep has ${planned.plan.runCount}\n`);
  process.exit(1);
}
const parameterNames = sweep.parameters.map((parameter) => parameter.name);
const measureNames = sweep.measures.map((measure) => measure.name);
const summaries = summarizeSweep(planned.plan.points, measureNames, records);
process.stdout.write(formatSummaryTable(parameterNames, measureNames, summaries));
for (const verdict of checkExpectations(sweep.expect, summaries)) {
  process.stdout.write(`${verdict.met ? 'met' : 'NOT MET'}: ${verdict.description}: ${verdict.actual}\n`);
}
mkdirSync(outDirectory, { recursive: true });
for (const measure of measureNames) {
  const svg = renderMeasureChart(measure, parameterNames, summaries);
  writeFileSync(join(outDirectory, `sweep-${id}-${measure}.svg`), `${svg}\n`);
}
