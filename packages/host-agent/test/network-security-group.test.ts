import { type FiveTuple, IpProtocol, ipv4, nsPerMinute, parseIpv4Prefix } from '@lbsim/core';
import { propertyTimeoutMs } from '@lbsim/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultSecurityRules,
  NetworkSecurityGroup,
  NicSecurity,
  NsgFlowRecords,
  nsgFlowIdleTimeoutNs,
  type SecurityRule,
  securityRuleMatches,
  serviceTagContains,
} from '../src/index.ts';

const vnet = [parseIpv4Prefix('10.1.0.0/16') as NonNullable<ReturnType<typeof parseIpv4Prefix>>];
const dip = ipv4('10.1.0.4');

const tcp = (src: string, srcPort: number, dst: string, dstPort: number): FiveTuple => ({
  protocol: IpProtocol.Tcp,
  srcAddress: ipv4(src),
  srcPort,
  dstAddress: ipv4(dst),
  dstPort,
});

function rule(fields: Partial<SecurityRule> & Pick<SecurityRule, 'name' | 'priority'>): SecurityRule {
  return {
    direction: 'Inbound',
    access: 'Allow',
    protocol: '*',
    sources: [{ kind: 'any' }],
    sourcePorts: [{ first: 0, last: 65535 }],
    destinations: [{ kind: 'any' }],
    destinationPorts: [{ first: 0, last: 65535 }],
    isDefault: false,
    ...fields,
  };
}

describe('service tags', () => {
  it('AzureLoadBalancer is 168.63.129.16; VirtualNetwork the address space; Internet everything else', () => {
    expect(serviceTagContains('AzureLoadBalancer', ipv4('168.63.129.16'), vnet)).toBe(true);
    expect(serviceTagContains('AzureLoadBalancer', ipv4('168.63.129.17'), vnet)).toBe(false);
    expect(serviceTagContains('VirtualNetwork', ipv4('10.1.200.9'), vnet)).toBe(true);
    expect(serviceTagContains('VirtualNetwork', ipv4('10.2.0.1'), vnet)).toBe(false);
    expect(serviceTagContains('Internet', ipv4('10.2.0.1'), vnet)).toBe(true);
    expect(serviceTagContains('Internet', dip, vnet)).toBe(false);
  });
});

