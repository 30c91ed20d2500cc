/**
 * Loading the host-side settings of issue 5: NSGs, guest routes, host model, tw_recycle, VM
 * and rule events — and rejecting, with one line each, what Azure (or the OS) would reject.
 */
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, parseScenarioText } from '../src/index.ts';

const base = `name: t
virtualNetwork:
  name: vnet
  addressSpace: [10.1.0.0/16]
  subnets:
    - { name: web, addressPrefix: 10.1.0.0/24, networkSecurityGroup: web-nsg }
networkSecurityGroups:
  - name: web-nsg
    securityRules:
      - { name: allow-http, priority: 100, direction: Inbound, access: Allow, protocol: Tcp, destinationPortRange: 80 }
hosts:
  - name: host-a
    vms:
      - name: web-1
        nics: [{ name: eth0, ip: 10.1.0.4 }, { name: eth1, ip: 10.1.0.5 }]
        routes: [{ source: 10.1.0.5, nic: eth1 }]
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
events:
  - { at: 5s, action: stop-vm, vm: web-1 }
  - { at: 6s, action: start-vm, vm: web-1 }
  - at: 7s
    action: set-security-rule
    networkSecurityGroup: web-nsg
    rule: { name: deny-c, priority: 110, direction: Inbound, access: Deny, protocol: '*', sourceAddressPrefix: 203.0.113.7 }
  - { at: 8s, action: delete-security-rule, networkSecurityGroup: web-nsg, name: deny-c }
`;

function errorLines(text: string): string[] {
  const result = parseScenarioText(text, 'x.yaml');
  return result.ok ? [] : result.errors.map(formatDiagnostic);
}

