/**
 * Explanations (explain/): every failure of a run belongs to one explanation; failures that are
 * none of the catalogue's get the general fix, said plainly; connections that found no healthy
 * DIP point at the probe verdicts behind them; the pieces (NSG notes, packets, DIP-list risk)
 * read the way the explanations need.
 */
import {
  dropReasons,
  ipv4,
  makeIpv4Packet,
  makeTcpSegment,
  type NsgDeniedDecision,
  renderTraceNote,
  TcpFlags,
} from '@lbsim/core';
import { describe, expect, it } from 'vitest';
import { isRiskyDipListChange } from '../src/explain/dip-list-risk.ts';
import { dropDiagnoses } from '../src/explain/drop-diagnoses.ts';
import { generalFixes } from '../src/explain/general-fixes.ts';
import { allowPriorityAdvice, nsgDenialOf } from '../src/explain/nsg-denial-note.ts';
import { describePacket, parseScenarioText, type RunResult, runScenario } from '../src/index.ts';

const base = `name: explain
duration: 40s
network: { muxes: 2 }
hosts:
  - name: h1
    vms: [{ name: web-1, nics: [{ ip: 10.1.0.4, networkSecurityGroup: nsg }], listeners: [{ port: 80 }] }]
  - name: h2
    vms: [{ name: web-2, nics: [{ ip: 10.1.0.5, networkSecurityGroup: nsg }], listeners: [{ port: 80 }] }]
clients: [{ name: c, ip: 203.0.113.7 }]
networkSecurityGroups:
  - name: nsg
    securityRules:
      - { name: allow-web, priority: 100, direction: Inbound, access: Allow, protocol: Tcp, destinationPortRanges: [80, 8443] }
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.0.0.1 }]
    backendPools: [{ name: web, members: [web-1, web-2] }]
    probes: [{ name: tcp80, protocol: Tcp, port: 80, intervalInSeconds: 5 }]
    rules:
      - { name: r, frontend: fe, backendPool: web, probe: tcp80, protocol: Tcp, frontendPort: 80, backendPort: 80 }
`;

function run(text: string): RunResult {
  const loaded = parseScenarioText(text, 'x.yaml');
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => `${e.path} ${e.message}`).join('\n'));
  return runScenario(loaded.scenario);
}

/** Every failed connection and every verdict change to down is in exactly one explanation. */
function expectEverythingExplainedOnce(result: RunResult): void {
  const failed = result.connections.filter((c) => !['completed', 'answered', 'established'].includes(c.outcome));
  const explained = result.explanations.flatMap((e) => e.connections);
  expect([...explained].sort((a, b) => a - b)).toEqual(failed.map((c) => c.id).sort((a, b) => a - b));
  const downs = result.healthChanges.flatMap((change, i) => (change.to === 'down' ? [i] : []));
  const covered = result.explanations.flatMap((e) =>
    e.healthChanges.filter((i) => result.healthChanges[i]?.to === 'down'),
  );
  expect([...covered].sort((a, b) => a - b)).toEqual(downs);
}

describe('explanations of a run', () => {
  it("a failure that is none of the catalogue says so and gives the general fix in the scenario's terms", () => {
    const result = run(`${base}traffic:\n  - { name: tls, from: c, to: 52.0.0.1:8443, connections: 3 }\n`);
    expectEverythingExplainedOnce(result);
    expect(result.explanations).toHaveLength(1);
    const [explanation] = result.explanations;
    expect(explanation).toMatchObject({
      subject: 'connections',
      failureMode: undefined,
      traffic: 0,
      connections: [1, 2, 3],
    });
    expect(explanation?.headline).toBe('3 connections of tls timed out');
    expect(explanation?.symptom).toContain('timed out after 4 SYNs went unanswered');
    expect(explanation?.cause).toBe(
      'No load-balancing rule takes Tcp port 8443 on frontend 52.0.0.1, so the Mux drops the packet',
    );
    expect(explanation?.fix).toContain('frontendPort: 8443');
    expect(explanation?.evidence[0]).toMatchObject({ reason: 'no-vip-endpoint', connection: 1 });
    expect(explanation?.evidence[0]?.packet).toMatch(/^TCP 203\.0\.113\.7:\d+ → 52\.0\.0\.1:8443 \[SYN\] \d+ B$/);
  });

  it('connections that found no healthy DIP point at the verdicts behind them: stopped VMs → all-probed-down', () => {
    const result = run(
      `${base}traffic:\n  - { name: web, from: c, to: 52.0.0.1:80, connections: 6, every: 5s }\n` +
        'events:\n  - { at: 10s, action: stop-vm, vm: web-1 }\n  - { at: 10s, action: stop-vm, vm: web-2 }\n',
    );
    expectEverythingExplainedOnce(result);
    const health = result.explanations.find((e) => e.subject === 'health');
    expect(health).toMatchObject({ failureMode: undefined });
    expect(health?.cause).toMatch(/^web-1 and web-2 were stopped \(stop-vm at 10 s\)/);
    expect(health?.fix).toContain('start-vm');
    const connections = result.explanations.find(
      (e) => e.subject === 'connections' && e.failureMode === 'all-probed-down',
    );
    expect(connections?.causedBy.length).toBeGreaterThan(0);
    for (const id of connections?.causedBy ?? []) {
      expect(result.explanations.find((e) => e.id === id)?.subject).toBe('health');
    }
    expect(connections?.cause).toContain(
      'The Muxes had no healthy DIP for rule lb/r: both DIPs (web-1 and web-2) were probed down (VM stopped)',
    );
    expect(connections?.fix).toContain('noHealthyBackendsBehavior: AllProbedUp on probe lb/tcp80');
  });

  it('numbers explanations E1, E2, … and gives the same ones on every run', () => {
    const text = `${base}traffic:\n  - { name: tls, from: c, to: 52.0.0.1:8443, connections: 2 }\n`;
    const first = run(text).explanations;
    expect(first.map((e) => e.id)).toEqual(first.map((_, i) => `E${i + 1}`));
    expect(run(text).explanations).toEqual(first);
  });

  it('a clean run has nothing to explain', () => {
    const result = run(`${base}traffic:\n  - { name: web, from: c, to: 52.0.0.1:80, connections: 4 }\n`);
    expect(result.connections.every((c) => c.outcome === 'completed')).toBe(true);
    expect(result.explanations).toEqual([]);
  });
});

