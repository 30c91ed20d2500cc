/**
 * Lays the topology graph out with ELK's layered algorithm (elkjs, the Eclipse Layout Kernel
 * compiled to JavaScript): layers left to right as a packet travels, load balancers as boxes
 * around their parts, and orthogonal edge routing, which routes every line around the boxes
 * it does not join. ELK is deterministic: the same graph gives the same coordinates, so the
 * report stays byte-identical for the same scenario and seed. The bundled build runs in Node
 * without a worker; its answer is a Promise.
 */
import elkBundle, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { TopologyEdge, TopologyGraph, TopologyGroup, TopologyNode } from './topology-graph.ts';

/** A box placed on the page, in px from the picture's top left. */
export interface Placed {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The laid-out topology: boxes, load-balancer boxes, and each edge as a polyline of points. */
export interface TopologyLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: ReadonlyArray<TopologyNode & Placed>;
  readonly groups: ReadonlyArray<TopologyGroup & Placed>;
  readonly edges: ReadonlyArray<TopologyEdge & { readonly points: ReadonlyArray<readonly [number, number]> }>;
}

/** Height of a box's title line and of each detail line, and the padding around them. */
export const titleLinePx = 16;
export const detailLinePx = 14;
const boxPaddingPx = 8;
/** Rough text widths (px per character) of the title (12 px, bold) and details (10.5 px). */
const titleCharPx = 7.4;
const detailCharPx = 6.4;
/** Room above a load balancer's parts for its title. */
export const groupTitlePx = 26;

/** A box's size from its text: wide enough for its longest line, tall enough for all. */
export function boxSizeOf(node: TopologyNode): { readonly width: number; readonly height: number } {
  const widest = Math.max(node.title.length * titleCharPx, ...node.details.map((line) => line.length * detailCharPx));
  return {
    width: Math.max(96, Math.ceil(widest + 2 * boxPaddingPx)),
    height: titleLinePx + node.details.length * detailLinePx + 2 * boxPaddingPx - 4,
  };
}

/** The constructor: the CommonJS bundle is its own `default` too, which types can name. */
const ELK = elkBundle.default;

const layoutOptions: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.layered.spacing.nodeNodeBetweenLayers': '56',
  'elk.layered.spacing.edgeNodeBetweenLayers': '20',
  'elk.spacing.nodeNode': '18',
  'elk.spacing.edgeNode': '14',
  'elk.spacing.edgeEdge': '8',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  // Muxes together, then hosts, each in scenario order: the reader finds mux-2 where it expects.
  'elk.layered.crossingMinimization.forceNodeModelOrder': 'true',
  'elk.padding': '[top=12,left=12,bottom=12,right=12]',
  'elk.json.edgeCoords': 'ROOT',
  'elk.json.shapeCoords': 'ROOT',
};

/** The graph laid out; coordinates rounded to 0.1 px so the page is the same everywhere. */
export async function layOutTopology(graph: TopologyGraph): Promise<TopologyLayout> {
  const elk = new ELK();
  const child = (node: TopologyNode): ElkNode => ({ id: node.id, ...boxSizeOf(node) });
  const groupChildren = (group: TopologyGroup): ElkNode => ({
    id: group.id,
    layoutOptions: {
      'elk.padding': `[top=${groupTitlePx + 8},left=12,bottom=12,right=12]`,
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      'elk.nodeSize.minimum': `(${Math.ceil(group.title.length * titleCharPx + 24)}, 40)`,
    },
    children: graph.nodes.filter((node) => node.group === group.id).map(child),
  });
  const root: ElkNode = {
    id: 'root',
    layoutOptions,
    children: [
      ...graph.nodes.filter((node) => node.group === undefined).map(child),
      ...graph.groups.map(groupChildren),
    ],
    edges: graph.edges.map((edge): ElkExtendedEdge => ({ id: edge.id, sources: [edge.from], targets: [edge.to] })),
  };
  const laid = await elk.layout(root);
  const placed = new Map<string, Placed>();
  const collect = (node: ElkNode) => {
    for (const inner of node.children ?? []) {
      placed.set(inner.id, {
        x: round(inner.x ?? 0),
        y: round(inner.y ?? 0),
        width: round(inner.width ?? 0),
        height: round(inner.height ?? 0),
      });
      collect(inner);
    }
  };
  collect(laid);
  const routes = new Map<string, Array<readonly [number, number]>>();
  const collectEdges = (node: ElkNode) => {
    for (const edge of node.edges ?? []) {
      const points = (edge.sections ?? []).flatMap((section) => [
        section.startPoint,
        ...(section.bendPoints ?? []),
        section.endPoint,
      ]);
      routes.set(
        edge.id,
        points.map((point) => [round(point.x), round(point.y)] as const),
      );
    }
    for (const inner of node.children ?? []) collectEdges(inner);
  };
  collectEdges(laid);
  const at = (id: string): Placed => placed.get(id) ?? { x: 0, y: 0, width: 0, height: 0 };
  return {
    width: round(laid.width ?? 0),
    height: round(laid.height ?? 0),
    nodes: graph.nodes.map((node) => ({ ...node, ...at(node.id) })),
    groups: graph.groups.map((group) => ({ ...group, ...at(group.id) })),
    edges: graph.edges.map((edge) => ({ ...edge, points: routes.get(edge.id) ?? [] })),
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
