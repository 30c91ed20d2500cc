/**
 * Health probing in a whole world (docs/mechanics.md §1.4, §2.3, §7.5): who probes, from where,
 * when; how verdicts reach the Muxes; stopped VMs; admin state.
 */
import { ipv4, TcpFlags, type TraceEvent } from '@lbsim/core';
import { describe, expect, it } from 'vitest';
import { parseScenarioText, type RunResult, runScenario } from '../src/index.ts';

const base = `name: probing
duration: 30s
network: { muxes: 2, healthLatency: 250ms }
hosts:
  - name: h1
    vms: [{ name: web-1, nics: [{ ip: 10.1.0.4, networkSecurityGroup: nsg }], listeners: [{ port: 80 }] }]
  - name: h2
    vms:
      - { name: web-2, nics: [{ ip: 10.1.0.5, networkSecurityGroup: nsg }], listeners: [{ port: 80 }] }
      - { name: web-3, nics: [{ ip: 10.1.0.6, networkSecurityGroup: nsg }], listeners: [{ port: 80 }] }
clients: [{ name: c, ip: 203.0.113.7 }]
networkSecurityGroups:
  - name: nsg
    securityRules:
      - { name: allow-http, priority: 100, direction: Inbound, access: Allow, protocol: Tcp, destinationPortRange: 80 }
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.0.0.1 }]
    backendPools: [{ name: web, members: [web-1, web-2, web-3] }]
    probes: [{ name: tcp80, protocol: Tcp, port: 80, intervalInSeconds: 5 }]
    rules:
      - { name: r, frontend: fe, backendPool: web, probe: tcp80, protocol: Tcp, frontendPort: 80, backendPort: 80 }
`;

function run(text: string): { readonly result: RunResult; readonly events: TraceEvent[] } {
  const loaded = parseScenarioText(text, 'x.yaml');
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => `${e.path} ${e.message}`).join('\n'));
  const events: TraceEvent[] = [];
  const result = runScenario(loaded.scenario, { sinks: [{ record: (event) => events.push(event) }] });
  return { result, events };
}

const probeSource = ipv4('168.63.129.16');
const isProbeSyn = (event: TraceEvent) =>
  event.kind === 'send' &&
  event.packet.src === probeSource &&
  event.packet.payload.kind === 'tcp' &&
  event.packet.payload.flags === TcpFlags.Syn;

describe('health probing', () => {
  const { result, events } = run(base);

  it('each Host Agent probes its own DIPs from 168.63.129.16, every interval, first within half a second', () => {
    const syns = events.filter(isProbeSyn);
    const byDip = new Map<number, { node: string; atNs: number[] }>();
    for (const syn of syns) {
      const entry = byDip.get(syn.packet.dst) ?? { node: syn.node, atNs: [] };
      entry.atNs.push(syn.atNs);
      byDip.set(syn.packet.dst, entry);
    }
    expect([...byDip.keys()].sort()).toEqual([ipv4('10.1.0.4'), ipv4('10.1.0.5'), ipv4('10.1.0.6')]);
    expect(byDip.get(ipv4('10.1.0.4'))?.node).toBe('probe@h1');
    expect(byDip.get(ipv4('10.1.0.6'))?.node).toBe('probe@h2');
    const firsts = [...byDip.values()].map((entry) => entry.atNs[0] as number);
    for (const first of firsts) expect(first).toBeLessThan(500_000_000);
    // Spread deterministically, not all at t = 0.
    expect(new Set(firsts).size).toBe(3);
    for (const entry of byDip.values()) {
      const gaps = entry.atNs.slice(1).map((at, i) => at - (entry.atNs[i] as number));
      expect(new Set(gaps)).toEqual(new Set([5_000_000_000]));
    }
  });

  it('probe packets pass the NIC like any packet: the guest answers, the Host Agent hands replies to the prober', () => {
    const synAck = events.find(
      (event) =>
        event.node === 'h1' &&
        event.kind === 'forward' &&
        event.packet.dst === probeSource &&
        event.packet.payload.kind === 'tcp' &&
        event.packet.payload.flags === (TcpFlags.Syn | TcpFlags.Ack),
    );
    expect(synAck?.note).toBe('→ probe@h1');
    expect(result.healthChanges.map((change) => [change.vm, change.to, change.why])).toEqual(
      expect.arrayContaining([
        ['web-1', 'up', 'first success'],
        ['web-2', 'up', 'first success'],
        ['web-3', 'up', 'first success'],
      ]),
    );
  });

  it('the Muxes apply a verdict network.healthLatency after the Host Agent decided it', () => {
    const firstUp = result.healthChanges[0];
    const firstListChange = result.dipListChanges[0];
    expect(firstListChange?.dipsBefore).toBe(0);
    expect(firstListChange?.dipsAfter).toBe(1);
    expect((firstListChange?.atNs ?? 0) - (firstUp?.atNs ?? 0)).toBe(250_000_000);
  });
});

