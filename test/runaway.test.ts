/**
 * Runaway scenarios stop with a clear error (docs/architecture.md#determinism-and-accounting, docs/architecture.md#bad-input; issue 10): millions of
 * connections, a storm of requests and retransmissions, and huge per-run work stop at the
 * event budget (exit 2 and one line saying so) or are refused when loaded; and no valid input
 * builds a routing loop — the candidates (frontends and NICs on the addresses of lbsim's own
 * Muxes and router, a VM reaching its own floating-IP frontend) end with no packet crossing
 * more than six links. The router's TTL, which would stop a loop, is tested in
 * packages/core/test/router.test.ts: no scenario can reach it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenarioText } from '@lbsim/scenario';
import { runObserved } from '@lbsim/scenario/testing';
import { main } from '@lbsim/sim-cli';
import { describe, expect, it } from 'vitest';
import { expectClearLine } from './fuzz-support.ts';

const scratch = mkdtempSync(join(tmpdir(), 'lbsim-runaway-'));

/** One web VM behind a public frontend; `extra` lines go at the top, `traffic` replaces the traffic. */
function scenarioText(options: {
  readonly top?: string;
  readonly traffic: string;
  readonly listener?: string;
}): string {
  return `name: runaway
${options.top ?? ''}
hosts:
  - name: host-a
    vms:
      - name: web-1
        nics: [{ ip: 10.1.0.4, networkSecurityGroup: open }]
        listeners: [${options.listener ?? '{ port: 80 }'}]
clients:
  - { name: client-1, ip: 203.0.113.7 }
networkSecurityGroups:
  - name: open
    securityRules: [{ name: allow-all, priority: 100, direction: Inbound, access: Allow, protocol: '*' }]
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.0.0.1 }]
    backendPools: [{ name: web, members: [web-1] }]
    rules:
      - { name: http, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 80 }
traffic:
  - ${options.traffic}
`;
}

async function lbsimRun(text: string): Promise<{ code: number; stderr: string }> {
  const file = join(scratch, `scenario-${Math.abs(text.length)}-${text.charCodeAt(20)}.yaml`);
  writeFileSync(file, text);
  let stderr = '';
  const code = await main(['run', file], { stdout: () => {}, stderr: (t) => (stderr += t), stderrIsTty: false });
  return { code, stderr: stderr.replaceAll(file, 'FILE') };
}

const budgetMessage =
  /^FILE: the run stopped at \d+\.\d{9} s after 100000 events \(the event budget\): is something looping\? Raise eventBudget if the scenario is just big\.\n$/;

