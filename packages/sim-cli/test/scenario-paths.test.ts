import { describe, expect, it } from 'vitest';
import { conditionHolds, valuesAt } from '../src/exercises/scenario-paths.ts';

const start = {
  loadBalancers: [{ probes: [{ port: 80 }], rules: [{ backendPort: 443 }] }],
  hosts: [{ vms: [{ name: 'web-1' }, { name: 'web-2', loopbacks: ['52.170.10.20'] }] }],
};

describe('scenario paths', () => {
  it('names one value per place, undefined where a place has none', () => {
    expect(valuesAt(start, 'loadBalancers.*.probes.*.port')).toEqual([80]);
    expect(valuesAt(start, 'hosts.*.vms.*.loopbacks')).toEqual([undefined, ['52.170.10.20']]);
    expect(valuesAt(start, 'traffic.*.to')).toEqual([]);
    expect(valuesAt(start, 'network.mtu')).toEqual([undefined]);
  });

  it('judges each test against the start file', () => {
    const student = structuredClone(start) as typeof start & {
      loadBalancers: [{ probes: [{ probeThreshold?: number }] }];
    };
    student.loadBalancers[0].probes[0].probeThreshold = 5;
    const threshold = 'loadBalancers.*.probes.*.probeThreshold';
    expect(conditionHolds({ path: threshold, changed: true }, student, start)).toBe(true);
    expect(conditionHolds({ path: threshold, changed: true }, start, start)).toBe(false);
    expect(conditionHolds({ path: 'loadBalancers.*.probes.*.port', equals: 80 }, student, start)).toBe(true);
    expect(conditionHolds({ path: 'traffic.*.to', equals: 'x' }, student, start)).toBe(false);
    expect(conditionHolds({ path: 'hosts.*.vms.*.loopbacks', includes: '52.170.10.20' }, student, start)).toBe(true);
    expect(conditionHolds({ path: 'hosts.*.vms.*.loopbacks', lacks: '52.170.10.20' }, student, start)).toBe(false);
    expect(conditionHolds({ path: 'hosts.*.vms.*.loopbacks', absent: 'some' }, student, start)).toBe(true);
    expect(conditionHolds({ path: 'hosts.*.vms.*.loopbacks', absent: 'all' }, student, start)).toBe(false);
    expect(conditionHolds({ path: threshold, above: 4 }, student, start)).toBe(true);
    expect(conditionHolds({ path: threshold, below: 5 }, student, start)).toBe(false);
    expect(conditionHolds({ path: ['traffic', threshold], changed: true }, student, start)).toBe(true);
  });
});
