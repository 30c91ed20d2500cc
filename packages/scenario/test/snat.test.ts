/**
 * Outbound SNAT from the scenario's point of view: which VMs get it, from which frontends,
 * with how many ports (docs/mechanics.md §2.8), and the validation Azure applies to outbound rules.
 */
import { formatIpv4Address, type TraceEvent } from '@lbsim/core';
import { describe, expect, it } from 'vitest';
import { compileSnat, type LoadResult, PoolMembership, parseScenarioText, runScenario } from '../src/index.ts';

function load(source: string): LoadResult {
  return parseScenarioText(source, 'x.yaml');
}

function loaded(source: string) {
  const result = load(source);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.path} ${e.message}`).join('\n'));
  return result;
}

function errorsOf(source: string): string[] {
  const result = load(source);
  return result.ok ? [] : result.errors.map((e) => `${e.path}  ${e.message}`);
}

/** A scenario with `vms` VMs in pool `web`, a server on the Internet, and the given load balancer lines. */
function scenario(loadBalancer: string, options: { vms?: number; traffic?: string } = {}): string {
  const vms = Array.from(
    { length: options.vms ?? 1 },
    (_, i) => `      - { name: vm-${i + 1}, nics: [{ ip: 10.9.${Math.floor(i / 200)}.${(i % 200) + 4} }] }`,
  ).join('\n');
  const members = Array.from({ length: options.vms ?? 1 }, (_, i) => `vm-${i + 1}`).join(', ');
  return `name: snat
duration: 20s
network: { muxes: 2 }
hosts:
  - name: h1
    vms:
${vms}
clients:
  - name: server
    ip: 203.0.113.50
    listeners: [{ port: 80 }, { protocol: Udp, port: 53 }]
loadBalancers:
  - name: lb
    frontends: [{ name: fe, ip: 52.0.0.1 }, { name: fe2, ip: 52.0.0.2 }]
    backendPools: [{ name: web, members: [${members}] }]
