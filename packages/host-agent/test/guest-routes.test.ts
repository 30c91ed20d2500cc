import { ipv4, parseIpv4Prefix } from '@lbsim/core';
import { describe, expect, it } from 'vitest';
import { type GuestNic, GuestRouteTable } from '../src/index.ts';

const prefix = (text: string) => parseIpv4Prefix(text) as NonNullable<ReturnType<typeof parseIpv4Prefix>>;
const nics: GuestNic[] = [
  { name: 'eth0', address: ipv4('10.1.0.4'), subnet: prefix('10.1.0.0/24') },
  { name: 'eth1', address: ipv4('10.1.1.4'), subnet: prefix('10.1.1.0/24') },
];

describe('guest routing', () => {
  it('uses the default route on the primary NIC, and the connected route of each subnet', () => {
    const table = new GuestRouteTable(nics, []);
    expect(table.select(ipv4('10.1.1.4'), ipv4('203.0.113.7')).nic.name).toBe('eth0');
    expect(table.select(ipv4('10.1.1.4'), ipv4('168.63.129.16')).why).toBe('default route via the primary NIC eth0');
    expect(table.select(ipv4('10.1.0.4'), ipv4('10.1.1.77')).nic.name).toBe('eth1');
    expect(table.sourceAddressFor(ipv4('10.1.1.77'))).toBe(ipv4('10.1.1.4'));
    expect(table.sourceAddressFor(ipv4('52.0.0.1'))).toBe(ipv4('10.1.0.4'));
  });

  it('a policy route applies to its source only, before the main table', () => {
    const table = new GuestRouteTable(nics, [
      { destination: prefix('0.0.0.0/0'), source: prefix('10.1.1.4/32'), nic: 'eth1' },
    ]);
    expect(table.select(ipv4('10.1.1.4'), ipv4('203.0.113.7')).nic.name).toBe('eth1');
    expect(table.select(ipv4('10.1.0.4'), ipv4('203.0.113.7')).nic.name).toBe('eth0');
    // A new connection has no source yet: policy routes do not choose it.
    expect(table.sourceAddressFor(ipv4('203.0.113.7'))).toBe(ipv4('10.1.0.4'));
  });

  it('the longest prefix wins; an added route beats a connected one of the same length', () => {
    const table = new GuestRouteTable(nics, [
      { destination: prefix('52.170.10.20/32'), source: undefined, nic: 'eth1' },
      { destination: prefix('10.1.0.0/24'), source: undefined, nic: 'eth1' },
    ]);
    expect(table.select(undefined, ipv4('52.170.10.20')).nic.name).toBe('eth1');
    expect(table.select(undefined, ipv4('52.170.10.21')).nic.name).toBe('eth0');
    expect(table.select(undefined, ipv4('10.1.0.9')).nic.name).toBe('eth1');
  });
});
