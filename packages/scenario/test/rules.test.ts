import { describe, expect, it } from 'vitest';
import { parseScenarioText, type RunResult, runScenario } from '../src/index.ts';

// Standard load balancers are closed to inbound traffic until an NSG opens it, so every
// VM here sits behind one that allows all inbound traffic; these tests are about rules.
const openNsg = `networkSecurityGroups:
  - name: open
    securityRules:
      - { name: allow-all, priority: 100, direction: Inbound, access: Allow, protocol: '*' }
`;

function run(source: string): RunResult {
  const loaded = parseScenarioText(source + openNsg, 'x.yaml');
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => `${e.path} ${e.message}`).join('\n'));
  return runScenario(loaded.scenario);
}

const hosts = (
  count: number,
  listeners = '[{ port: 80 }, { port: 22, app: echo }, { port: 5000, app: echo }, { protocol: Udp, port: 5353 }]',
) =>
  Array.from(
    { length: count },
    (_, i) =>
      `  - name: h${i + 1}\n    vms: [{ name: vm-${i + 1}, nics: [{ ip: 10.9.0.${i + 4}, networkSecurityGroup: open }], listeners: ${listeners} }]`,
  ).join('\n');

describe('rules beyond load-balancing rules', () => {
  it('an inbound NAT rule forwards one frontend port to the port of one VM', () => {
    const result = run(`name: nat
duration: 10s
network: { muxes: 2 }
hosts:
${hosts(3)}
clients: [{ name: c, ip: 198.51.100.1 }]
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.0.0.1 }]
    inboundNatRules:
      - { name: ssh-vm-2, frontend: fe, target: vm-2, protocol: Tcp, frontendPort: 50022, backendPort: 22 }
traffic:
  - { name: ssh, from: c, to: 52.0.0.1:50022, app: echo, connections: 20, every: 100ms }
`);
    expect(result.traffic[0]?.outcomes).toEqual([['completed', 20]]);
    expect(result.traffic[0]?.dips).toEqual([['10.9.0.5', 20]]);
  });

  it('an HA-ports rule on an internal load balancer carries every TCP and UDP port, keeping the port', () => {
    const result = run(`name: ha-ports
duration: 10s
network: { muxes: 2 }
hosts:
${hosts(3)}
  - name: h9
    vms: [{ name: client-vm, nics: [{ ip: 10.9.1.4 }] }]
loadBalancers:
  - name: ilb
    type: internal
    frontends: [{ name: fe, ip: 10.9.0.100 }]
    backendPools: [{ name: all, members: [vm-1, vm-2, vm-3] }]
    rules:
      - { name: ha, frontend: fe, backendPool: all, protocol: All, frontendPort: 0, backendPort: 0 }
traffic:
  - { name: web, from: client-vm, to: 10.9.0.100:80, connections: 10 }
  - { name: app, from: client-vm, to: 10.9.0.100:5000, app: echo, connections: 10 }
  - { name: dns, from: client-vm, to: 10.9.0.100:5353, protocol: Udp, connections: 10 }
`);
    expect(result.traffic.map((t) => t.outcomes)).toEqual([
      [['completed', 10]],
      [['completed', 10]],
      [['answered', 10]],
    ]);
  });
});

