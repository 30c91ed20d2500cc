/**
 * The HTML report: one self-contained page (inline style and SVG, no script, no network) with
 * why things failed (first, when something did), the outcome as two facts (how the connections
 * fared; whether the expectations were met), topology, traffic, a sequence diagram per
 * selected connection, probe states, SNAT port use and counters; tables longer than a screen
 * fold into `<details>`. Every string from the scenario is escaped; the page's
 * Content-Security-Policy forbids scripts and remote loads besides.
 *
 * The sequence diagrams are in `report-sequences.ts`; shared pieces in `report-parts.ts`.
 *
 * The page is a function of its input alone (no dates, no paths beyond what the user typed),
 * so the same scenario and seed give the same bytes.
 */
import { describeDropReason, formatDurationNs, formatTimeNs, type TraceKind } from '@lbsim/core';
import { type Explanation, failureModes, platformLabel, type RunResult, shortStopReason } from '@lbsim/scenario';
import { traceEventNames } from '../format/trace-event-names.ts';
import { reportGeneratorMark } from '../output/output-marks.ts';
import { escapeHtml as text } from './escape-html.ts';
import { nodeKindsOf } from './node-kinds.ts';
import { renderProbeTimelineSvg } from './probe-timeline-svg.ts';
import type { ReportInput } from './report-model.ts';
import { collapsible, successes } from './report-parts.ts';
import { renderSequences } from './report-sequences.ts';
import { reportStyle } from './report-style.ts';
import { renderSnatChartSvg } from './snat-chart-svg.ts';
import { renderTopologySvg } from './topology-svg.ts';

/** The report page as HTML text. */
export function renderReportPage(input: ReportInput): string {
  const result = input.result;
  const kinds = nodeKindsOf(input.topology);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    reportGeneratorMark,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${text(`lbsim report: ${result.name}`)}</title>`,
    `<style>${reportStyle}</style>`,
    '</head>',
    '<body>',
    renderHeader(input),
    ...(hasFailures(result)
      ? [renderExplanations(result), renderOutcome(result)]
      : [renderOutcome(result), renderExplanations(result)]),
    renderTopology(input),
    renderTraffic(result),
    renderSequences(input.sequences, kinds, result.explanations, failedMuxesOf(input)),
    renderProbes(input),
    renderSnat(input),
    renderCounters(input),
    `<footer>Written by lbsim from ${text(input.scenarioFile)} with seed ${result.seed}. The same scenario and seed give this same file, byte for byte.</footer>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * Whether the run has something to explain: a connection that failed, or an explanation (a
 * lost datagram, a DIP probed down). Such a report leads with why, before any verdict.
 */
function hasFailures(result: RunResult): boolean {
  return result.explanations.length > 0 || result.connections.some((c) => !successes.has(c.outcome));
}

/** A share as a percentage with one decimal at most, e.g. `13.8%`. */
function percent(count: number, of: number): string {
  return `${of === 0 ? 0 : Math.round((count / of) * 1000) / 10}%`;
}

/** The expectations' verdict: whether the run showed what the scenario says it shows. */
function expectationsVerdictOf(result: RunResult): { readonly className: string; readonly words: string } {
  if (result.status.kind !== 'completed') {
    return {
      className: 'not-met',
      words: `Stopped after ${result.status.eventsRun} events: ${shortStopReason(result.status)}`,
    };
  }
  if (result.expectations.length === 0) return { className: 'none', words: 'No expectations' };
  const failed = result.expectations.filter((expectation) => !expectation.met).length;
  return failed === 0
    ? {
        className: 'met',
        words:
          result.expectations.length === 1
            ? 'The expectation is met'
            : `All ${result.expectations.length} expectations met`,
      }
    : { className: 'not-met', words: `${failed} of ${result.expectations.length} expectations not met` };
}

/** The connections' verdict: how many failed, by outcome, or that all succeeded. */
function connectionsVerdictOf(result: RunResult): { readonly className: string; readonly words: string } {
  const total = result.connections.length;
  if (total === 0) return { className: 'none', words: 'No connections' };
  const failedByOutcome = new Map<string, number>();
  for (const connection of result.connections) {
    if (successes.has(connection.outcome)) continue;
    failedByOutcome.set(connection.outcome, (failedByOutcome.get(connection.outcome) ?? 0) + 1);
  }
  const failed = [...failedByOutcome.values()].reduce((sum, count) => sum + count, 0);
  if (failed === 0) return { className: 'met', words: `All ${total} connections succeeded` };
  const outcomes = [...failedByOutcome.entries()]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([outcome, count]) => `${count} ${outcome} (${percent(count, total)})`);
  return { className: 'not-met', words: `${failed} of ${total} connections failed: ${outcomes.join(', ')}` };
}

