/**
 * The topology picture as SVG, from the laid-out graph (topology-layout.ts): network nodes and
 * links in solid lines, each load balancer as a box around its frontends, rules, pools and
 * probes, NSGs, and configuration references as dashed arrows. A Mux that failed during the
 * run is drawn in red and says when. Plain SVG with no script, so the report works offline.
 */
import { escapeHtml } from './escape-html.ts';
import { detailLinePx, groupTitlePx, type TopologyLayout, titleLinePx } from './topology-layout.ts';

/** The topology as an SVG element (a string), sized to fit. */
export function renderTopologySvg(layout: TopologyLayout): string {
  const groups = layout.groups.map(
    (group) =>
      `<g class="lb" data-lb="${escapeHtml(group.id)}"><rect x="${group.x}" y="${group.y}" width="${group.width}" height="${group.height}" rx="8"/>` +
      `<text class="lb-title" x="${group.x + 10}" y="${group.y + groupTitlePx / 2 + 6}">${escapeHtml(group.title)}</text></g>`,
  );
  const edges = layout.edges.map((edge) => {
    if (edge.points.length < 2) return '';
    const d = edge.points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${x},${y}`).join(' ');
    const arrow = edge.kind === 'config' ? ' marker-end="url(#topology-arrow)"' : '';
    return `<path class="${edge.kind}" data-from="${escapeHtml(edge.from)}" data-to="${escapeHtml(edge.to)}" d="${d}"${arrow}/>`;
  });
  const nodes = layout.nodes.map((node) => {
    const cx = node.x + node.width / 2;
    const lines = node.details.map(
      (line, i) =>
        `<text class="${node.failure !== undefined && i === node.details.length - 1 ? 'failure' : 'address'}" x="${cx}" y="${node.y + 8 + titleLinePx + i * detailLinePx + 8}">${escapeHtml(line)}</text>`,
    );
    const failed = node.failure === undefined ? '' : ' failed';
    const title = node.failure === undefined ? '' : `<title>${escapeHtml(`${node.title}: ${node.failure}`)}</title>`;
    return (
      `<g class="node ${node.kind}${failed}" data-node="${escapeHtml(node.id)}">${title}` +
      `<rect x="${node.x}" y="${node.y}" width="${node.width}" height="${node.height}" rx="6"/>` +
      `<text class="name" x="${cx}" y="${node.y + 8 + 12}">${escapeHtml(node.title)}</text>${lines.join('')}</g>`
    );
  });
  return [
    `<svg class="topology" xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-label="topology">`,
    '<defs><marker id="topology-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>',
    ...groups,
    ...edges,
    ...nodes,
    '</svg>',
  ].join('\n');
}
