/**
 * The report's topology picture, laid out by elkjs: for every scenario of the catalogue, no
 * line passes through a box it does not join (orthogonal routing keeps them around), no two
 * boxes overlap, and each load balancer's box holds its parts. Checked on the geometry, not on
 * a screenshot.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describeTopology, loadScenarioFile } from '@lbsim/scenario';
import { describe, expect, it } from 'vitest';
import { muxFailuresOf, topologyGraphOf } from '../src/report/topology-graph.ts';
import { layOutTopology, type Placed } from '../src/report/topology-layout.ts';
import { crosses } from './geometry.ts';

const root = join(import.meta.dirname, '../../..');

function scenarioFiles(directory: string): string[] {
  return readdirSync(directory)
    .sort()
    .flatMap((entry) => {
      const path = join(directory, entry);
      if (statSync(path).isDirectory()) return entry === 'scale' ? [] : scenarioFiles(path);
      return entry.endsWith('.yaml') && !entry.endsWith('.sweep.yaml') ? [path] : [];
    });
}

function overlap(a: Placed, b: Placed): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

const files = scenarioFiles(join(root, 'scenarios'));

describe('the topology picture', () => {
  it('covers the catalogue', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((file) => [relative(root, file), file]))(
    '%s: no line crosses a box it does not join; boxes do not overlap; load balancers hold their parts',
    async (_, file) => {
      const loaded = loadScenarioFile(file);
      if (!loaded.ok) throw new Error(`${file} does not load`);
      const scenario = loaded.scenario;
      const graph = topologyGraphOf(scenario, describeTopology(scenario), muxFailuresOf(scenario, undefined));
      const layout = await layOutTopology(graph);
      const crossings: string[] = [];
      for (const edge of layout.edges) {
        expect(edge.points.length, edge.id).toBeGreaterThanOrEqual(2);
        const mine = new Set([edge.from, edge.to]);
        const groupsOfEnds = new Set(layout.nodes.filter((node) => mine.has(node.id)).map((node) => node.group));
        const obstacles: Array<readonly [string, Placed]> = [
          ...layout.nodes.filter((node) => !mine.has(node.id)).map((node) => [node.id, node] as const),
          ...layout.groups.filter((group) => !groupsOfEnds.has(group.id)).map((group) => [group.id, group] as const),
        ];
        for (let i = 1; i < edge.points.length; i++) {
          const a = edge.points[i - 1] as readonly [number, number];
          const b = edge.points[i] as readonly [number, number];
          for (const [id, box] of obstacles) {
            if (crosses(a, b, box)) crossings.push(`${edge.from} → ${edge.to} crosses ${id}`);
          }
        }
      }
      expect(crossings).toEqual([]);
      const boxes = layout.nodes;
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i], boxes[j]] as [Placed & { id: string }, Placed & { id: string }];
          expect(overlap(a, b), `${a.id} overlaps ${b.id}`).toBe(false);
        }
      }
      for (const node of layout.nodes) {
        const group = layout.groups.find((g) => g.id === node.group);
        if (group === undefined) continue;
        expect(node.x >= group.x && node.x + node.width <= group.x + group.width, node.id).toBe(true);
        expect(node.y >= group.y && node.y + node.height <= group.y + group.height, node.id).toBe(true);
      }
    },
  );

  it('the crossing check finds a line through a box', () => {
    const box = { x: 10, y: 10, width: 20, height: 10 };
    expect(crosses([0, 15], [40, 15], box)).toBe(true);
    expect(crosses([0, 5], [40, 5], box)).toBe(false);
    expect(crosses([0, 10], [40, 10], box)).toBe(false);
    expect(crosses([20, 0], [20, 12], box)).toBe(true);
  });
});