function renderHeader(input: ReportInput): string {
  const result = input.result;
  return [
    '<header>',
    `<h1>${text(result.name)}</h1>`,
    result.description === '' ? '' : `<p class="description">${text(result.description.trim())}</p>`,
    '<dl class="facts">',
    `<dt>scenario</dt><dd class="mono">${text(input.scenarioFile)}</dd>`,
    `<dt>seed</dt><dd>${result.seed}</dd>`,
    `<dt>virtual time</dt><dd>${text(formatDurationNs(result.durationNs))}</dd>`,
    `<dt>events run</dt><dd>${result.status.eventsRun}</dd>`,
    `<dt>packets sent</dt><dd>${result.packetsSent}</dd>`,
    result.platformSettings.length === 0
      ? ''
      : `<dt>platform settings</dt><dd id="platform-settings"><span class="mono">${result.platformSettings.map(text).join(', ')}</span> <span class="hint">each ${text(platformLabel)}: Azure runs its Muxes and hosts</span></dd>`,
    '</dl>',
    '<nav><a href="#explanations">Why</a><a href="#outcome">Outcome</a><a href="#topology">Topology</a><a href="#traffic">Traffic</a><a href="#sequences">Sequence diagrams</a><a href="#probes">Probe states</a><a href="#snat">SNAT ports</a><a href="#counters">Counters</a></nav>',
    '</header>',
  ].join('\n');
}

/**
 * Two facts, told apart: how the connections fared, and whether the run showed what the
 * scenario expects (a broken scenario expects its failures, so "expectations met" there means
 * the failure was reproduced, not that the connections were fine).
 */
function renderOutcome(result: RunResult): string {
  const connections = connectionsVerdictOf(result);
  const expectations = expectationsVerdictOf(result);
  const rows = result.expectations.map(
    (expectation) =>
      `<tr><td class="${expectation.met ? 'good' : 'bad'}">${expectation.met ? 'met' : 'NOT MET'}</td><td>${text(expectation.description)}</td><td>${text(expectation.actual)}</td></tr>`,
  );
  return [
    '<section id="outcome"><h2>Outcome</h2>',
    '<dl class="verdicts">',
    `<dt>Connections</dt><dd><span class="verdict ${connections.className}" id="connections-verdict">${text(connections.words)}</span></dd>`,
    `<dt>Expectations</dt><dd><span class="verdict ${expectations.className}" id="verdict">${text(expectations.words)}</span>${result.expectations.length === 0 ? '' : ' <span class="hint">whether the run showed what the scenario expects, failures included</span>'}</dd>`,
    '</dl>',
    rows.length === 0
      ? ''
      : [
          '<div id="expectations">',
          '<table><thead><tr><th>verdict</th><th>expected</th><th>what the run showed</th></tr></thead><tbody>',
          ...rows,
          '</tbody></table></div>',
        ].join('\n'),
    '</section>',
  ].join('\n');
}

function renderTopology(input: ReportInput): string {
  const frontends = input.topology.frontends.map(
    (frontend) =>
      `<li><span class="mono">${text(frontend.address)}</span>: frontend ${text(frontend.name)} of ${text(frontend.type)} load balancer ${text(frontend.loadBalancer)}</li>`,
  );
  return [
    '<section id="topology"><h2>Topology</h2>',
    `<div class="figure">${renderTopologySvg(input.topologyLayout)}</div>`,
    '<p class="legend">Solid lines: network links (every Mux and Host Agent hangs off the edge router; a Mux reaches a host through it, IP-in-IP). Dashed arrows: configuration (frontend → rule → backend pool → member VMs, probe → rule, NSG → the VMs whose NIC or subnet it guards). A red dashed box: a Mux that failed during the run.</p>',
    frontends.length === 0 ? '<p class="empty">No load-balancer frontends.</p>' : `<ul>${frontends.join('')}</ul>`,
    '</section>',
  ].join('\n');
}