${loadBalancer}
traffic:
${options.traffic ?? '  - { name: out, from: vm-1, to: 203.0.113.50:80, connections: 3 }'}
`;
}

/** Runs a scenario; what the server saw as the source of each packet it received, and the drops. */
function run(source: string) {
  const events: TraceEvent[] = [];
  const result = runScenario(loaded(source).scenario, { sinks: [{ record: (event) => events.push(event) }] });
  const sources = [
    ...new Set(
      events.filter((e) => e.node === 'server' && e.kind === 'receive').map((e) => formatIpv4Address(e.packet.src)),
    ),
  ];
  const drops = [...new Set(events.filter((e) => e.kind === 'drop').map((e) => `${e.node} ${e.reason}`))];
  return { result, sources, drops };
}

const tcpRule =
  '    rules: [{ name: http, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 80 }]';

describe('which VMs get outbound SNAT', () => {
  it('a public load-balancing rule gives its pool default outbound SNAT, only for its protocol', () => {
    const tcp = run(scenario(tcpRule));
    expect(tcp.sources).toEqual(['52.0.0.1']);
    expect(tcp.result.traffic[0]?.outcomes).toEqual([['completed', 3]]);
    expect(tcp.result.snat[0]).toMatchObject({ vm: 'vm-1', policy: 'lb/http (default outbound)', portLimit: 1024 });
    const udp = run(
      scenario(tcpRule, { traffic: '  - { name: out, from: vm-1, to: 203.0.113.50:53, protocol: Udp }' }),
    );
    expect(udp.drops).toEqual(['h1 no-outbound-connectivity']);
    expect(udp.result.traffic[0]?.outcomes).toEqual([['lost', 1]]);
  });

  it('disableOutboundSnat without an outbound rule leaves the pool with no outbound connectivity', () => {
    const { drops } = run(
      scenario(
        '    rules: [{ name: http, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 80, disableOutboundSnat: true }]',
      ),
    );
    expect(drops).toEqual(['h1 no-outbound-connectivity']);
  });

  it('an outbound rule SNATs its pool through its own frontend, for TCP and UDP with protocol All', () => {
    const lb = `${tcpRule.replace('backendPort: 80 }', 'backendPort: 80, disableOutboundSnat: true }')}
    outboundRules: [{ name: out, frontends: [fe2], backendPool: web, allocatedOutboundPorts: 64 }]`;
    const tcp = run(scenario(lb));
    expect(tcp.sources).toEqual(['52.0.0.2']);
    expect(tcp.result.snat[0]).toMatchObject({ policy: 'lb/out', frontends: ['52.0.0.2'], portLimit: 64 });
    const udp = run(scenario(lb, { traffic: '  - { name: out, from: vm-1, to: 203.0.113.50:53, protocol: Udp }' }));
    expect(udp.result.traffic[0]?.outcomes).toEqual([['answered', 1]]);
    expect(udp.sources).toEqual(['52.0.0.2']);
  });

  it('an internal load balancer gives none; a VM behind no load balancer keeps its own address', () => {
    const internal = run(
      scenario(
        '    type: internal\n    rules: [{ name: http, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 80 }]',
      ).replace('{ name: fe, ip: 52.0.0.1 }, { name: fe2, ip: 52.0.0.2 }', '{ name: fe, ip: 10.9.0.100 }'),
    );
    expect(internal.drops).toEqual(['h1 no-outbound-connectivity']);
    const alone = run(
      scenario(tcpRule.replace('backendPool: web', 'backendPool: web'), { vms: 2 }).replace(
        'members: [vm-1, vm-2]',
        'members: [vm-2]',
      ),
    );
    expect(alone.sources).toEqual(['10.9.0.4']);
  });
});

describe('how many ports a VM gets', () => {
  const policiesOf = (source: string) => {
    const { scenario: parsed } = loaded(source);
    return compileSnat(parsed, new PoolMembership(parsed)).policies;
  };

  it('the default table by pool size, times the frontends but at most 1024; 4 minutes idle', () => {
    expect(policiesOf(scenario(tcpRule, { vms: 60 }))[0]).toMatchObject({ portLimit: 512, idleTimeoutNs: 240e9 });
    const twoFrontends = `    rules:
      - { name: http, frontend: fe, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 80 }
      - { name: alt, frontend: fe2, backendPool: web, protocol: Tcp, frontendPort: 80, backendPort: 81 }`;
    const policies = policiesOf(scenario(twoFrontends, { vms: 60 }));
    expect(policies[0]).toMatchObject({ portLimit: 1024, name: 'lb/http (default outbound)' });
    expect(policies[0]?.frontends.map(formatIpv4Address)).toEqual(['52.0.0.1', '52.0.0.2']);
    expect(policiesOf(scenario(twoFrontends, { vms: 300 }))[0]?.portLimit).toBe(256);
  });

  it('an outbound rule: allocatedOutboundPorts, or the table when 0; its idle timeout and TCP reset', () => {
    const rule = (extra: string) =>
      `    outboundRules: [{ name: out, frontends: [fe], backendPool: web, protocol: Tcp${extra} }]`;
    expect(policiesOf(scenario(rule(', allocatedOutboundPorts: 0'), { vms: 120 }))[0]?.portLimit).toBe(256);
    expect(
      policiesOf(scenario(rule(', allocatedOutboundPorts: 4000, idleTimeoutInMinutes: 30, enableTcpReset: true')))[0],
    ).toMatchObject({ portLimit: 4000, idleTimeoutNs: 1800e9, enableTcpReset: true });
  });
});

describe('validation of outbound SNAT', () => {
  it('allocatedOutboundPorts is a multiple of 8; the idle timeout is 4..120 minutes', () => {
    expect(
      errorsOf(
        scenario(
          '    outboundRules: [{ name: out, frontends: [fe], backendPool: web, allocatedOutboundPorts: 100, idleTimeoutInMinutes: 121 }]',
        ),
      ),
    ).toEqual([
      'loadBalancers[0].outboundRules[0].allocatedOutboundPorts  allocatedOutboundPorts must be a multiple of 8 (ports are given in ranges of 8), got 100',
      'loadBalancers[0].outboundRules[0].idleTimeoutInMinutes  idleTimeoutInMinutes is 4..120 for outbound rules',
    ]);
  });

  it('the ports must fit the frontends: 64,000 each, less 8 per rule port range', () => {
    const rule = (frontends: string, ports: number) =>
      `    outboundRules: [{ name: out, frontends: [${frontends}], backendPool: web, allocatedOutboundPorts: ${ports} }]`;
    expect(errorsOf(scenario(rule('fe', 10_000), { vms: 7 }))).toEqual([
      'loadBalancers[0].outboundRules[0].allocatedOutboundPorts  10000 ports × 7 VMs = 70000 exceeds the 64000 SNAT ports of frontend "fe" (64,000 per frontend IP, less 8 per rule port range): give fewer ports or add frontend IPs',
    ]);
    expect(errorsOf(scenario(rule('fe, fe2', 10_000), { vms: 7 }))).toEqual([]);
    const withRule = `    rules: [{ name: http, frontend: fe, backendPool: other, protocol: Tcp, frontendPort: 80, backendPort: 80 }]
