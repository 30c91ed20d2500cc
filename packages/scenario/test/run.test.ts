import { describe, expect, it } from 'vitest';
import { parseScenarioText, type RunResult, runScenario } from '../src/index.ts';

const text = `name: stop
duration: 10s
network: { muxes: 2 }
hosts:
  - name: h1
    vms: [{ name: web-1, nics: [{ ip: 10.1.0.4, networkSecurityGroup: open }], listeners: [{ port: 80 }] }]
  - name: h2
    vms: [{ name: web-2, nics: [{ ip: 10.1.0.5, networkSecurityGroup: open }], listeners: [{ port: 80 }] }]
clients: [{ name: c, ip: 203.0.113.7 }]
networkSecurityGroups:
  - name: open
    securityRules: [{ name: http, priority: 100, direction: Inbound, access: Allow, protocol: Tcp, destinationPortRange: 80 }]
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.0.0.1 }]
    backendPools: [{ name: web, members: [web-1, web-2] }]
    rules: [{ name: r, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 80 }]
traffic:
  - { name: t, from: c, to: 52.0.0.1:80, connections: 20, every: 100ms }
events:
  - { at: 0s, action: stop-listener, vm: web-2, port: 80 }
  - { at: 2s, action: start-listener, vm: web-2, port: 80 }
expect:
  - { traffic: t, outcome: refused, fraction: { min: 0.1, max: 0.5 } }
  - { traffic: t, drops: { reason: no-listener, node: web-2 } }
  - { drops: { reason: no-listener }, count: { min: 20 } }
`;

function run(source: string): RunResult {
  const loaded = parseScenarioText(source, 'x.yaml');
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
  return runScenario(loaded.scenario);
}

describe('runScenario', () => {
  const result = run(text);

  it('connections to a DIP whose listener stopped are refused until it starts again', () => {
    const refused = result.connections.filter((c) => c.outcome === 'refused');
    expect(refused.length).toBeGreaterThan(0);
    for (const connection of refused) {
      expect(connection.dips).toEqual(['10.1.0.5']);
      expect(connection.startedAtNs).toBeLessThan(2e9);
      expect(connection.drops[0]).toMatchObject({ node: 'web-2', reason: 'no-listener' });
    }
    expect(result.connections.filter((c) => c.startedAtNs > 2e9).every((c) => c.outcome === 'completed')).toBe(true);
  });

  it('counts drops per traffic item and for the run', () => {
    const refused = result.connections.filter((c) => c.outcome === 'refused').length;
    expect(result.traffic[0]?.drops).toEqual([
      { reason: 'no-listener', node: 'web-2', count: refused, example: expect.any(String) },
    ]);
    expect(result.drops).toEqual(result.traffic[0]?.drops);
  });

  it('evaluates outcome and drops expectations, met and not', () => {
    expect(result.expectations.map((e) => [e.met, e.actual])).toEqual([
      [true, expect.stringMatching(/^\d+\/20 refused/)],
      [true, expect.stringMatching(/^\d+ dropped$/)],
      [false, expect.stringMatching(/^\d+ dropped$/)],
    ]);
    expect(result.expectationsMet).toBe(false);
  });

  it('rejects a drops expectation at a node that does not exist', () => {
    const loaded = parseScenarioText(text.replace('node: web-2', 'node: web-9'), 'x.yaml');
    expect(loaded.ok ? [] : loaded.errors.map((e) => e.message)).toEqual([
      'no node is called "web-9" (did you mean "web-1"?)',
    ]);
  });
});

describe('what the DIPs did, as their guests answered (not as the Muxes chose)', () => {
  const result = run(text.replace(/expect:[\s\S]*$/, 'expect:\n  - { traffic: t, dipsServed: { min: 2 } }\n'));
  const traffic = result.traffic[0] as RunResult['traffic'][number];

  it('a DIP whose guest refused a connection did not serve it; one whose guest accepted did', () => {
    for (const connection of result.connections) {
      if (connection.outcome === 'refused') {
        expect(connection.servedBy).toEqual([]);
        expect(connection.refusedBy).toEqual(connection.dips);
      } else {
        expect(connection.outcome).toBe('completed');
        expect(connection.servedBy).toEqual(connection.dips);
        expect(connection.refusedBy).toEqual([]);
      }
    }
    const count = (dip: string, list: 'servedBy' | 'refusedBy') =>
      result.connections.filter((c) => c[list].includes(dip)).length;
    expect(traffic.dips).toEqual(
      ['10.1.0.4', '10.1.0.5'].map((dip) => [dip, count(dip, 'servedBy')]).filter(([, n]) => n !== 0),
    );
    expect(traffic.dipsRefused).toEqual([['10.1.0.5', count('10.1.0.5', 'refusedBy')]]);
    expect(traffic.dipsUnanswered).toEqual([]);
  });

  it('a Standard public load balancer with no NSG: the Muxes pick both DIPs, the hosts drop every packet: no DIP served', () => {
    const closed = run(
      text
        .replaceAll(', networkSecurityGroup: open', '')
        .replace(/networkSecurityGroups:[\s\S]*?loadBalancers:/, 'loadBalancers:')
        .replace(/events:[\s\S]*$/, 'expect:\n  - { traffic: t, dipsServed: { min: 1 } }\n'),
    );
    const item = closed.traffic[0] as RunResult['traffic'][number];
    // 10 s is too short for Linux to give up on the SYN: connections end the run pending.
    expect(new Set(closed.connections.map((c) => c.outcome))).toEqual(new Set(['pending']));
    expect(new Set(closed.connections.flatMap((c) => c.dips))).toEqual(new Set(['10.1.0.4', '10.1.0.5']));
    expect(closed.connections.every((c) => c.servedBy.length === 0 && c.refusedBy.length === 0)).toBe(true);
    expect(item.dips).toEqual([]);
    expect(item.dipsUnanswered.reduce((sum, [, n]) => sum + n, 0)).toBe(20);
    expect(closed.expectations).toEqual([
      {
        description: 't: served by at least 1 DIPs',
        met: false,
        actual: '0 DIPs served it; the Muxes sent it to 2 DIPs, whose guests refused it or never answered',
      },
    ]);
    expect(closed.expectationsMet).toBe(false);
  });
});
