/**
 * The report's sequence-diagram section (`report-page.ts`): one article per selected connection
 * with its outcome, the explanation it belongs to, its diagram (`sequence-svg.ts`) and its steps
 * as a table.
 */
import { formatTimeNs } from '@lbsim/core';
import type { Explanation } from '@lbsim/scenario';
import { describeFailure } from '../format/summary.ts';
import { escapeHtml as text } from './escape-html.ts';
import type { NodeKind } from './node-kinds.ts';
import type { ConnectionSequence, SequenceRow } from './report-model.ts';
import { collapsible, successes } from './report-parts.ts';
import { renderSequenceSvg } from './sequence-svg.ts';

/**
 * The sequence-diagram section: `sequences` drawn with node `kinds`, each linked to the
 * explanation that names its connection, with `failedMuxes` (Mux name → when it failed) marked.
 */
export function renderSequences(
  sequences: readonly ConnectionSequence[],
  kinds: ReadonlyMap<string, NodeKind>,
  explanations: readonly Explanation[],
  failedMuxes: ReadonlyMap<string, string>,
): string {
  const parts = sequences.map((sequence) =>
    renderSequence(
      sequence,
      kinds,
      explanations.find((explanation) => explanation.connections.includes(sequence.connection.id)),
      failedMuxes,
    ),
  );
  return [
    '<section id="sequences"><h2>Sequence diagrams</h2>',
    '<p>One per selected connection: for each traffic item the first connection of every failing outcome and the first that succeeded (or the ones named with <span class="mono">--connection</span>). Arrows are packets crossing a link; a red cross is a drop; red arrows are RSTs and ICMP messages. A long connection shows its first steps, every drop, RST and ICMP message with the steps around it, and its last steps; a grey band says how many quiet steps were elided there.</p>',
    ...(parts.length === 0 ? ['<p class="empty">No connections to draw.</p>'] : parts),
    '</section>',
  ].join('\n');
}

function renderSequence(
  sequence: ConnectionSequence,
  kinds: ReadonlyMap<string, NodeKind>,
  explanation: Explanation | undefined,
  failedMuxes: ReadonlyMap<string, string>,
): string {
  const connection = sequence.connection;
  const failed = !successes.has(connection.outcome);
  const rows = sequence.rows.map(renderStepRow);
  const shown = sequence.rows.filter((row) => row.kind === 'step').length;
  const elided = sequence.totalSteps - shown;
  const elidedNote =
    elided === 0
      ? ''
      : `<p class="elided-note">${shown} of ${sequence.totalSteps} steps shown: the first, every drop, RST and ICMP message with the steps around it, and the last; ${elided} quiet steps elided. <span class="mono">lbsim run --trace --connection ${connection.id}</span> prints them all.</p>`;
  return [
    `<article class="connection ${failed ? 'failed' : 'succeeded'}" id="connection-${connection.id}" data-outcome="${text(connection.outcome)}">`,
    `<h3>Connection ${connection.id} of ${text(sequence.trafficName)}: <span class="${failed ? 'bad' : 'good'}">${text(connection.outcome)}</span></h3>`,
    failed ? `<p>${text(describeFailure(connection))}</p>` : '',
    explanation === undefined
      ? ''
      : `<p class="why">Why: <a href="#explanation-${text(explanation.id)}">${text(explanation.id)}</a>, ${explanation.failureMode === undefined ? 'not a catalogue failure mode' : `<span class="mono">${text(explanation.failureMode)}</span>`}. Fix: ${text(explanation.fix)}.</p>`,
    elidedNote,
    sequence.rows.length === 0
      ? '<p class="empty">No packet of this connection crossed a link.</p>'
      : `<div class="figure">${renderSequenceSvg(`seq-${connection.id}`, sequence.rows, sequence.nodes, kinds, failedMuxes)}</div>`,
    sequence.rows.length === 0
      ? ''
      : collapsible(
          `The ${shown} steps shown, packet by packet`,
          `<table class="steps"><thead><tr><th>#</th><th>time (s)</th><th>where</th><th>packet</th><th>note</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
          rows.length,
        ),
    '</article>',
  ].join('\n');
}

function renderStepRow(row: SequenceRow): string {
  if (row.kind === 'elided') {
    return `<tr class="elided"><td colspan="5">${row.count} ${row.count === 1 ? 'step' : 'steps'} elided${row.quiet ? ': no drop, RST or ICMP among them' : ''}</td></tr>`;
  }
  const { number, step } = row;
  if (step.kind === 'message') {
    return `<tr${step.failing ? ' class="failing"' : ''}><td class="number">${number}</td><td class="mono">${formatTimeNs(step.atNs)}</td><td class="name">${text(step.from)} → ${text(step.to)}</td><td class="mono">${text(step.packet)}</td><td>${text(step.note)}</td></tr>`;
  }
  return `<tr class="drop"><td class="number">${number}</td><td class="mono">${formatTimeNs(step.atNs)}</td><td class="name">DROP at ${text(step.node)}</td><td class="mono">${text(step.packet)}</td><td>${text(step.reason)}: ${text(step.note)}</td></tr>`;
}
