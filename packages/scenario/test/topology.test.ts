/**
 * describeTopology names exactly the nodes the builder makes: every vantage point in a run's
 * trace is one of its nodes, and the Muxes' addresses are those they tunnel from.
 */
import { formatIpv4Address, type TraceEvent } from '@lbsim/core';
import { describe, expect, it } from 'vitest';
import { describeTopology, parseScenarioText, runScenario } from '../src/index.ts';

const text = `name: topo
duration: 5s
network: { muxes: 3 }
hosts:
  - name: h1
    vms: [{ name: web-1, nics: [{ ip: 10.1.0.4 }, { name: back, ip: 10.2.0.4 }], loopbacks: [52.0.0.9], listeners: [{ port: 80 }] }]
  - name: h2
    vms: [{ name: web-2, nics: [{ ip: 10.1.0.5 }], listeners: [{ port: 80 }] }]
clients: [{ name: c, ip: 203.0.113.7 }]
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.0.0.1 }]
    backendPools: [{ name: web, members: [web-1, web-2] }]
    rules: [{ name: r, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 80 }]
traffic:
  - { from: c, to: 52.0.0.1:80, connections: 20, every: 100ms }
`;

describe('describeTopology', () => {
  const loaded = parseScenarioText(text, 'topo.yaml');
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
  const topology = describeTopology(loaded.scenario);

  it('lists the router, Muxes with addresses, hosts with VMs and NICs, clients and frontends', () => {
    expect(topology.router).toBe('router');
    expect(topology.muxes).toEqual([
      { name: 'mux-1', address: '100.127.0.1' },
      { name: 'mux-2', address: '100.127.0.2' },
      { name: 'mux-3', address: '100.127.0.3' },
    ]);
    expect(topology.hosts[0]).toEqual({
      name: 'h1',
      vms: [
        {
          name: 'web-1',
          nics: [
            { name: 'web-1-nic0', address: '10.1.0.4' },
            { name: 'back', address: '10.2.0.4' },
          ],
          loopbacks: ['52.0.0.9'],
        },
      ],
    });
    expect(topology.clients).toEqual([{ name: 'c', address: '203.0.113.7' }]);
    expect(topology.frontends).toEqual([{ loadBalancer: 'lb', name: 'fe', address: '52.0.0.1', type: 'public' }]);
  });

  it('names every node the run traces, and Muxes tunnel from the addresses it gives them', () => {
    const events: TraceEvent[] = [];
    runScenario(loaded.scenario, { sinks: [{ record: (event) => events.push(event) }] });
    const names = new Set([
      topology.router,
      ...topology.muxes.map((mux) => mux.name),
      ...topology.hosts.flatMap((host) => [host.name, ...host.vms.map((vm) => vm.name)]),
      ...topology.clients.map((client) => client.name),
    ]);
    expect(events.length).toBeGreaterThan(100);
    for (const event of events) expect(names).toContain(event.node);
    const muxAddresses = new Map(topology.muxes.map((mux) => [mux.name, mux.address]));
    for (const event of events.filter((e) => e.kind === 'encapsulate')) {
      expect(formatIpv4Address(event.packet.src)).toBe(muxAddresses.get(event.node));
    }
  });
});