${rule('fe', 64_000)}`;
    expect(errorsOf(scenario(withRule).replace('members: [vm-1] }]', 'members: [vm-1] }, { name: other }]'))).toEqual([
      'loadBalancers[0].rules[0].disableOutboundSnat  outbound rule "out" uses frontend "fe": set disableOutboundSnat: true on this rule first (Azure rejects an outbound rule on a frontend whose load-balancing rules SNAT)',
      'loadBalancers[0].outboundRules[0].allocatedOutboundPorts  64000 ports × 1 VM = 64000 exceeds the 63992 SNAT ports of frontend "fe" (64,000 per frontend IP, less 8 per rule port range): give fewer ports or add frontend IPs',
    ]);
  });

  it('outbound rules sharing a frontend must fit it together', () => {
    const twoRules = (frontends: string) =>
      scenario(`    outboundRules:
      - { name: out, frontends: [fe], backendPool: web, protocol: Tcp, allocatedOutboundPorts: 40000 }
      - { name: more, frontends: [${frontends}], backendPool: more, protocol: Tcp, allocatedOutboundPorts: 30000 }`).replace(
        'backendPools: [{ name: web, members: [vm-1] }]',
        'backendPools: [{ name: web, members: [vm-1] }, { name: more, members: [vm-1] }]',
      );
    expect(errorsOf(twoRules('fe'))).toEqual([
      'loadBalancers[0].outboundRules[1].allocatedOutboundPorts  the TCP outbound rules of "lb" give out 70000 ports together, more than the 64000 SNAT ports of frontend "fe"',
    ]);
    expect(errorsOf(twoRules('fe, fe2'))).toEqual([]);
  });

  it('a load-balancing rule must leave SNAT to an outbound rule that covers its pool', () => {
    expect(
      errorsOf(scenario(`${tcpRule}\n    outboundRules: [{ name: out, frontends: [fe2], backendPool: web }]`)),
    ).toEqual([
      'loadBalancers[0].rules[0].disableOutboundSnat  outbound rule "out" covers backend pool "web": set disableOutboundSnat: true so the outbound rule alone gives it SNAT (Azure rejects both)',
    ]);
  });

  it('an Internet host listens on its own address, with http or echo', () => {
    const source = scenario(tcpRule).replace(
      'listeners: [{ port: 80 }, { protocol: Udp, port: 53 }]',
      'listeners: [{ port: 80, address: 203.0.113.51 }, { port: 21, app: ftp }]',
    );
    expect(errorsOf(source)).toEqual(['clients[0].listeners[1].app  expected "http" or "echo", got "ftp"']);
    const wrongAddress = scenario(tcpRule).replace(
      'listeners: [{ port: 80 }',
      'listeners: [{ port: 80, address: 203.0.113.51 }',
    );
    expect(errorsOf(wrongAddress)).toEqual([
      'clients[0].listeners[0].address  an Internet host has one address, 203.0.113.50; a listener cannot bind 203.0.113.51',
    ]);
  });

  it('outbound rules and disableOutboundSnat no longer warn that they are not simulated', () => {
    const result = loaded(
      scenario(
        `${tcpRule.replace('backendPort: 80 }', 'backendPort: 80, disableOutboundSnat: true }')}\n    outboundRules: [{ name: out, frontends: [fe2], backendPool: web }]`,
      ),
    );
    expect(result.warnings).toEqual([]);
  });
});