describe('runaway scenarios', () => {
  it('ten million connections stop at the event budget: exit 2 and one line saying so', async () => {
    const text = scenarioText({
      top: 'duration: 1000h\neventBudget: 100000',
      traffic: '{ from: client-1, to: 52.0.0.1:80, connections: 10000000, every: 1us }',
    });
    const { code, stderr } = await lbsimRun(text);
    expect(code).toBe(2);
    expect(stderr).toMatch(budgetMessage);
    expectClearLine(stderr.trimEnd());
  });

  it('ten million connections at the same instant stop there too', async () => {
    const text = scenarioText({
      top: 'duration: 1h\neventBudget: 100000',
      traffic: '{ from: client-1, to: 52.0.0.1:80, connections: 10000000, every: 0s }',
    });
    expect(await lbsimRun(text)).toMatchObject({ code: 2, stderr: expect.stringMatching(budgetMessage) });
  });

  it('a storm of requests for huge bodies on a hundred thousand connections stops at the budget', async () => {
    const text = scenarioText({
      top: 'duration: 100h\neventBudget: 100000',
      listener: '{ port: 80, http: { bodyBytes: 10000000 } }',
      traffic: '{ from: client-1, to: 52.0.0.1:80, connections: 100000, every: 1ms, requests: 100000 }',
    });
    expect(await lbsimRun(text)).toMatchObject({ code: 2, stderr: expect.stringMatching(budgetMessage) });
  });

  it('a retransmission storm (SYNs to a port nobody serves, ten retries each) stops at the budget', async () => {
    const text = scenarioText({
      top: 'duration: 1000h\neventBudget: 100000',
      traffic: '{ from: client-1, to: 52.0.0.1:8080, connections: 10000000, every: 1ms }',
    }).replace('{ name: client-1, ip: 203.0.113.7 }', '{ name: client-1, ip: 203.0.113.7, tcp: { synRetries: 10 } }');
    expect(await lbsimRun(text)).toMatchObject({ code: 2, stderr: expect.stringMatching(budgetMessage) });
  });

  it('64 Muxes with the largest Maglev table build it once: the run ends, every packet accounted for', () => {
    const loaded = parseScenarioText(
      scenarioText({
        top: 'duration: 5s\nnetwork: { muxes: 64, maglevTableSize: 10000019 }',
        traffic: '{ from: client-1, to: 52.0.0.1:80, connections: 20, every: 10ms }',
      }),
      'big.yaml',
    );
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const { result, packets } = runObserved(loaded.scenario);
    expect(result.status.kind).toBe('completed');
    expect(result.traffic[0]?.outcomes).toEqual([['completed', 20]]);
    expect(packets.unaccounted).toEqual([]);
  });

  it('more Maglev tables than lbsim builds in reasonable time are refused when loaded', async () => {
    const events = Array.from(
      { length: 20 },
      (_, i) =>
        `  - { at: ${i + 1}s, action: set-backend-weight, loadBalancer: lb, backendPool: web, member: web-1, weight: ${i + 1} }`,
    );
    const text = `${scenarioText({
      top: 'network: { muxes: 64, maglevTableSize: 10000019 }',
      traffic: '{ from: client-1, to: 52.0.0.1:80 }',
    })}events:\n${events.join('\n')}\n`;
    const { code, stderr } = await lbsimRun(text);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^FILE:2:40 {2}network\.maglevTableSize {2}21 Maglev tables .* use a smaller maglevTableSize, such as 65537\n$/,
    );
  });

  const loopScenario = (frontend: string, nic: string): string => `name: loop-candidate
duration: 20s
network: { muxes: 2 }
hosts:
  - name: host-a
    vms:
      - { name: web-1, nics: [{ ip: ${nic} }], loopbacks: [${frontend}], listeners: [{ port: 80 }] }
      - { name: web-2, nics: [{ ip: 10.1.0.5 }], listeners: [{ port: 80 }] }
clients: [{ name: client-1, ip: 203.0.113.7 }]
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: ${frontend} }]
    backendPools: [{ name: web, members: [web-1, web-2] }]
    rules:
      - { name: r, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 80, enableFloatingIP: true }
traffic:
  - { from: client-1, to: '${frontend}:80', connections: 5 }
  - { from: web-1, to: '${frontend}:80', connections: 5 }
  - { from: web-2, to: '${nic}:80', connections: 2 }
`;

  // The Muxes and the edge router live in 100.127.0.0/16; an address there in a
  // scenario could turn a VIP or a NIC into a routing loop, so validation refuses it.
  it.each([
    ['a frontend on a Mux address', { frontend: '100.127.0.1', nic: '10.1.0.4' }, 'loadBalancers[0].frontends[0].ip'],
    ['a NIC on a Mux address', { frontend: '52.0.0.1', nic: '100.127.0.2' }, 'hosts[0].vms[0].nics[0].ip'],
    ["a NIC on the router's address", { frontend: '52.0.0.1', nic: '100.127.255.254' }, 'hosts[0].vms[0].nics[0].ip'],
    [
      "a frontend on the router's address",
      { frontend: '100.127.255.254', nic: '10.1.0.4' },
      'loadBalancers[0].frontends[0].ip',
    ],
  ])('refuses infrastructure addresses before they can loop: %s', (_, addresses, path) => {
    const loaded = parseScenarioText(loopScenario(addresses.frontend, addresses.nic), 'loop.yaml');
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    const messages = loaded.errors.map((d) => `${d.path}  ${d.message}`);
    expect(messages.some((m) => m.startsWith(path) && m.includes('100.127.0.0/16'))).toBe(true);
  });

  it('no routing loop from valid input: a VM reaching its own floating-IP frontend', () => {
    const loaded = parseScenarioText(loopScenario('52.0.0.1', '10.1.0.4'), 'loop.yaml');
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const { result, packets } = runObserved(loaded.scenario);
    expect(result.status.kind).toBe('completed');
    expect(packets.unaccounted).toEqual([]);
    expect(packets.maxHops).toBeLessThanOrEqual(6);
  });
});
