/**
 * Events of the host side: NSG rule changes apply to new flows only (docs/mechanics.md §2.3, §7.6),
 * and a stopped VM drops everything until it starts again with fresh state.
 */
import { describe, expect, it } from 'vitest';
import { buildWorld, parseScenarioText, type RunResult, runScenario } from '../src/index.ts';

const world = `name: events
duration: 60s
network: { muxes: 2 }
hosts:
  - name: h1
    vms:
      - name: web-1
        nics: [{ ip: 10.1.0.4, networkSecurityGroup: web-nsg }]
        listeners:
          - { port: 80, http: { responses: [{ path: /slow, status: 200, delay: 10s }] } }
clients: [{ name: c, ip: 203.0.113.7 }]
networkSecurityGroups:
  - name: web-nsg
    securityRules:
      - { name: allow-http, priority: 200, direction: Inbound, access: Allow, protocol: Tcp, destinationPortRange: 80 }
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.0.0.1 }]
    backendPools: [{ name: web, members: [web-1] }]
    rules: [{ name: r, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 80 }]
`;

function run(text: string): RunResult {
  const loaded = parseScenarioText(text, 'x.yaml');
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
  return runScenario(loaded.scenario);
}

const outcomesOf = (result: RunResult, traffic: number) =>
  result.connections.filter((c) => c.traffic === traffic).map((c) => c.outcome);

describe('NSG rule changes', () => {
  const result = run(`${world}traffic:
  - { name: long, from: c, to: 52.0.0.1:80, path: /slow, startAt: 1s }
  - { name: during, from: c, to: 52.0.0.1:80, startAt: 5s, every: 1s, connections: 3 }
  - { name: after, from: c, to: 52.0.0.1:80, startAt: 40s, every: 1s, connections: 3 }
events:
  - at: 3s
    action: set-security-rule
    networkSecurityGroup: web-nsg
    rule: { name: deny-c, priority: 100, direction: Inbound, access: Deny, protocol: '*', sourceAddressPrefix: 203.0.113.7 }
  - { at: 30s, action: delete-security-rule, networkSecurityGroup: web-nsg, name: deny-c }
`);

  it('a connection established before a deny rule goes on and completes (its flow is recorded)', () => {
    expect(outcomesOf(result, 0)).toEqual(['completed']);
    expect(result.connections[0]?.dropCount).toBe(0);
  });

  it('new connections while the rule is there are denied, naming the rule; after its removal they complete', () => {
    expect(outcomesOf(result, 1)).toEqual(['timed-out', 'timed-out', 'timed-out']);
    expect(result.traffic[1]?.drops.map((d) => [d.reason, d.node, d.example.split(':')[0]])).toEqual([
      ['nsg-denied', 'h1', 'NSG web-nsg (NIC web-1-nic0)'],
    ]);
    expect(result.traffic[1]?.drops[0]?.example).toContain('Inbound rule deny-c (priority 100)');
    expect(outcomesOf(result, 2)).toEqual(['completed', 'completed', 'completed']);
  });
});

describe('stopping and starting a VM', () => {
  const result = run(`${world}traffic:
  - { name: slow, from: c, to: 52.0.0.1:80, path: /slow, startAt: 1s }
  - { name: stopped, from: c, to: 52.0.0.1:80, startAt: 4s }
  - { name: restarted, from: c, to: 52.0.0.1:80, startAt: 20s }
events:
  - { at: 3s, action: stop-vm, vm: web-1 }
  - { at: 12s, action: start-vm, vm: web-1 }
`);

  it('a connection in progress loses its server: no response ever comes', () => {
    expect(outcomesOf(result, 0)).toEqual(['established']);
  });

  it('while stopped every packet for the VM is dropped (vm-stopped); the SYNs of a connection opened then time out', () => {
    expect(outcomesOf(result, 1)).toEqual(['timed-out']);
    expect(result.traffic[1]?.drops.map((d) => [d.reason, d.node, d.count])).toEqual([['vm-stopped', 'web-1', 4]]);
  });

  it('started again, it boots its listeners and serves new connections', () => {
    expect(outcomesOf(result, 2)).toEqual(['completed']);
  });
});

describe('guest OS settings reach the stack', () => {
  it('tcp_tw_recycle is on where the scenario sets it, off elsewhere; timestamps follow the OS', () => {
    const loaded = parseScenarioText(
      `name: os
hosts:
  - name: h1
    vms:
      - { name: lin-1, nics: [{ ip: 10.1.0.4 }], tcp: { twRecycle: true } }
      - { name: lin-2, nics: [{ ip: 10.1.0.5 }] }
      - { name: win-1, os: windows, nics: [{ ip: 10.1.0.6 }] }
`,
      'x.yaml',
    );
    if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
    const vms = buildWorld(loaded.scenario).vms;
    const settings = ['lin-1', 'lin-2', 'win-1'].map((name) => {
      const config = vms.get(name)?.endpoint.config;
      return [config?.twRecycle, config?.timestamps];
    });
    expect(settings).toEqual([
      [true, true],
      [false, true],
      [false, false],
    ]);
  });
});