describe('loading host and guest network settings', () => {
  it('accepts NSGs, routes and events, filling defaults', () => {
    const result = parseScenarioText(base, 'x.yaml');
    expect(result.ok ? [] : result.errors.map(formatDiagnostic)).toEqual([]);
    if (!result.ok) return;
    expect(result.scenario.hosts[0]?.vms[0]?.routes).toEqual([
      { destination: '0.0.0.0/0', source: '10.1.0.5', nic: 'eth1' },
    ]);
    expect(result.scenario.events.map((event) => event.action)).toEqual([
      'stop-vm',
      'start-vm',
      'set-security-rule',
      'delete-security-rule',
    ]);
  });

  it('rejects NSG rules Azure rejects', () => {
    const priority = base.replace('priority: 100', 'priority: 5000');
    expect(errorLines(priority)).toEqual([
      'x.yaml:10:39  networkSecurityGroups[0].securityRules[0].priority  an NSG rule priority is 100..4096 (lower numbers are processed first)',
    ]);
    const ports = base.replace('destinationPortRange: 80', 'destinationPortRange: 90-80');
    expect(errorLines(ports)[0]).toContain('expected *, a port 0..65535 or a range such as 1000-2000, got "90-80"');
    const prefix = base.replace(
      'destinationPortRange: 80 }',
      'destinationPortRange: 80, sourceAddressPrefix: Interweb }',
    );
    expect(errorLines(prefix)[0]).toContain(
      'expected *, a service tag (VirtualNetwork, AzureLoadBalancer, Internet), an IPv4 address or a prefix',
    );
    const hostBits = base.replace(
      'destinationPortRange: 80 }',
      'destinationPortRange: 80, sourceAddressPrefix: 10.1.0.4/24 }',
    );
    expect(errorLines(hostBits)[0]).toContain('(no host bits set), got "10.1.0.4/24"');
    const both = base.replace('destinationPortRange: 80 }', 'destinationPortRange: 80, destinationPortRanges: [81] }');
    expect(errorLines(both)[0]).toContain('give destinationPortRange or destinationPortRanges, not both');
    const clash = base.replace(
      '      - { name: allow-http',
      '      - { name: allow-ssh, priority: 100, direction: Inbound, access: Allow, protocol: Tcp }\n      - { name: allow-http',
    );
    expect(errorLines(clash)).toEqual([
      'x.yaml:11:39  networkSecurityGroups[0].securityRules[1].priority  rule "allow-ssh" already has Inbound priority 100; two rules of a group cannot share a direction and a priority',
    ]);
  });

  it('rejects references to NSGs, NICs and rules that do not exist', () => {
    expect(errorLines(base.replace('networkSecurityGroup: web-nsg }', 'networkSecurityGroup: web-ngs }'))).toEqual([
      'x.yaml:6:70  virtualNetwork.subnets[0].networkSecurityGroup  unknown network security group "web-ngs" (did you mean "web-nsg"?)',
    ]);
    expect(errorLines(base.replace('nic: eth1 }', 'nic: etj1 }'))[0]).toContain(
      'hosts[0].vms[0].routes[0].nic  VM "web-1" has no NIC "etj1" (did you mean "eth1"?)',
    );
    expect(errorLines(base.replace('name: deny-c }', 'name: deny-d }'))[0]).toContain(
      'network security group "web-nsg" has no rule "deny-d" at this point',
    );
    expect(errorLines(base.replace('action: stop-vm, vm: web-1', 'action: stop-vm, vm: web-9'))[0]).toContain(
      'unknown VM "web-9"',
    );
    // The rule event's priority clashes with the rule already there.
    expect(errorLines(base.replace('priority: 110,', 'priority: 100,'))[0]).toContain(
      'events[2].rule.priority  rule "allow-http" already has Inbound priority 100',
    );
  });

  it('rejects OS settings the OS does not have, and listeners on addresses the VM lacks', () => {
    const weak = base.replace('        routes:', '        weakHostReceive: true\n        routes:');
    expect(errorLines(weak)[0]).toContain(
      'hosts[0].vms[0].weakHostReceive  weakHostReceive is a Windows setting; Linux always uses the weak host model',
    );
    const recycle = base.replace(
      '        routes:',
      '        os: windows\n        tcp: { twRecycle: true }\n        routes:',
    );
    expect(errorLines(recycle)[0]).toContain('twRecycle is a Linux setting');
    const bound = base.replace('listeners: [{ port: 80 }]', 'listeners: [{ port: 80, address: 52.0.0.1 }]');
    expect(errorLines(bound)[0]).toContain(
      '52.0.0.1 is not an address of VM "web-1" (it has 10.1.0.4, 10.1.0.5); add it to loopbacks to bind to it',
    );
    const route = base.replace('source: 10.1.0.5,', 'source: 10.1.0.5/24,');
    expect(errorLines(route)[0]).toContain('expected an IPv4 address or prefix such as 10.1.1.4 or 10.1.1.0/24');
  });

  it('keeps public frontends and Internet clients outside the virtual network, internal frontends inside', () => {
    expect(
      errorLines(base.replace('ip: 52.0.0.1 }', 'ip: 10.1.0.100 }').replace('52.0.0.1:80', '10.1.0.100:80')),
    ).toEqual([
      "x.yaml:22:33  loadBalancers[0].frontends[0].ip  a public frontend's IP lies outside the virtual network; 10.1.0.100 is inside 10.1.0.0/16 (use type: internal)",
    ]);
    const internal = base.replace('  - name: lb\n', '  - name: lb\n    type: internal\n');
    expect(errorLines(internal)).toEqual([
      'x.yaml:23:33  loadBalancers[0].frontends[0].ip  an internal frontend takes an address of the virtual network (10.1.0.0/16); 52.0.0.1 is outside it',
      'x.yaml:28:20  traffic[0].to  52.0.0.1 is an internal frontend: only the virtual network reaches it, and "c" is an Internet client',
    ]);
    const reachable = internal.replace('ip: 52.0.0.1 }', 'ip: 10.1.0.100 }').replace('52.0.0.1:80', '10.1.0.100:80');
    expect(errorLines(reachable)).toEqual([
      'x.yaml:28:20  traffic[0].to  10.1.0.100 is an internal frontend: only the virtual network reaches it, and "c" is an Internet client',
    ]);
    expect(errorLines(base.replace('ip: 203.0.113.7', 'ip: 10.1.9.9'))[0]).toContain(
      'clients[0].ip  a client is on the Internet, outside the virtual network (10.1.0.0/16)',
    );
  });
});

describe('a long value in a message', () => {
  // The hostile-input soak found an NSG prefix of 1,200 characters echoed whole in its error.
  it('is cut to a readable quote in every message that echoes what it got', () => {
    const long = 'x'.repeat(1200);
    const variants = [
      base.replace('destinationPortRange: 80 }', `destinationPortRange: 80, sourceAddressPrefix: ${long} }`),
      base.replace('destinationPortRange: 80 }', `destinationPortRange: ${long} }`),
      base.replace('routes: [{ source: 10.1.0.5, nic: eth1 }]', `routes: [{ source: ${long}, nic: eth1 }]`),
    ];
    for (const text of variants) {
      const result = parseScenarioText(text, 'x.yaml');
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      const lines = result.errors.map(formatDiagnostic);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) {
        expect(line).toContain('…');
        expect(line.length).toBeLessThan(400);
      }
    }
  });
});
