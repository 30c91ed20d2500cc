import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, loadScenarioFile, parseScenarioText } from '../src/index.ts';
import { basicRetiredWarning } from '../src/validate/basic-sku.ts';

const catalogue = join(import.meta.dirname, '../../../scenarios');

const base = `name: t
hosts:
  - name: host-a
    vms:
      - name: web-1
        nics: [{ ip: 10.1.0.4 }]
        listeners: [{ port: 80 }]
clients:
  - { name: c, ip: 203.0.113.7 }
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.0.0.1 }]
    backendPools: [{ name: web, members: [web-1] }]
    rules:
      - { name: r, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 80 }
traffic:
  - { from: c, to: 52.0.0.1:80 }
`;

function errorLines(text: string): string[] {
  const result = parseScenarioText(text, 'x.yaml');
  if (result.ok) return [];
  return result.errors.map(formatDiagnostic);
}

describe('loading scenarios', () => {
  it('accepts a valid scenario and fills defaults', () => {
    const result = parseScenarioText(base, 'x.yaml');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.scenario.network.muxes).toBe(8);
    expect(result.scenario.duration).toBe(60e9);
    expect(result.scenario.loadBalancers[0]?.rules[0]?.idleTimeoutInMinutes).toBe(4);
    expect(result.scenario.traffic[0]?.startAt).toBe(1e9);
  });

  it('loads every catalogue scenario', () => {
    for (const file of readdirSync(catalogue, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.yaml') && !f.endsWith('.sweep.yaml'))) {
      const result = loadScenarioFile(join(catalogue, file));
      expect(result.ok ? [] : result.errors.map(formatDiagnostic), file).toEqual([]);
    }
  });

  it('a YAML syntax error: one line with its position', () => {
    expect(errorLines('name: t\nhosts: [web\nclients: []\n')).toEqual([
      'x.yaml:3:1  YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
    expect(errorLines('name: t\nname: u\n')).toEqual(['x.yaml:2:1  YAML: Map keys must be unique']);
  });

  it('a misspelt key: its line and column, and the key it probably meant', () => {
    const text = base.replace('    frontends:', '    frontend:');
    expect(errorLines(text)).toEqual(
      [
        'x.yaml:12:5  loadBalancers[0].frontend  unknown key "frontend" (did you mean "frontends"?)',
        'x.yaml:11:5  loadBalancers[0].frontends  missing required key "frontends"',
      ].sort((a, b) => Number(a.split(':')[1]) - Number(b.split(':')[1])),
    );
  });

  it('a dangling pool name: where it is used, with the names that exist', () => {
    const text = base.replace('backendPool: web,', 'backendPool: webs,');
    expect(errorLines(text)).toEqual([
      'x.yaml:15:47  loadBalancers[0].rules[0].backendPool  unknown backend pool "webs" (did you mean "web"?)',
    ]);
  });

  it('an invalid IP address: the value and its place', () => {
    const text = base.replace('ip: 10.1.0.4', 'ip: 10.1.0.400');
    expect(errorLines(text)).toEqual([
      'x.yaml:6:22  hosts[0].vms[0].nics[0].ip  expected an IPv4 address such as 10.1.0.4, got "10.1.0.400"',
    ]);
  });

  it('an IP that YAML reads as a number is still reported as an address problem', () => {
    const text = base.replace('ip: 10.1.0.4', 'ip: 10.1');
    expect(errorLines(text)).toEqual([
      'x.yaml:6:22  hosts[0].vms[0].nics[0].ip  expected an IPv4 address such as 10.1.0.4, got 10.1',
    ]);
  });

  it('a missing file: one line naming it', () => {
    const result = loadScenarioFile('/no/such/dir/scenario.yaml');
    expect(result.ok ? [] : result.errors.map(formatDiagnostic)).toEqual(['/no/such/dir/scenario.yaml  no such file']);
  });

  it('reports every problem at once, in file order', () => {
    const text = base
      .replace('ip: 10.1.0.4', 'ip: nope')
      .replace('frontendPort: 80', 'frontendPort: 70000')
      .replace('name: t\n', 'name: t\nsede: 3\n');
    const lines = errorLines(text);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('unknown key "sede" (did you mean "seed"?)');
    expect(lines[1]).toContain('hosts[0].vms[0].nics[0].ip');
    expect(lines[2]).toContain('loadBalancers[0].rules[0].frontendPort  a port is 0..65535, got 70000');
  });

  it('rejects what Azure rejects', () => {
    const probe = base.replace(
      '    rules:',
      '    probes: [{ name: p, protocol: Http, port: 21, requestPath: / }]\n    rules:',
    );
    expect(errorLines(probe)[0]).toContain('HTTP(S) probes cannot use port 21');
    const idle = base.replace('backendPort: 80 }', 'backendPort: 80, idleTimeoutInMinutes: 101 }');
    expect(errorLines(idle)[0]).toContain('idleTimeoutInMinutes is 4..100');
    // 45 minutes was refused under the 2016–2020 range and is accepted today.
    const longIdle = base.replace('backendPort: 80 }', 'backendPort: 80, idleTimeoutInMinutes: 45 }');
    expect(errorLines(longIdle)).toEqual([]);
    const ports = base.replace('frontendPort: 80, backendPort: 80', 'frontendPort: 0, backendPort: 80');
    expect(errorLines(ports)[0]).toContain('port 0 is only for HA-ports rules');
    const reserved = base.replace('ip: 203.0.113.7', 'ip: 168.63.129.16');
    expect(errorLines(reserved)[0]).toContain("Azure's platform address");
    const infrastructure = base.replace('ip: 10.1.0.4', 'ip: 100.127.0.1');
    expect(errorLines(infrastructure)).toEqual([
      'x.yaml:6:22  hosts[0].vms[0].nics[0].ip  100.127.0.1 is in 100.127.0.0/16, which lbsim gives the Muxes and the edge router',
    ]);
  });

  it('refuses Maglev tables that would take too long to build, saying what to change', () => {
    const big = base.replace('name: t\n', 'name: t\nnetwork: { maglevTableSize: 10000019 }\n');
    expect(parseScenarioText(big, 'x.yaml').ok).toBe(true);
    const events = Array.from(
      { length: 13 },
      (_, i) =>
        `  - { at: ${i + 1}s, action: set-backend-weight, loadBalancer: lb, backendPool: web, member: web-1, weight: ${(i % 3) + 1} }`,
    );
    expect(errorLines(`${big}events:\n${events.join('\n')}\n`)).toEqual([
      "x.yaml:2:29  network.maglevTableSize  14 Maglev tables (one per backend pool and inbound NAT rule in use, one per pool change) of 10000019 slots are 140000266 slots to fill, more than lbsim's 134217728: use a smaller maglevTableSize, such as 65537",
    ]);
  });

  it('rejects clashing addresses and names', () => {
    const clash = base.replace('ip: 203.0.113.7', 'ip: 10.1.0.4');
    expect(errorLines(clash)).toEqual([
      'x.yaml:9:20  clients[0].ip  10.1.0.4 is already the address of NIC web-1-nic0 of VM "web-1"',
    ]);
    const name = base.replace('name: c, ip', 'name: web-1, ip').replace('from: c,', 'from: web-1,');
    expect(errorLines(name)).toEqual(['x.yaml:9:13  clients[0].name  the name "web-1" is already used by VM "web-1"']);
  });

  it('a missing choice (a drop reason left out) is a problem, not a crash; .nan and .inf are named as such', () => {
    const text = `${base}expect:\n  - drops: {}\nseed: .nan\neventBudget: .inf\n`;
    expect(errorLines(text)).toEqual([
      'x.yaml:19:12  expect[0].drops.reason  missing required key "reason"',
      'x.yaml:20:7  seed  expected a number, got .nan',
      'x.yaml:21:14  eventBudget  expected a number, got .inf',
    ]);
  });

  it('echoes keys and names from the file escaped and shortened, one line per problem', () => {
    expect(errorLines(base.replace('name: t\n', 'name: t\n"evil\\nkey": 1\n'))).toEqual([
      'x.yaml:2:1  evil\\nkey  unknown key "evil\\nkey" (allowed here: name, description, seed, duration, eventBudget, network, virtualNetwork, networkSecurityGroups, hosts, vms, clients, loadBalancers, traffic, events, expect)',
    ]);
    expect(errorLines(base.replace('members: [web-1]', `members: ["${'w'.repeat(1000)}"]`))).toEqual([
      `x.yaml:13:43  loadBalancers[0].backendPools[0].members[0]  unknown VM "${'w'.repeat(30)}…${'w'.repeat(29)}" (known: "web-1")`,
    ]);
  });

  it('reports each repeated key at the repeat, in block and flow maps; 1 and "1" are different keys', () => {
    expect(errorLines('name: t\nhosts: []\nname: u\nnetwork: { muxes: 1, mtu: 1500, muxes: 2 }\n')).toEqual([
      'x.yaml:3:1  YAML: Map keys must be unique',
      'x.yaml:4:33  YAML: Map keys must be unique',
    ]);
    expect(errorLines('name: t\n1: a\n"1": b\n')).not.toContain('YAML: Map keys must be unique');
  });

  it('reports the first 100 of a hundred thousand unknown keys at their lines and counts the rest (in linear time: it took minutes)', () => {
    const lines = errorLines(Array.from({ length: 100_000 }, (_, i) => `k${i}: ${i}`).join('\n'));
    expect(lines).toHaveLength(101);
    expect(lines.filter((line) => line.startsWith('x.yaml:77:1  k76  unknown key "k76"'))).toHaveLength(1);
    expect(lines[100]).toBe('x.yaml  and 99901 more errors (fix these first)');
  });

  it('refuses nesting deeper than 64 levels with one message at the first level too deep', () => {
    expect(errorLines(`name: t\nhosts: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`)).toEqual([
      'x.yaml:2:71  YAML: nested more than 64 levels deep; a scenario needs far fewer',
    ]);
    const block = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
    expect(errorLines(`${block} 1\n`)).toEqual([
      'x.yaml:65:65  YAML: nested more than 64 levels deep; a scenario needs far fewer',
    ]);
    expect(errorLines(`name: t\nhosts: ${'['.repeat(63)}${']'.repeat(63)}\n`)[0]).toContain('hosts[0]');
  });

  it('refuses documents that are not mappings, empty, binary or alias bombs', () => {
    expect(errorLines('')).toEqual(['x.yaml  is empty; a scenario needs at least name and hosts']);
    expect(errorLines('- a\n- b\n')[0]).toContain('must be a mapping');
    expect(errorLines('a\u0000b')[0]).toContain('not a text file');
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 9 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(', ')}]`,
      ),
    ].join('\n');
    expect(errorLines(bomb)[0]).toMatch(/YAML: .*alias/i);
  });

  it('rejects on a Basic load balancer what only Standard has: outbound rules, HTTPS probes, TCP reset', () => {
    const text = base
      .replace(
        '    rules:',
        '    sku: Basic\n    probes: [{ name: p, protocol: Https, port: 443, requestPath: / }]\n    outboundRules: [{ name: o, frontends: [fe], backendPool: web }]\n    rules:',
      )
      .replace('backendPort: 80 }', 'backendPort: 80, enableTcpReset: true, disableOutboundSnat: true }');
    const errors = errorLines(text).map((line) => line.replace(/^x\.yaml:\d+:\d+ {2}/, ''));
    expect(errors).toEqual([
      'loadBalancers[0].probes[0].protocol  a Basic load balancer probes with Tcp or Http only; Https is Standard',
      'loadBalancers[0].outboundRules[0]  a Basic load balancer has no outbound rules (Standard only); use sku: Standard',
      'loadBalancers[0].rules[0].enableTcpReset  TCP reset on idle is Standard only, not Basic',
    ]);
  });

  it('warns that Basic is retired, says how to upgrade and what of Basic it models', () => {
    const text = base.replace('    rules:', '    sku: Basic\n    rules:');
    const result = parseScenarioText(text, 'x.yaml');
    expect(result.ok).toBe(true);
    expect(result.warnings.map(formatDiagnostic)).toEqual([
      `x.yaml:14:10  loadBalancers[0].sku  warning: ${basicRetiredWarning}`,
    ]);
    expect(basicRetiredWarning).toContain('retired on 30 September 2025');
    expect(basicRetiredWarning).toContain('load-balancer-basic-upgrade-guidance');
  });
});
