/**
 * The sequence diagram of one connection as SVG: a lifeline per node the connection touched
 * (clients, router, Muxes, Host Agents, guests, left to right), an arrow per packet that
 * crossed a link, numbered to match the table under the diagram, and a red cross where a
 * packet was dropped. RSTs and ICMP messages are drawn in red too; a band across the lifelines
 * says how many quiet steps were elided there. Laid out here, without a script, so it is the
 * same bytes every run.
 */
import { formatTimeNs } from '@lbsim/core';
import { escapeHtml } from './escape-html.ts';
import { type NodeKind, nodeKindNames, nodeKindOrder } from './node-kinds.ts';
import type { SequenceRow, SequenceStep } from './report-model.ts';

const timeColumnPx = 96;
const laneWidthPx = 140;
const headerPx = 48;
const rowPx = 26;
const footerPx = 12;
/** Room right of the last lifeline (a drop there is labelled on its left). */
const rightMarginPx = 16;

/** The lifelines of a diagram: the nodes (in order of first use), ordered by kind then first use. */
export function lanesOf(nodes: readonly string[], kinds: ReadonlyMap<string, NodeKind>): string[] {
  const firstUse = new Map<string, number>();
  for (const node of nodes) if (!firstUse.has(node)) firstUse.set(node, firstUse.size);
  const rank = (node: string) => {
    const kind = kinds.get(node);
    return kind === undefined ? nodeKindOrder.length : nodeKindOrder.indexOf(kind);
  };
  return [...firstUse.keys()].sort(
    (a, b) => rank(a) - rank(b) || (firstUse.get(a) as number) - (firstUse.get(b) as number),
  );
}

/**
 * The diagram as an SVG element (a string).
 * @param id a prefix unique in the page, for the arrowhead markers
 * @param nodes every node the connection's steps touched, elided steps included
 * @param failures node → why its lane is marked failed (a Mux that failed during the run)
 */
export function renderSequenceSvg(
  id: string,
  rows: readonly SequenceRow[],
  nodes: readonly string[],
  kinds: ReadonlyMap<string, NodeKind>,
  failures: ReadonlyMap<string, string> = new Map(),
): string {
  const lanes = lanesOf(nodes, kinds);
  const laneX = new Map(lanes.map((lane, i) => [lane, timeColumnPx + laneWidthPx / 2 + i * laneWidthPx]));
  const width = timeColumnPx + lanes.length * laneWidthPx + rightMarginPx;
  const lastLaneX = timeColumnPx + laneWidthPx / 2 + (lanes.length - 1) * laneWidthPx;
  const height = headerPx + rows.length * rowPx + footerPx;
  const marker = `${id}-arrow`;
  const failingMarker = `${id}-arrow-failing`;
  const parts: string[] = [
    `<svg class="sequence" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="sequence diagram">`,
    `<defs><marker id="${marker}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>` +
      `<marker id="${failingMarker}" class="failing" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>`,
  ];
  for (const lane of lanes) {
    const x = laneX.get(lane) as number;
    const kind = kinds.get(lane);
    const failure = failures.get(lane);
    const kindWords = kind === undefined ? '' : nodeKindNames[kind];
    parts.push(
      `<g class="lane ${kind ?? 'other'}${failure === undefined ? '' : ' failed'}">` +
        (failure === undefined ? '' : `<title>${escapeHtml(`${lane}: ${failure}`)}</title>`) +
        `<rect x="${x - 66}" y="4" width="132" height="36" rx="5"/>` +
        `<text class="lane-name" x="${x}" y="20">${escapeHtml(lane)}</text>` +
        `<text class="lane-kind" x="${x}" y="34">${escapeHtml(failure === undefined ? kindWords : `${kindWords}, ${failure.split(',')[0] ?? ''}`)}</text>` +
        `<line class="lifeline" x1="${x}" y1="${headerPx - 8}" x2="${x}" y2="${height - 4}"/></g>`,
    );
  }
  rows.forEach((row, i) => {
    const y = headerPx + i * rowPx + rowPx / 2 + 4;
    if (row.kind === 'elided') {
      parts.push(renderElided(row, y, width));
      return;
    }
    const step = row.step;
    parts.push(`<text class="time" x="4" y="${y + 4}">${formatTimeNs(step.atNs)}</text>`);
    if (step.kind === 'message') {
      parts.push(renderMessage(row.number, step, laneX, y, step.failing ? failingMarker : marker));
    } else {
      const x = laneX.get(step.node) as number;
      parts.push(renderDrop(row.number, step, x, y, x === lastLaneX ? 'left' : 'right'));
    }
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function renderMessage(
  number: number,
  step: Extract<SequenceStep, { kind: 'message' }>,
  laneX: ReadonlyMap<string, number>,
  y: number,
  marker: string,
): string {
  const x1 = laneX.get(step.from) as number;
  const x2 = laneX.get(step.to) as number;
  const labelX = (x1 + x2) / 2;
  return (
    `<g class="message${step.failing ? ' failing' : ''}"><title>${escapeHtml(`#${number} ${step.packet} — ${step.note}`)}</title>` +
    `<line x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" marker-end="url(#${marker})"/>` +
    `<text class="label" x="${labelX}" y="${y - 4}">${escapeHtml(`${number}. ${step.label}`)}</text></g>`
  );
}

function renderDrop(
  number: number,
  step: Extract<SequenceStep, { kind: 'drop' }>,
  x: number,
  y: number,
  side: 'left' | 'right',
): string {
  const size = 6;
  const label =
    side === 'right'
      ? `<text class="drop-label" x="${x + 10}" y="${y + 4}">`
      : `<text class="drop-label end" x="${x - 10}" y="${y + 4}">`;
  return (
    `<g class="drop"><title>${escapeHtml(`#${number} dropped at ${step.node}: ${step.reason}: ${step.note}`)}</title>` +
    `<path d="M${x - size},${y - size} L${x + size},${y + size} M${x - size},${y + size} L${x + size},${y - size}"/>` +
    `${label}${escapeHtml(`${number}. DROP ${step.reason}`)}</text></g>`
  );
}

/** A band across the diagram where quiet steps were left out, saying how many. */
function renderElided(row: Extract<SequenceRow, { kind: 'elided' }>, y: number, width: number): string {
  const count = row.count;
  return (
    `<g class="elided"><rect x="0" y="${y - rowPx / 2 + 3}" width="${width}" height="${rowPx - 6}"/>` +
    `<text x="${width / 2}" y="${y + 4}">${count} ${count === 1 ? 'step' : 'steps'} elided${row.quiet ? ': no drop, RST or ICMP among them' : ''}</text></g>`
  );
}
