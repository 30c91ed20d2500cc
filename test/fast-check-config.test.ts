/**
 * CI discipline (docs/testing.md#lbsims-own-suites): the fast-check configuration every test file gets from
 * vitest.setup.ts fixes the seed, and a failing property still reports its seed and path, so
 * any failure seen in CI replays locally with FC_SEED (and fast-check's path).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyTimeout } from './support.ts';

describe('fast-check configuration', () => {
  it('has a fixed seed and no reporter of its own in the way of fast-check’s report', () => {
    const global = fc.readConfigureGlobal();
    expect(Number.isInteger(global.seed)).toBe(true);
    if (process.env['FC_SEED'] === undefined) expect(global.seed).toBe(20261123);
    expect(global.reporter).toBeUndefined();
    expect(global.asyncReporter).toBeUndefined();
  });

  it('a failing property throws with its seed and path, to replay it', { timeout: propertyTimeout }, () => {
    const seed = fc.readConfigureGlobal().seed;
    let message = '';
    try {
      fc.assert(fc.property(fc.integer({ min: 0, max: 1000 }), (n) => n < 500));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(new RegExp(`\\{ seed: ${seed}, path: "[0-9:]+"`));
    expect(message).toContain('Counterexample: [');
  });
});
