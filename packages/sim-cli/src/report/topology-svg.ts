/**
 * The topology picture: one column per kind of node (clients, router, Muxes, Host Agents,
 * VMs), each node a box with its name and address, joined by its links. Plain SVG, laid out
 * here, so the report needs no script or network to show it.
 */
import type { Topology } from '@lbsim/scenario';
import { escapeHtml } from './escape-html.ts';
import type { NodeKind } from './node-kinds.ts';

const columnWidthPx = 210;
const boxWidthPx = 160;
const boxHeightPx = 42;
const rowHeightPx = 56;
const marginPx = 16;

interface PlacedNode {
  readonly name: string;
  readonly address: string;
  readonly kind: NodeKind;
  readonly x: number;
  readonly y: number;
}

function column(
  kind: NodeKind,
  nodes: ReadonlyArray<{ readonly name: string; readonly address: string }>,
  index: number,
) {
  return nodes.map((node, row) => ({ ...node, kind, column: index, row }));
}

/** The topology as an SVG element (a string), sized to fit. */
export function renderTopologySvg(topology: Topology): string {
  const vms = topology.hosts.flatMap((host) =>
    host.vms.map((vm) => ({ name: vm.name, address: vm.nics.map((nic) => nic.address).join(', '), host: host.name })),
  );
  const columns = [
    column('client', topology.clients, 0),
    column('router', [{ name: topology.router, address: 'ECMP' }], 1),
    column('mux', topology.muxes, 2),
    column(
      'host',
      topology.hosts.map((host) => ({ name: host.name, address: '' })),
      3,
    ),
    column('guest', vms, 4),
  ];
  const tallest = Math.max(1, ...columns.map((nodes) => nodes.length));
  const height = marginPx * 2 + tallest * rowHeightPx;
  const width = marginPx * 2 + 4 * columnWidthPx + boxWidthPx;
  const placed = new Map<string, PlacedNode>();
  for (const nodes of columns) {
    const offset = ((tallest - nodes.length) * rowHeightPx) / 2;
    for (const node of nodes) {
      placed.set(node.name, {
        name: node.name,
        address: node.address,
        kind: node.kind,
        x: marginPx + node.column * columnWidthPx,
        y: marginPx + offset + node.row * rowHeightPx,
      });
    }
  }
  const links: Array<readonly [string, string]> = [
    ...topology.clients.map((client) => [client.name, topology.router] as const),
    ...topology.muxes.map((mux) => [topology.router, mux.name] as const),
    ...topology.hosts.map((host) => [topology.router, host.name] as const),
    ...vms.map((vm) => [vm.host, vm.name] as const),
  ];
  const lines = links.map(([a, b]) => renderLink(placed.get(a), placed.get(b)));
  const boxes = [...placed.values()].map(renderNode);
  return [
    `<svg class="topology" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="topology">`,
    ...lines,
    ...boxes,
    '</svg>',
  ].join('\n');
}

function renderLink(a: PlacedNode | undefined, b: PlacedNode | undefined): string {
  if (a === undefined || b === undefined) return '';
  const [left, right] = a.x <= b.x ? [a, b] : [b, a];
  const x1 = left.x + boxWidthPx;
  const y1 = left.y + boxHeightPx / 2;
  const x2 = right.x;
  const y2 = right.y + boxHeightPx / 2;
  return `<line class="link" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"/>`;
}

function renderNode(node: PlacedNode): string {
  const cx = node.x + boxWidthPx / 2;
  const address =
    node.address === '' ? '' : `<text class="address" x="${cx}" y="${node.y + 32}">${escapeHtml(node.address)}</text>`;
  return [
    `<g class="node ${node.kind}" data-node="${escapeHtml(node.name)}">`,
    `<rect x="${node.x}" y="${node.y}" width="${boxWidthPx}" height="${boxHeightPx}" rx="6"/>`,
    `<text class="name" x="${cx}" y="${node.y + (node.address === '' ? 26 : 17)}">${escapeHtml(node.name)}</text>`,
    address,
    '</g>',
  ].join('');
}