describe('NSG evaluation', () => {
  it("applies Azure's default rules when no custom rule matches", () => {
    const group = new NetworkSecurityGroup('g', []);
    const inbound = (src: string) => group.evaluate('Inbound', tcp(src, 50000, '10.1.0.4', 80), vnet).name;
    expect(inbound('10.1.3.3')).toBe('AllowVnetInBound');
    expect(inbound('168.63.129.16')).toBe('AllowAzureLoadBalancerInBound');
    expect(inbound('203.0.113.7')).toBe('DenyAllInBound');
    const outbound = (dst: string) => group.evaluate('Outbound', tcp('10.1.0.4', 80, dst, 50000), vnet).name;
    expect(outbound('10.1.3.3')).toBe('AllowVnetOutBound');
    expect(outbound('203.0.113.7')).toBe('AllowInternetOutBound');
    expect(defaultSecurityRules.map((r) => [r.direction, r.priority, r.access])).toEqual([
      ['Inbound', 65000, 'Allow'],
      ['Inbound', 65001, 'Allow'],
      ['Inbound', 65500, 'Deny'],
      ['Outbound', 65000, 'Allow'],
      ['Outbound', 65001, 'Allow'],
      ['Outbound', 65500, 'Deny'],
    ]);
  });

  it('the matching rule with the lowest priority number wins, whatever order it was given in', () => {
    const deny = rule({ name: 'deny-all', priority: 4096, access: 'Deny' });
    const allow = rule({ name: 'allow-web', priority: 200, destinationPorts: [{ first: 80, last: 80 }] });
    const group = new NetworkSecurityGroup('g', [deny, allow]);
    expect(group.evaluate('Inbound', tcp('203.0.113.7', 1, '10.1.0.4', 80), vnet).name).toBe('allow-web');
    expect(group.evaluate('Inbound', tcp('203.0.113.7', 1, '10.1.0.4', 81), vnet).name).toBe('deny-all');
    // A custom deny beats AllowAzureLoadBalancerInBound (65001): the probe-blocking trap.
    expect(group.evaluate('Inbound', tcp('168.63.129.16', 1, '10.1.0.4', 81), vnet).name).toBe('deny-all');
  });

  it('matches protocol, prefixes, tags and port ranges; ICMP only matches rules with every port', () => {
    const group = new NetworkSecurityGroup('g', [
      rule({
        name: 'partner-tcp-range',
        priority: 100,
        protocol: 'Tcp',
        sources: [{ kind: 'prefix', prefix: { network: ipv4('203.0.113.0'), length: 24 } }],
        destinationPorts: [
          { first: 8000, last: 8010 },
          { first: 443, last: 443 },
        ],
      }),
      rule({ name: 'internet-udp', priority: 110, protocol: 'Udp', sources: [{ kind: 'tag', tag: 'Internet' }] }),
      rule({ name: 'web-port', priority: 120, destinationPorts: [{ first: 80, last: 80 }] }),
    ]);
    const decide = (tuple: FiveTuple) => group.evaluate('Inbound', tuple, vnet).name;
    expect(decide(tcp('203.0.113.9', 1, '10.1.0.4', 8005))).toBe('partner-tcp-range');
    expect(decide(tcp('203.0.113.9', 1, '10.1.0.4', 443))).toBe('partner-tcp-range');
    expect(decide(tcp('203.0.114.9', 1, '10.1.0.4', 8005))).toBe('DenyAllInBound');
    expect(decide({ ...tcp('198.51.100.1', 1, '10.1.0.4', 53), protocol: IpProtocol.Udp })).toBe('internet-udp');
    expect(decide({ ...tcp('10.1.5.5', 1, '10.1.0.4', 53), protocol: IpProtocol.Udp })).toBe('AllowVnetInBound');
    const icmp: FiveTuple = { ...tcp('203.0.113.9', 0, '10.1.0.4', 0), protocol: IpProtocol.Icmp };
    expect(decide(icmp)).toBe('DenyAllInBound');
  });

  it('replaces a rule of the same name and removes rules by name', () => {
    const group = new NetworkSecurityGroup('g', [rule({ name: 'a', priority: 300 })]);
    group.setRule(rule({ name: 'b', priority: 200, access: 'Deny' }));
    group.setRule(rule({ name: 'a', priority: 100, access: 'Deny' }));
    expect(group.rules.map((r) => [r.name, r.priority])).toEqual([
      ['a', 100],
      ['b', 200],
    ]);
    expect(group.deleteRule('a')).toBe(true);
    expect(group.deleteRule('a')).toBe(false);
    expect(group.rules.map((r) => r.name)).toEqual(['b']);
  });

  it('the deciding rule matches the packet and no rule processed before it does (property)', {
    timeout: propertyTimeoutMs(),
  }, () => {
    const group = new NetworkSecurityGroup('g', [
      rule({ name: 'deny-high', priority: 150, access: 'Deny', destinationPorts: [{ first: 1024, last: 65535 }] }),
      rule({ name: 'allow-tcp', priority: 300, protocol: 'Tcp' }),
    ]);
    fc.assert(
      fc.property(
        fc.record({
          protocol: fc.constantFrom(IpProtocol.Tcp, IpProtocol.Udp, IpProtocol.Icmp),
          srcAddress: fc.nat(0xffffffff),
          srcPort: fc.nat(65535),
          dstAddress: fc.nat(0xffffffff),
          dstPort: fc.nat(65535),
        }),
        fc.constantFrom('Inbound' as const, 'Outbound' as const),
        (tuple, direction) => {
          const decided = group.evaluate(direction, tuple, vnet);
          const earlier = [...group.rules, ...defaultSecurityRules].filter(
            (r) => r.direction === direction && r.priority < decided.priority,
          );
          return (
            securityRuleMatches(decided, direction, tuple, vnet) &&
            earlier.every((r) => !securityRuleMatches(r, direction, tuple, vnet))
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('NSG state', () => {
  const allowWeb = new NetworkSecurityGroup('web', [
    rule({ name: 'allow-web', priority: 100, destinationPorts: [{ first: 80, last: 80 }] }),
  ]);

  it('evaluates the subnet group, then the NIC group, inbound; both must allow', () => {
    const denyAll = new NetworkSecurityGroup('nic', [rule({ name: 'deny-all', priority: 4096, access: 'Deny' })]);
    const security = new NicSecurity(
      { group: allowWeb, scope: 'subnet web' },
      { group: denyAll, scope: 'NIC n' },
      vnet,
    );
    const verdict = security.admit('Inbound', tcp('203.0.113.7', 1, '10.1.0.4', 80), 0);
    expect(verdict).toMatchObject({ kind: 'deny', association: { scope: 'NIC n' }, rule: { name: 'deny-all' } });
  });

  it('lets return traffic of an allowed flow through, until the flow has been idle for 4 minutes', () => {
    const security = new NicSecurity({ group: allowWeb, scope: 'subnet web' }, undefined, vnet);
    const request = tcp('203.0.113.7', 50000, '10.1.0.4', 80);
    const reply = tcp('10.1.0.4', 80, '203.0.113.7', 50000);
    expect(security.admit('Inbound', request, 0)).toEqual({ kind: 'allow', by: 'rules' });
    // The outbound reply to the Internet would be allowed anyway; an inbound packet of the
    // flow on a port no rule allows shows the record at work.
    allowWeb.setRule(rule({ name: 'allow-web', priority: 100, access: 'Deny' }));
    expect(security.admit('Inbound', request, nsPerMinute)).toEqual({ kind: 'allow', by: 'flow' });
    expect(security.admit('Outbound', reply, 2 * nsPerMinute)).toEqual({ kind: 'allow', by: 'flow' });
    expect(security.admit('Inbound', request, 2 * nsPerMinute + nsgFlowIdleTimeoutNs + 1)).toMatchObject({
      kind: 'deny',
    });
  });

  it('flow records find a flow from either direction', () => {
    const records = new NsgFlowRecords();
    const tuple = tcp('10.1.0.4', 40000, '10.1.0.5', 22);
    const id = records.record(tuple, 'Outbound', 0);
    expect(records.find(tcp('10.1.0.5', 22, '10.1.0.4', 40000), 1)).toBe(id);
    expect(records.directionOf(tuple)).toBe('Outbound');
    expect(records.find(tcp('10.1.0.5', 22, '10.1.0.4', 40001), 1)).toBeUndefined();
  });
});
