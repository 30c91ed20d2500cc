import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSweepText } from '../src/load-sweep.ts';
import { OrderedRecords } from '../src/ordered-records.ts';
import { parsePath, withValueAtPath } from '../src/parameter-path.ts';
import { planSweep } from '../src/plan-sweep.ts';
import type { RunRecord } from '../src/run-task.ts';

const root = join(import.meta.dirname, '../../..');
const scenarioFile = join(root, 'scenarios/sweeps/ilb-self-mapping-pool.yaml');
const scenarioText = readFileSync(scenarioFile, 'utf8');

/** A sweep file's text over the ILB pool scenario with the given extra lines. */
function sweepText(lines: string): string {
  return `name: test\nscenario: ilb-self-mapping-pool.yaml\nseeds: 5..7\nmeasures:\n  - { name: failed, traffic: from-web-1, outcome: timed-out }\n${lines}`;
}

describe('parameter paths', () => {
  it('parses keys and list indexes', () => {
    expect(parsePath('loadBalancers[0].backendPools[1].members')).toEqual({
      ok: true,
      steps: ['loadBalancers', 0, 'backendPools', 1, 'members'],
    });
    for (const bad of ['', 'a..b', '[0]', 'a.', 'a[x]', 'a b']) expect(parsePath(bad).ok, bad).toBe(false);
  });

  it('copies along the path, creating mappings but never list items', () => {
    const document = { network: { muxes: 2 }, list: [{ a: 1 }] };
    expect(withValueAtPath(document, ['network', 'backendSelection'], 'modulo')).toEqual({
      ok: true,
      document: { network: { muxes: 2, backendSelection: 'modulo' }, list: [{ a: 1 }] },
    });
    expect(document.network).toEqual({ muxes: 2 });
    expect(withValueAtPath(document, ['list', 3, 'a'], 2).ok).toBe(false);
  });
});

describe('planning a sweep', () => {
  it('runs every grid point with every seed, the first parameter varying slowest', () => {
    const loaded = parseSweepText(
      sweepText(
        'parameters:\n  - { name: N, path: "loadBalancers[0].backendPools[0].members", first: [2, 3] }\n  - { name: muxes, path: network.muxes, values: [1, 4] }\n',
      ),
      'test.sweep.yaml',
    );
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const planned = planSweep(loaded.sweep, scenarioText, scenarioFile);
    if (!planned.ok) throw new Error(planned.errors.join('\n'));
    const { plan } = planned;
    expect(plan.runCount).toBe(12);
    expect(plan.points.map((point) => point.parameters)).toEqual([
      { N: 2, muxes: 1 },
      { N: 2, muxes: 4 },
      { N: 3, muxes: 1 },
      { N: 3, muxes: 4 },
    ]);
    const task = plan.taskAt(7);
    expect([task.point, task.seed]).toEqual([2, 6]);
    const scenario = JSON.parse(task.scenarioText);
    expect(scenario.loadBalancers[0].backendPools[0].members).toEqual(['web-1', 'web-2', 'web-3']);
    expect(scenario.network.muxes).toBe(1);
  });

  it('reports a grid point that is no valid scenario, and bad sweep files, by path', () => {
    const loaded = parseSweepText(
      sweepText('parameters:\n  - { name: muxes, path: network.muxes, values: [2, -1] }\n'),
      'test.sweep.yaml',
    );
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const planned = planSweep(loaded.sweep, scenarioText, scenarioFile);
    expect(planned.ok).toBe(false);
    expect(planned.ok ? [] : planned.errors.join('\n')).toMatch(/muxes=-1: network\.muxes: /);

    const bad = parseSweepText(
      sweepText('expect:\n  - { measure: nope, mean: { min: 0 } }\nseeds: 9..1\n'),
      'bad.sweep.yaml',
    );
    expect(bad.ok).toBe(false);
    const first = parseSweepText(
      sweepText('parameters:\n  - { name: N, path: "loadBalancers[0].backendPools[0].members", first: [9] }\n'),
      'x',
    );
    if (!first.ok) throw new Error(first.errors.join('\n'));
    const tooMany = planSweep(first.sweep, scenarioText, scenarioFile);
    expect(tooMany.ok ? '' : tooMany.errors.join('\n')).toMatch(/first: 9 asks for more items than the 8/);
  });

  it('names an unknown measure in an expectation, and an empty seed range', () => {
    const loaded = parseSweepText(
      'name: t\nscenario: x.yaml\nseeds: 9..1\nmeasures:\n  - { name: m, traffic: t, outcome: completed }\nexpect:\n  - { measure: nope, mean: { min: 0 } }\n',
      'f',
    );
    expect(loaded.ok ? [] : loaded.errors).toEqual([
      'f: seeds: the range 9..1 is empty: first must not exceed last',
      'f: expect[0].measure: no measure nope (measures: m)',
    ]);
  });
});

describe('ordered records', () => {
  it('releases records in run order whatever order they arrive in, once each', () => {
    const released: number[] = [];
    const ordered = new OrderedRecords((record) => released.push(record.run));
    const record = (run: number) => ({ run }) as RunRecord;
    for (const run of [2, 0, 3, 0, 1, 5]) ordered.add(record(run));
    expect(released).toEqual([0, 1, 2, 3]);
    ordered.flush();
    expect(released).toEqual([0, 1, 2, 3, 5]);
    expect(ordered.count).toBe(5);
  });
});
