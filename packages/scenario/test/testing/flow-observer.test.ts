import { ipv4, reverseFiveTuple } from '@lbsim/core';
import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../src/index.ts';
import { runObserved, targetRule } from '../../src/testing/index.ts';

const text = `name: t
duration: 10s
network: { muxes: 2 }
hosts:
  - name: host-a
    vms:
      - name: web-1
        nics: [{ ip: 10.1.0.4, networkSecurityGroup: open }]
        loopbacks: [52.0.0.1]
        listeners: [{ port: 8080 }, { port: 443 }]
clients:
  - { name: c, ip: 203.0.113.7 }
networkSecurityGroups:
  - name: open
    securityRules: [{ name: allow-all, priority: 100, direction: Inbound, access: Allow, protocol: '*' }]
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.0.0.1 }]
    backendPools: [{ name: web, members: [web-1] }]
    rules:
      - { name: plain, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 8080 }
      - { name: floating, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 443, backendPort: 443, enableFloatingIP: true }
traffic:
  - { from: c, to: 52.0.0.1:80 }
  - { from: c, to: 52.0.0.1:443 }
`;

function load() {
  const loaded = parseScenarioText(text, 't.yaml');
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
  return loaded.scenario;
}

describe('FlowObserver through runObserved', () => {
  const scenario = load();
  const { flows, packets, digest, result } = runObserved(scenario);

  it('sees each connection from the client: the request, and replies that reverse it', () => {
    expect(flows.map((f) => f.connection.outcome)).toEqual(['completed', 'completed']);
    for (const flow of flows) {
      expect(flow.client).toBe('c');
      expect(flow.request).toMatchObject({ srcAddress: ipv4('203.0.113.7'), dstAddress: ipv4('52.0.0.1') });
      expect(flow.replies.length).toBeGreaterThan(2);
      if (flow.request !== undefined)
        for (const reply of flow.replies) expect(reply).toEqual(reverseFiveTuple(flow.request));
    }
  });

  it('sees what reached the guest: the DIP without floating IP, the VIP with it', () => {
    const [plain, floating] = flows;
    expect(plain?.atGuests[0]).toMatchObject({ vm: 'web-1', tuple: { dstAddress: ipv4('10.1.0.4'), dstPort: 8080 } });
    expect(floating?.atGuests[0]).toMatchObject({ vm: 'web-1', tuple: { dstAddress: ipv4('52.0.0.1'), dstPort: 443 } });
  });

  it('joins each flow with the rule it aimed at', () => {
    expect(flows.map((f) => [f.rule?.rule, f.rule?.floatingIp, f.rule?.backendPort])).toEqual([
      ['plain', false, 8080],
      ['floating', true, 443],
    ]);
    expect(targetRule(scenario, '52.0.0.1:22', 'Tcp')).toBeUndefined();
    expect(targetRule(scenario, '52.0.0.1:80', 'Udp')).toBeUndefined();
  });

  it('accounts for every packet and digests the trace', () => {
    expect(packets.unaccounted).toEqual([]);
    expect(packets.ended).toBeGreaterThan(10);
    expect(runObserved(scenario).digest).toBe(digest);
    expect(runObserved(scenario, { seed: result.seed + 1 }).digest).not.toBe(digest);
  });
});