function renderTraffic(result: RunResult): string {
  const items = result.traffic.map((item) => {
    const outcomes = item.outcomes.map(
      ([outcome, count]) =>
        `<tr><td class="${successes.has(outcome) ? 'good' : 'bad'}">${text(outcome)}</td><td class="number">${count}</td><td class="number">${item.started === 0 ? '0' : Math.round((count / item.started) * 1000) / 10}%</td></tr>`,
    );
    const dipList = (counts: ReadonlyArray<readonly [string, number]>) =>
      counts.map(([dip, count]) => {
        const owner = result.dipNames.get(dip);
        return `<span class="nowrap">${text(dip)}${owner === undefined ? '' : ` (${text(owner)})`} ×${count}</span>`;
      });
    const dips = dipList(item.dips);
    // As in the text summary: a DIP served a connection when its guest accepted it; refused and
    // unanswered ones are shown apart, and only when there are any.
    const refused = dipList(item.dipsRefused);
    const unanswered = dipList(item.dipsUnanswered);
    const muxes = item.muxes.map(([mux, count]) => `<span class="nowrap">${text(mux)} ×${count}</span>`);
    return [
      `<h3>${text(item.name)}: ${text(item.from)} → ${text(item.to)} ${text(item.protocol.toUpperCase())}, ${item.started} of ${item.configured} connections started</h3>`,
      `<table><thead><tr><th>outcome</th><th>connections</th><th>share</th></tr></thead><tbody>${outcomes.join('')}</tbody></table>`,
      `<p>DIPs served: ${dips.length === 0 ? '<span class="empty">none</span>' : dips.join(', ')}${refused.length === 0 ? '' : `<br>DIPs refused (the guest answered with RST or ICMP unreachable): ${refused.join(', ')}`}${unanswered.length === 0 ? '' : `<br>DIPs unanswered (a Mux sent them there; the guest sent nothing back): ${unanswered.join(', ')}`}<br>Muxes: ${muxes.length === 0 ? '<span class="empty">none</span>' : muxes.join(', ')}</p>`,
    ].join('\n');
  });
  return [
    '<section id="traffic"><h2>Traffic</h2>',
    ...(items.length === 0 ? ['<p class="empty">No traffic.</p>'] : items),
    '</section>',
  ].join('\n');
}

/** The failure mode in words, with what it is. */
function describeMode(explanation: Explanation): string {
  const mode = explanation.failureMode;
  return mode === undefined
    ? "none of the catalogue's failure modes"
    : `<span class="mono">${text(mode)}</span>: ${text(failureModes[mode])}`;
}

/** Why things failed: every explanation, with its evidence, cause, failure mode and fix. */
function renderExplanations(result: RunResult): string {
  const connections = connectionsVerdictOf(result);
  const items = result.explanations.map((explanation) => {
    const evidence = explanation.evidence.map(
      (item) =>
        `<li><span class="mono">${formatTimeNs(item.atNs)} s</span> at ${text(item.node)}${item.packet === '' ? '' : `: <span class="mono">${text(item.packet)}</span>`}${item.reason === undefined ? '' : ` dropped (<span class="bad">${text(item.reason)}</span>)`}: ${text(item.note)}</li>`,
    );
    const causedBy = explanation.causedBy.map((id) => `<a href="#explanation-${text(id)}">${text(id)}</a>`);
    return [
      `<article class="explanation" id="explanation-${text(explanation.id)}">`,
      `<h3>${text(explanation.id)}: ${text(explanation.headline)}</h3>`,
      `<p>${text(explanation.symptom)}.</p>`,
      evidence.length === 0 ? '' : `<p>Where:</p><ul>${evidence.join('')}</ul>`,
      `<p><strong>Why:</strong> ${text(explanation.cause)}${causedBy.length === 0 ? '' : ` (see ${causedBy.join(', ')})`}.</p>`,
      `<p><strong>Fix:</strong> ${text(explanation.fix)}.</p>`,
      `<p><strong>Failure mode:</strong> ${describeMode(explanation)}.</p>`,
      '</article>',
    ].join('\n');
  });
  return [
    '<section id="explanations"><h2>Why it failed</h2>',
    connections.className === 'not-met' ? `<p class="lead bad">${text(connections.words)}.</p>` : '',
    ...(items.length === 0
      ? ['<p class="good">Nothing to explain: every connection succeeded and no probe marked a DIP down.</p>']
      : items),
    '</section>',
  ].join('\n');
}

/** Mux name → when it failed (from the topology's failed Muxes), for the sequence lanes. */
function failedMuxesOf(input: ReportInput): Map<string, string> {
  return new Map(
    input.topologyLayout.nodes
      .filter((node) => node.kind === 'mux' && node.failure !== undefined)
      .map((node) => [node.title, node.failure as string]),
  );
}

function renderProbes(input: ReportInput): string {
  const configured = input.configuredProbes.map(
    (probe) =>
      `<li>${text(probe.name)} of ${text(probe.loadBalancer)}: <span class="mono">${text(probe.target)}</span></li>`,
  );
  const dips = [...new Set(input.probeStateChanges.map((change) => change.dip))].sort(compareAddresses);
  return [
    '<section id="probes"><h2>Probe states per DIP</h2>',
    configured.length === 0
      ? '<p>The scenario configures no health probes.</p>'
      : `<p>Configured probes:</p><ul>${configured.join('')}</ul>`,
    dips.length === 0
      ? '<p class="empty" id="no-probes">No DIP changed state: no rule uses a health probe, so every DIP takes new flows.</p>'
      : [
          `<div class="figure">${renderProbeTimelineSvg(dips, input.probeStateChanges, input.result.durationNs, input.result.dipNames, input.events)}</div>`,
          '<p class="legend"><span class="swatch up"></span> up <span class="swatch down"></span> down <span class="swatch unknown"></span> not probed up yet</p>',
          renderProbeChanges(input),
        ].join('\n'),
    '</section>',
  ].join('\n');
}

