import { describe, expect, it } from 'vitest';
import { buildWorld, parseScenarioText } from '../src/index.ts';
import { scheduleTraffic } from '../src/run/traffic-generator.ts';

const text = `name: t
duration: 1000h
# The loader refuses ten million connections a heap cannot hold; the budget bounds them here.
eventBudget: 1000000
hosts:
  - name: host-a
    vms: [{ name: web-1, nics: [{ ip: 10.1.0.4 }], listeners: [{ port: 80 }] }]
clients: [{ name: c, ip: 203.0.113.7 }]
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.0.0.1 }]
    backendPools: [{ name: web, members: [web-1] }]
    rules: [{ name: r, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 80 }]
traffic:
  - { from: c, to: 52.0.0.1:80, connections: 10000000, startAt: 1s, every: 1ms }
  - { from: c, to: 52.0.0.1:80, connections: 2, startAt: 1s, every: 1ms }
`;

describe('traffic generator', () => {
  it('schedules one connection of each item at a time, however many the item asks for', () => {
    // Arrange
    const loaded = parseScenarioText(text, 't.yaml');
    if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
    const world = buildWorld(loaded.scenario);
    const before = world.kernel.pendingEvents;
    // Act
    const started = scheduleTraffic(world);
    // Assert: one pending start per item, not ten million.
    expect(world.kernel.pendingEvents - before).toBe(2);
    world.kernel.runUntil(1_002_500_000);
    expect(started.map((c) => [c.id, c.traffic, c.startedAtNs])).toEqual([
      [1, 0, 1_000_000_000],
      [2, 1, 1_000_000_000],
      [3, 0, 1_001_000_000],
      [4, 1, 1_001_000_000],
      [5, 0, 1_002_000_000],
    ]);
  });
});
