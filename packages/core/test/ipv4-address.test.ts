import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatIpv4Address,
  formatIpv4Prefix,
  ipv4,
  parseIpv4Address,
  parseIpv4Prefix,
  prefixContains,
} from '../src/index.ts';
import { propertyTimeoutMs } from '../src/testing/index.ts';

describe('IPv4 addresses', () => {
  it('parses a dotted quad to a big-endian integer', () => {
    expect(parseIpv4Address('10.1.0.4')).toBe(0x0a010004);
    expect(parseIpv4Address('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4Address('0.0.0.0')).toBe(0);
  });

  it('rejects legacy and ambiguous forms', () => {
    for (const text of [
      '10.1',
      '10.1.0',
      '256.0.0.1',
      '010.1.0.4',
      '1.2.3.4.5',
      ' 1.2.3.4',
      '1.2.3.-4',
      'a.b.c.d',
      '',
    ]) {
      expect(parseIpv4Address(text), text).toBeUndefined();
    }
  });

  it('formats what it parses, for every address', { timeout: propertyTimeoutMs() }, () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (address) => {
        expect(parseIpv4Address(formatIpv4Address(address))).toBe(address);
      }),
    );
  });

  it('normalises negative results of bitwise operators', () => {
    expect(formatIpv4Address(0xc0a80001 | 0)).toBe('192.168.0.1');
  });
});

describe('IPv4 prefixes', () => {
  it('parses CIDR and tests membership', () => {
    const prefix = parseIpv4Prefix('10.0.0.0/24');
    expect(prefix).toEqual({ network: ipv4('10.0.0.0'), length: 24 });
    expect(prefixContains(prefix as NonNullable<typeof prefix>, ipv4('10.0.0.255'))).toBe(true);
    expect(prefixContains(prefix as NonNullable<typeof prefix>, ipv4('10.0.1.0'))).toBe(false);
    expect(formatIpv4Prefix(prefix as NonNullable<typeof prefix>)).toBe('10.0.0.0/24');
  });

  it('rejects host bits and bad lengths', () => {
    expect(parseIpv4Prefix('10.0.0.1/24')).toBeUndefined();
    expect(parseIpv4Prefix('10.0.0.0/33')).toBeUndefined();
    expect(parseIpv4Prefix('10.0.0.0/')).toBeUndefined();
  });

  it('a /0 contains everything and a /32 only itself', { timeout: propertyTimeoutMs() }, () => {
    const all = parseIpv4Prefix('0.0.0.0/0');
    const one = parseIpv4Prefix('10.0.0.7/32');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (address) => {
        expect(prefixContains(all as NonNullable<typeof all>, address)).toBe(true);
        expect(prefixContains(one as NonNullable<typeof one>, address)).toBe(address === ipv4('10.0.0.7'));
      }),
    );
  });
});
