/**
 * Runaway scenarios stop with a clear error (docs/architecture.md#determinism-and-accounting, docs/architecture.md#bad-input; issue 10): millions of
 * connections, a storm of requests and retransmissions, and huge per-run work stop at the
 * event budget (exit 2 and one line saying so) or are refused when loaded; and no valid input
 * builds a routing loop — the candidates (frontends and NICs on the addresses of lbsim's own
 * Muxes and router, a VM reaching its own floating-IP frontend) end with no packet crossing
 * more than six links. The router's TTL, which would stop a loop, is tested in
 * packages/core/test/router.test.ts: no scenario can reach it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenarioText, runScenario } from '@lbsim/scenario';
import { runObserved } from '@lbsim/scenario/testing';
import { main } from '@lbsim/sim-cli';
import { describe, expect, it } from 'vitest';
import { expectClearLine } from './fuzz-support.ts';
import { repositoryRoot } from './support.ts';

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

  it('a run that would start more connections than its heap holds stops with a clear status, not a V8 crash', () => {
    const loaded = parseScenarioText(
      scenarioText({
        top: 'duration: 10s',
        traffic: '{ from: client-1, to: 52.0.0.1:80, connections: 50, every: 10ms }',
      }),
      'small.yaml',
    );
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    // A heap of 50,000 bytes holds 20 connections at memory-budget.ts's 2,500 bytes each.
    const result = runScenario(loaded.scenario, { heapLimitBytes: 50_000 });
    expect(result.status).toMatchObject({ kind: 'state-limit-reached', what: 'connections', limit: 20 });
    expect(result.connections).toHaveLength(20);
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

/** `lbsim run <file>` in a child process with a heap of `heapMiB` (V8's --max-old-space-size). */
function lbsimWithHeap(text: string, heapMiB: number): { status: number | null; stderr: string } {
  const file = join(scratch, `heap-${heapMiB}-${text.length}.yaml`);
  writeFileSync(file, text);
  const child = spawnSync(
    process.execPath,
    [
      `--max-old-space-size=${heapMiB}`,
      '--import',
      'tsx',
      join(repositoryRoot, 'packages/sim-cli/src/bin.ts'),
      'run',
      file,
    ],
    { cwd: repositoryRoot, encoding: 'utf8', timeout: 120_000 },
  );
  return { status: child.status, stderr: child.stderr.replaceAll(file, 'FILE') };
}

/** 2,000 DIPs behind modulo hashing and 33,000 weight changes: 66 million table entries. */
function moduloChurnText(): string {
  const vms = Array.from(
    { length: 2000 },
    (_, i) =>
      `      - { name: w${i}, nics: [{ ip: 10.1.${4 + Math.floor(i / 250)}.${4 + (i % 250)} }], listeners: [{ port: 80 }] }`,
  );
  const members = Array.from({ length: 2000 }, (_, i) => `w${i}`).join(', ');
  const events = Array.from(
    { length: 33_000 },
    (_, i) =>
      `  - { at: ${i + 1}ms, action: set-backend-weight, loadBalancer: lb, backendPool: p, member: w${i % 2000}, weight: ${(i % 7) + 1} }`,
  );
  return `name: modulo-churn
duration: 60s
network: { backendSelection: modulo }
hosts:
  - name: host-a
    vms:
${vms.join('\n')}
clients: [{ name: client-1, ip: 203.0.113.7 }]
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.0.0.1 }]
    backendPools: [{ name: p, members: [${members}] }]
    rules: [{ name: http, frontend: fe, backendPool: p, protocol: Tcp, frontendPort: 80, backendPort: 80 }]
traffic: [{ from: client-1, to: 52.0.0.1:80, connections: 10 }]
events:
${events.join('\n')}
`;
}

// Each of these ended in a V8 fatal error ("JavaScript heap out of memory") after minutes; in
// a process with a small heap each is now refused at once, exit 2 and one located line.
describe('scenarios that cannot fit in the heap are refused before they run (issue 16)', () => {
  const connectionsRefused =
    /^FILE:\d+:\d+ {2}traffic\[0\]\.connections {2}the traffic starts 10000000 connections within the run, more than the \d+ that fit in Node's heap of \d+ MiB/;
  it.each([
    [
      'ten million TCP connections a microsecond apart',
      { top: 'duration: 1000h', traffic: '{ from: client-1, to: 52.0.0.1:80, connections: 10000000, every: 1us }' },
    ],
    [
      'ten million UDP exchanges a nanosecond apart',
      {
        top: 'duration: 1000h',
        listener: '{ protocol: Udp, port: 80 }',
        traffic: '{ from: client-1, to: 52.0.0.1:80, protocol: Udp, connections: 10000000, every: 1ns }',
      },
    ],
    [
      'ten million idle connections',
      {
        top: 'duration: 1000h',
        traffic:
          '{ from: client-1, to: 52.0.0.1:80, connections: 10000000, every: 1us, requests: 2, idleBetween: 900h }',
      },
    ],
    [
      'an event budget of a billion',
      {
        top: 'duration: 1000h\neventBudget: 1000000000',
        traffic: '{ from: client-1, to: 52.0.0.1:80, connections: 10000000, every: 1ms }',
      },
    ],
  ])('%s', (_, parts) => {
    const udp = 'listener' in parts;
    const text = scenarioText(parts).replace(
      'protocol: Tcp, frontendPort',
      `protocol: ${udp ? 'Udp' : 'Tcp'}, frontendPort`,
    );
    const { status, stderr } = lbsimWithHeap(text, 64);
    expect(stderr).toMatch(connectionsRefused);
    expect(status).toBe(2);
    for (const line of stderr.trimEnd().split('\n')) expectClearLine(line);
  });

  it('2,000 DIPs with 33,000 pool changes under modulo hashing', () => {
    const { status, stderr } = lbsimWithHeap(moduloChurnText(), 512);
    expect(stderr).toMatch(
      /^FILE:\d+:\d+ {2}events {2}33000 pool changes rebuild the modulo table of up to 2000 DIPs 33001 times: 66002000 entries to build, more than lbsim's 16777216/,
    );
    expect(status).toBe(2);
  }, 180_000);

  it('a file too large to load in a small heap is refused before it is parsed', () => {
    const { status, stderr } = lbsimWithHeap(moduloChurnText(), 64);
    expect(stderr).toMatch(/^FILE {2}is \d+ bytes: loading it takes about \d+ MiB, more than Node's heap of \d+ MiB/);
    expect(status).toBe(2);
  });
});