describe('the drop table', () => {
  it('has a diagnosis and a general fix for every drop reason', () => {
    const reasons = Object.keys(dropReasons).sort();
    expect(Object.keys(dropDiagnoses).sort()).toEqual(reasons);
    expect(Object.keys(generalFixes).sort()).toEqual(reasons);
    for (const fix of Object.values(generalFixes)) expect(fix.length).toBeGreaterThan(20);
  });
});

describe('an NSG denial as a decision', () => {
  const tuple = { protocol: 6, srcAddress: 0xa83f8110, srcPort: 5, dstAddress: 0x0a010004, dstPort: 80 };
  const custom: NsgDeniedDecision = {
    code: 'nsg-denied',
    group: 'web-nsg',
    scope: 'NIC web-1-nic0',
    direction: 'Inbound',
    rule: 'deny-all-inbound',
    priority: 4000,
    isDefault: false,
    tuple,
  };

  it('renders the note the trace has always shown', () => {
    expect(renderTraceNote(custom)).toBe(
      'NSG web-nsg (NIC web-1-nic0): Inbound rule deny-all-inbound (priority 4000) denies TCP 168.63.129.16:5 → 10.1.0.4:80',
    );
    expect(
      renderTraceNote({ ...custom, scope: 'subnet web', rule: 'DenyAllInBound', priority: 65500, isDefault: true }),
    ).toBe(
      'NSG web-nsg (subnet web): Inbound rule DenyAllInBound (priority 65500, default rule) denies TCP 168.63.129.16:5 → 10.1.0.4:80',
    );
  });

  it('is read from the drop, not from its note', () => {
    const drop = { note: 'any words at all', decision: custom };
    const denial = nsgDenialOf(drop);
    expect(denial?.group).toBe('web-nsg');
    expect(denial === undefined ? '' : allowPriorityAdvice(denial)).toBe(
      'at a priority below 4000 (deny-all-inbound), e.g. 3900',
    );
    const fallback = nsgDenialOf({ decision: { ...custom, rule: 'DenyAllInBound', priority: 65500, isDefault: true } });
    expect(fallback === undefined ? '' : allowPriorityAdvice(fallback)).toContain('at any priority (100–4096)');
    expect(nsgDenialOf({ decision: { code: 'to-vm', vm: 'web-1', nic: 'web-1-nic0' } })).toBeUndefined();
    expect(nsgDenialOf({})).toBeUndefined();
  });
});

describe('packets in one line', () => {
  it('names protocol, addresses, ports, flags and the IPv4 total length', () => {
    const syn = makeIpv4Packet(
      { src: ipv4('203.0.113.7'), dst: ipv4('52.0.0.1') },
      makeTcpSegment({ srcPort: 50000, dstPort: 80, flags: TcpFlags.Syn }),
    );
    expect(describePacket(syn)).toBe('TCP 203.0.113.7:50000 → 52.0.0.1:80 [SYN] 40 B');
    const tunnel = makeIpv4Packet({ src: ipv4('100.127.0.1'), dst: ipv4('10.1.0.4') }, syn);
    expect(describePacket(tunnel)).toBe('IPIP 100.127.0.1 → 10.1.0.4 ⟨TCP 203.0.113.7:50000 → 52.0.0.1:80 [SYN]⟩ 60 B');
  });
});

describe('DIP-list changes worth explaining', () => {
  const change = { atNs: 0, rule: 'lb/r', algorithm: 'modulo', flows: 200 } as const;
  it('are those that would move many more flows than sat on the DIPs that left', () => {
    expect(isRiskyDipListChange({ ...change, dipsBefore: 4, dipsAfter: 3, remapped: 150, onRemovedDips: 50 })).toBe(
      true,
    );
    expect(isRiskyDipListChange({ ...change, dipsBefore: 4, dipsAfter: 3, remapped: 52, onRemovedDips: 50 })).toBe(
      false,
    );
  });
  it('allow a joining DIP its fair share', () => {
    expect(isRiskyDipListChange({ ...change, dipsBefore: 1, dipsAfter: 2, remapped: 100, onRemovedDips: 0 })).toBe(
      false,
    );
    expect(isRiskyDipListChange({ ...change, dipsBefore: 2, dipsAfter: 3, remapped: 180, onRemovedDips: 0 })).toBe(
      true,
    );
    expect(
      isRiskyDipListChange({ ...change, dipsBefore: 4, dipsAfter: 3, remapped: 0, onRemovedDips: 0, flows: 0 }),
    ).toBe(false);
  });
});
