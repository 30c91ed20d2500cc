import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryDipTargets, arbitraryVipMap, loadDistributions, propertyTimeoutMs } from '../src/testing/index.ts';

describe('load-balancer arbitraries', () => {
  it('arbitraryDipTargets: unique DIPs in range with weights 1..maxWeight', { timeout: propertyTimeoutMs() }, () => {
    const range = { min: 0x0a000001, max: 0x0a0000ff };
    fc.assert(
      fc.property(arbitraryDipTargets({ minDips: 2, maxDips: 5, maxWeight: 3, addresses: range }), (targets) => {
        expect(targets.length).toBeGreaterThanOrEqual(2);
        expect(targets.length).toBeLessThanOrEqual(5);
        expect(new Set(targets.map((t) => t.dip)).size).toBe(targets.length);
        for (const { dip, weight } of targets) {
          expect(dip).toBeGreaterThanOrEqual(range.min);
          expect(dip).toBeLessThanOrEqual(range.max);
          expect([1, 2, 3]).toContain(weight);
        }
      }),
    );
  });

  it('arbitraryVipMap: rules on distinct endpoints with valid distributions and idle timeouts', {
    timeout: propertyTimeoutMs(),
  }, () => {
    fc.assert(
      fc.property(arbitraryVipMap({ maxRules: 6 }), (rules) => {
        const endpoints = rules.map((r) => `${r.endpoint.vip}|${r.endpoint.protocol}|${r.endpoint.port}`);
        expect(new Set(endpoints).size).toBe(rules.length);
        expect(new Set(rules.map((r) => r.name)).size).toBe(rules.length);
        for (const rule of rules) {
          expect(loadDistributions).toContain(rule.distribution);
          expect([6, 17]).toContain(rule.endpoint.protocol);
          expect(rule.idleTimeoutNs % 60e9).toBe(0);
          expect(rule.idleTimeoutNs / 60e9).toBeGreaterThanOrEqual(4);
          expect(rule.dips.length).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('refuses impossible constraints', () => {
    expect(() => arbitraryDipTargets({ minDips: 3, maxDips: 2 })).toThrow('minDips must not exceed maxDips');
  });
});