describe('stopped VMs and admin state', () => {
  it('a stopped VM is not probed and is down at once; started again, its first success marks it up', () => {
    const { result, events } = run(`${base}events:
  - { at: 10s, action: stop-vm, vm: web-2 }
  - { at: 20s, action: start-vm, vm: web-2 }
`);
    const web2 = result.healthChanges.filter((change) => change.vm === 'web-2');
    expect(web2.map((change) => [change.to, change.why])).toEqual([
      ['up', 'first success'],
      ['down', 'VM stopped'],
      ['up', 'first success'],
    ]);
    expect(web2[1]?.atNs).toBe(10_000_000_000);
    const whileStopped = events.filter(
      (event) => isProbeSyn(event) && event.packet.dst === ipv4('10.1.0.5') && event.atNs > 10e9 && event.atNs < 20e9,
    );
    expect(whileStopped).toEqual([]);
  });

  it('set-admin-state Down takes a probed-up member out of rotation; None puts it back', () => {
    const { result } = run(`${base}traffic:
  - { name: before, from: c, to: 52.0.0.1:80, startAt: 1s, every: 50ms, connections: 60 }
  - { name: during, from: c, to: 52.0.0.1:80, startAt: 6s, every: 50ms, connections: 60 }
  - { name: after, from: c, to: 52.0.0.1:80, startAt: 12s, every: 50ms, connections: 60 }
events:
  - { at: 5s, action: set-admin-state, loadBalancer: lb, backendPool: web, member: web-1, adminState: Down }
  - { at: 11s, action: set-admin-state, loadBalancer: lb, backendPool: web, member: web-1, adminState: None }
`);
    const servedBy = (traffic: number) => result.traffic[traffic]?.dips.map(([dip]) => dip);
    expect(servedBy(0)).toContain('10.1.0.4');
    expect(servedBy(1)).toEqual(['10.1.0.5', '10.1.0.6']);
    expect(servedBy(2)).toContain('10.1.0.4');
    for (const item of result.traffic) expect(item.outcomes).toEqual([['completed', 60]]);
  });

  it('admin state Up in the pool keeps a member in rotation though its probe fails', () => {
    const text = base
      .replace('members: [web-1, web-2, web-3]', 'members: [{ name: web-1, adminState: Up }, web-2]')
      .replace('listeners: [{ port: 80 }] }]\n  - name: h2', 'listeners: [{ port: 8080 }] }]\n  - name: h2');
    const { result } = run(`${text}traffic:
  - { name: web, from: c, to: 52.0.0.1:80, startAt: 1s, every: 50ms, connections: 60 }
`);
    expect(result.healthChanges.find((change) => change.vm === 'web-1')?.to).toBe('down');
    // The Muxes still send web-1 new connections; its guest, listening on 8080 only, refuses them.
    expect([...new Set(result.connections.flatMap((c) => c.dips))].sort()).toEqual(['10.1.0.4', '10.1.0.5']);
    expect(result.traffic[0]?.dipsRefused.map(([dip]) => dip)).toEqual(['10.1.0.4']);
    expect(result.traffic[0]?.dips.map(([dip]) => dip)).toEqual(['10.1.0.5']);
  });
});

describe('outbound traffic', () => {
  it('is not affected by health: a VM probed down still makes outbound SNAT connections', () => {
    const { result } = run(`name: outbound-while-down
duration: 20s
network: { muxes: 2 }
hosts:
  - name: h1
    vms: [{ name: app-1, nics: [{ ip: 10.1.0.4 }] }]
clients:
  - { name: api, ip: 203.0.113.50, listeners: [{ protocol: Tcp, port: 80, app: http }] }
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.0.0.1 }]
    backendPools: [{ name: workers, members: [app-1] }]
    probes: [{ name: tcp8080, protocol: Tcp, port: 8080, intervalInSeconds: 5 }]
    rules:
      - { name: r, frontend: fe, backendPool: workers, probe: tcp8080, protocol: Tcp, frontendPort: 80, backendPort: 80 }
traffic:
  - { name: calls, from: app-1, to: 203.0.113.50:80, startAt: 2s, every: 1s, connections: 10 }
`);
    expect(result.healthChanges.map((change) => [change.vm, change.to, change.why])).toEqual([
      ['app-1', 'down', 'RST'],
    ]);
    expect(result.traffic[0]?.outcomes).toEqual([['completed', 10]]);
    expect(result.snat.map((snat) => [snat.vm, snat.flows])).toEqual([['app-1', 10]]);
  });
});

describe('health expectations', () => {
  it('are checked against the probes, and name only VMs and probes that exist', () => {
    const { result } = run(`${base}expect:
  - { health: { ends: up } }
  - { health: { vm: web-1, probe: lb/tcp80, to: down }, count: { max: 0 } }
  - { health: { vm: web-2, ends: down } }
`);
    expect(result.expectations.map((e) => [e.met, e.actual])).toEqual([
      [true, '10.1.0.4 (web-1) up, 10.1.0.5 (web-2) up, 10.1.0.6 (web-3) up'],
      [true, '0 changes to down'],
      [false, '10.1.0.5 (web-2) up'],
    ]);
    const errorsOf = (expect: string) => {
      const loaded = parseScenarioText(`${base}expect:\n  - ${expect}\n`, 'x.yaml');
      return loaded.ok ? [] : loaded.errors.map((e) => `${e.path}  ${e.message}`);
    };
    expect(errorsOf('{ health: { ends: up, to: down } }')).toEqual([
      'expect[0].health  a health expectation has exactly one of ends or to',
    ]);
    expect(errorsOf('{ health: { vm: web-9, probe: lb/tcp81, ends: up } }')).toEqual([
      'expect[0].health.vm  unknown VM "web-9" (did you mean "web-1"?)',
      'expect[0].health.probe  no probe is called "lb/tcp81" (write loadBalancer/probe) (did you mean "lb/tcp80"?)',
    ]);
  });
});
