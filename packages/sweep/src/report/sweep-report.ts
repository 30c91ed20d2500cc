/**
 * The sweep report (`lbsim sweep --report sweep.html`): one self-contained HTML page, offline
 * (no script, no outside resource; its Content-Security-Policy forbids both), with the sweep's
 * facts, the expectations' verdicts, one chart per measure against the first parameter with
 * its 95 % confidence band, and the summary table. It carries the generator mark lbsim's run
 * reports carry, so a later sweep may replace it and nothing else.
 */
import type { SweepPlan } from '../plan-sweep.ts';
import { describeParameters } from '../plan-sweep.ts';
import type { SweepOutcome } from '../run-sweep.ts';
import { formatFigure } from '../summary-table.ts';
import { escapeHtml } from './escape.ts';
import { renderMeasureChart } from './measure-chart.ts';

/** The mark in the head of every lbsim report (as @lbsim/sim-cli's overwrite guard knows it). */
const generatorMark = '<meta name="generator" content="lbsim">';

const style = `
body { margin: 0; padding: 24px 32px 48px; font: 14px/1.45 system-ui, "DejaVu Sans", sans-serif; color: #1d2630; }
h1 { margin: 0 0 4px; font-size: 24px; } h2 { margin: 28px 0 8px; font-size: 19px; border-bottom: 1px solid #c9d1d9; }
p.description { color: #5b6773; max-width: 80em; white-space: pre-line; }
table { border-collapse: collapse; margin: 6px 0 12px; } th, td { border: 1px solid #c9d1d9; padding: 3px 8px; text-align: left; }
th { background: #f6f8fa; } td.number { text-align: right; font-variant-numeric: tabular-nums; }
.met { color: #2e7d32; font-weight: 600; } .not-met { color: #c62828; font-weight: 600; }
.figure { border: 1px solid #c9d1d9; border-radius: 6px; padding: 8px; display: inline-block; margin: 6px 0; }
svg text { font-family: system-ui, "DejaVu Sans", sans-serif; fill: #1d2630; }
.empty { color: #5b6773; font-style: italic; }`;

/** The report page as HTML text. */
export function buildSweepReport(plan: SweepPlan, outcome: SweepOutcome): string {
  const sweep = plan.sweep;
  const parameterNames = sweep.parameters.map((parameter) => parameter.name);
  const measureNames = sweep.measures.map((measure) => measure.name);
  const finished = outcome.records.length;
  const facts = [
    ['scenario', sweep.scenario],
    ['grid', `${plan.points.length} points${parameterNames.length === 0 ? '' : ` (${parameterNames.join(' × ')})`}`],
    ['seeds', `${plan.seeds.length} (${typeof sweep.seeds === 'string' ? sweep.seeds : 'listed'})`],
    ['runs', `${finished} of ${plan.runCount}${finished < plan.runCount ? ' (stopped early)' : ''}`],
    ['confidence intervals', "95 %, Student's t: mean ± t(0.975, n−1)·s/√n"],
  ];
  const expectations =
    outcome.expectations.length === 0
      ? `<p class="empty">${sweep.expect.length === 0 ? 'The sweep states no expectations.' : 'Not judged: the sweep did not finish.'}</p>`
      : `<table><tr><th>verdict</th><th>expected</th><th>shown</th></tr>${outcome.expectations
          .map(
            (expectation) =>
              `<tr><td class="${expectation.met ? 'met' : 'not-met'}">${expectation.met ? 'met' : 'not met'}</td><td>${escapeHtml(expectation.description)}</td><td>${escapeHtml(expectation.actual)}</td></tr>`,
          )
          .join('')}</table>`;
  const charts = measureNames
    .map(
      (name) =>
        `<h3>${escapeHtml(name)}</h3><div class="figure">${renderMeasureChart(name, parameterNames, outcome.summaries)}</div>`,
    )
    .join('');
  const rows = outcome.summaries.flatMap((summary) =>
    measureNames.map((name) => {
      const statistics = summary.measures[name];
      const cells = [statistics?.mean, statistics?.ci95, statistics?.min, statistics?.max].map(
        (value) => `<td class="number">${formatFigure(value ?? null)}</td>`,
      );
      return `<tr><td>${escapeHtml(describeParameters(summary.parameters))}</td><td>${escapeHtml(name)}</td><td class="number">${statistics?.n ?? 0}</td>${cells.join('')}</tr>`;
    }),
  );
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    generatorMark,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`lbsim sweep: ${sweep.name}`)}</title>`,
    `<style>${style}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(`lbsim sweep: ${sweep.name}`)}</h1>`,
    `<p class="description">${escapeHtml(sweep.description)}</p>`,
    `<table>${facts.map(([key, value]) => `<tr><th>${escapeHtml(key ?? '')}</th><td>${escapeHtml(value ?? '')}</td></tr>`).join('')}</table>`,
    '<h2>Expectations</h2>',
    expectations,
    '<h2>Measures</h2>',
    charts,
    '<h2>Summary</h2>',
    `<table><tr><th>grid point</th><th>measure</th><th>n</th><th>mean</th><th>±95% CI</th><th>min</th><th>max</th></tr>${rows.join('')}</table>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