describe('pool members', () => {
  it('weights share new flows in proportion; a drained member takes none', () => {
    const result = run(`name: weights
duration: 30s
network: { muxes: 2 }
hosts:
${hosts(3)}
clients: [{ name: c, ip: 198.51.100.1 }]
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.0.0.1 }]
    backendPools: [{ name: web, members: [vm-1, { name: vm-2, weight: 3 }, vm-3] }]
    rules: [{ name: r, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 80 }]
traffic:
  - { name: before, from: c, to: 52.0.0.1:80, connections: 500, startAt: 1s, every: 10ms }
  - { name: after, from: c, to: 52.0.0.1:80, connections: 200, startAt: 10s, every: 10ms }
events:
  - { at: 8s, action: drain-backend, loadBalancer: lb, backendPool: web, member: vm-2 }
`);
    const before = new Map(result.traffic[0]?.dips);
    expect((before.get('10.9.0.5') ?? 0) / 500).toBeCloseTo(0.6, 1);
    expect(new Map(result.traffic[1]?.dips).get('10.9.0.5')).toBeUndefined();
    expect(result.traffic[1]?.outcomes).toEqual([['completed', 200]]);
  });

  it('hand-set Maglev permutations reach the Muxes: the M = 7 table of the paper gives 3, 2 and 2 slots', () => {
    const result = run(`name: maglev-by-hand
duration: 40s
network:
  muxes: 1
  maglevTableSize: 7
  maglevPermutations:
    - { dip: 10.9.0.4, offset: 3, skip: 4 }
    - { dip: 10.9.0.5, offset: 0, skip: 2 }
    - { dip: 10.9.0.6, offset: 3, skip: 1 }
hosts:
${hosts(3)}
clients: [{ name: c, ip: 198.51.100.1 }]
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.0.0.1 }]
    backendPools: [{ name: web, members: [vm-1, vm-2, vm-3] }]
    rules: [{ name: r, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 80 }]
traffic:
  - { name: t, from: c, to: 52.0.0.1:80, connections: 1400, every: 20ms }
`);
    const shares = new Map(result.traffic[0]?.dips);
    // Table [B1, B0, B1, B0, B2, B2, B0]: B0 (10.9.0.4) owns 3 of 7 slots, B1 and B2 two each.
    expect((shares.get('10.9.0.4') ?? 0) / 1400).toBeCloseTo(3 / 7, 1);
    expect((shares.get('10.9.0.5') ?? 0) / 1400).toBeCloseTo(2 / 7, 1);
    expect((shares.get('10.9.0.6') ?? 0) / 1400).toBeCloseTo(2 / 7, 1);
  });

  it('rejects events and permutations that name what does not exist', () => {
    const loaded = parseScenarioText(
      `name: bad
network: { maglevTableSize: 7, maglevPermutations: [{ dip: 10.9.9.9, offset: 9, skip: 3 }] }
hosts:
${hosts(1)}
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.0.0.1 }]
    backendPools: [{ name: web, members: [vm-1] }]
events:
  - { at: 1s, action: remove-backend, loadBalancer: lb, backendPool: webs, member: vm-1 }
  - { at: 1s, action: fail-mux, mux: mux-9 }
${openNsg}`,
      'x.yaml',
    );
    expect(loaded.ok ? [] : loaded.errors.map((e) => `${e.path}  ${e.message}`)).toEqual([
      'network.maglevPermutations[0].dip  10.9.9.9 is not the address of any NIC',
      'network.maglevPermutations[0].offset  offset 9 is not a slot of a 7-slot table (0..6)',
      'events[0].backendPool  unknown backend pool "webs" (did you mean "web"?)',
      'events[1].mux  no Mux is called "mux-9" (did you mean "mux-1"?)',
    ]);
  });
});

describe('Mux pool events', () => {
  const pool = (events: string) => `name: pool
duration: 60s
network: { muxes: 2, bgpHoldTime: 30s }
hosts:
${hosts(2)}
clients: [{ name: c, ip: 198.51.100.1 }]
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.0.0.1 }]
    backendPools: [{ name: web, members: [vm-1, vm-2] }]
    rules: [{ name: r, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 80 }]
traffic:
  - { name: t, from: c, to: 52.0.0.1:80, connections: 200, startAt: 1s, every: 250ms }
events:
${events}`;

  it('a failed Mux black-holes new connections until the hold timer; once restored it serves again', () => {
    const result = run(
      pool('  - { at: 10s, action: fail-mux, mux: mux-2 }\n  - { at: 30s, action: restore-mux, mux: mux-2 }\n'),
    );
    const failed = result.connections.filter((c) => c.outcome !== 'completed');
    expect(failed.length).toBeGreaterThan(0);
    for (const connection of failed) {
      expect(connection.startedAtNs).toBeGreaterThanOrEqual(10e9);
      expect(connection.startedAtNs).toBeLessThan(30e9);
      expect(connection.drops[0]?.reason).toBe('mux-down');
    }
    const late = result.connections.filter((c) => c.startedAtNs > 31e9);
    expect(late.some((c) => c.muxes.includes('mux-2'))).toBe(true);
    expect(late.every((c) => c.outcome === 'completed')).toBe(true);
    expect(result.muxes.map((m) => [m.name, m.running])).toEqual([
      ['mux-1', true],
      ['mux-2', true],
    ]);
  });

  it('an added Mux joins the ECMP group and takes a share of new flows', () => {
    const result = run(pool('  - { at: 20s, action: add-mux }\n'));
    expect(result.muxes.map((m) => m.name)).toEqual(['mux-1', 'mux-2', 'mux-3']);
    expect(result.muxes[2]?.newFlows).toBeGreaterThan(0);
    expect(result.connections.filter((c) => c.muxes.includes('mux-3')).every((c) => c.startedAtNs >= 20e9)).toBe(true);
    expect(result.traffic[0]?.outcomes).toEqual([['completed', 200]]);
  });
});