/** Every verdict change, in time order: when, which DIP, to what, and why. */
function renderProbeChanges(input: ReportInput): string {
  const rows = input.probeStateChanges.map((change) => {
    const vm = input.result.dipNames.get(change.dip);
    const dip = vm === undefined ? change.dip : `${change.dip} (${vm})`;
    return `<tr class="${change.state}"><td class="mono">${formatTimeNs(change.atNs)}</td><td class="name">${text(dip)}</td><td class="name">${text(change.probe)}</td><td>${change.state}</td><td>${text(change.reason)}</td></tr>`;
  });
  return collapsible(
    'Every probe verdict change',
    `<table class="probe-changes"><thead><tr><th>time (s)</th><th>DIP</th><th>probe</th><th>now</th><th>why</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    rows.length,
  );
}

function renderSnat(input: ReportInput): string {
  const durationNs = input.result.durationNs;
  const charts = input.snatPortUse.map((snat) => {
    const failure = snat.firstFailure;
    const facts = [
      `${text(snat.vm)} ${text(snat.dip)} ${text(snat.protocol.toUpperCase())} via ${text(snat.policy)} (${text(snat.frontends.join(', '))}): ${snat.flows} flows, up to ${snat.portLimit} ports; peak ${snat.peakUsedPorts} in use of ${snat.peakAllocatedPorts} granted`,
      failure === undefined
        ? '<span class="good">every new flow found a port</span>'
        : `<span class="bad">${snat.failedAllocations} new-flow packets found no free port; the first at ${formatTimeNs(failure.atNs)} s</span>: ${text(failure.note)}`,
    ];
    return `<p>${facts.join('<br>')}</p><div class="figure">${renderSnatChartSvg(snat, durationNs, input.events)}</div>`;
  });
  return [
    '<section id="snat"><h2>SNAT port use over time</h2>',
    ...(charts.length === 0
      ? ['<p class="empty" id="no-snat">No SNAT: no VM opened an outbound connection that needed a SNAT port.</p>']
      : charts),
    '</section>',
  ].join('\n');
}

const countedKinds: readonly TraceKind[] = [
  'receive',
  'send',
  'forward',
  'rewrite',
  'encapsulate',
  'decapsulate',
  'deliver',
  'drop',
];

/** The report's line on packets a Host Agent still held for SNAT ports at the end; none when none were. */
function heldForSnatNote(held: number): string[] {
  if (held === 0) return [];
  return [
    `<p>${held} packet${held === 1 ? ' was' : 's were'} still held at a Host Agent when the run ended, waiting for SNAT ports from the manager: neither delivered nor dropped.</p>`,
  ];
}

function renderCounters(input: ReportInput): string {
  const result = input.result;
  const drops = result.drops.map(
    (drop) =>
      `<tr><td class="bad name">${text(drop.reason)}</td><td class="name">${text(drop.node)}</td><td class="number">${drop.count}</td><td>${text(describeDropReason(drop.reason))}</td><td>${text(drop.example)}</td></tr>`,
  );
  const header = countedKinds.map((kind) => `<th>${text(traceEventNames[kind])}</th>`).join('');
  const nodes = input.nodeCounts.map(
    (node) =>
      `<tr><td class="name">${text(node.node)}</td>${countedKinds.map((kind) => `<td class="number${kind === 'drop' && node.counts[kind] > 0 ? ' bad' : ''}">${node.counts[kind]}</td>`).join('')}</tr>`,
  );
  return [
    '<section id="counters"><h2>Counters</h2>',
    '<h3>Drops by reason and node</h3>',
    drops.length === 0
      ? result.packetsHeldForSnat.length === 0
        ? '<p class="good">None: every packet was delivered.</p>'
        : '<p>None.</p>'
      : collapsible(
          'Drops',
          `<table id="drops"><thead><tr><th>reason</th><th>node</th><th>packets</th><th>meaning</th><th>first note</th></tr></thead><tbody>${drops.join('')}</tbody></table>`,
          drops.length,
        ),
    ...heldForSnatNote(result.packetsHeldForSnat.length),
    '<h3>Trace events per node</h3>',
    collapsible(
      'Events per node and kind',
      `<table id="node-counters"><thead><tr><th>node</th>${header}</tr></thead><tbody>${nodes.join('')}</tbody></table>`,
      nodes.length,
    ),
    '</section>',
  ].join('\n');
}

function compareAddresses(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
