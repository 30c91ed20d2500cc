import { propertyTimeoutMs, scaledRuns } from '@lbsim/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildMaglevTable, createBackendSelector, isPrime, type MaglevPermutationFunction } from '../src/index.ts';
import { referenceMaglevTable } from './maglev-reference.ts';

describe('Maglev (NSDI 2016 §3.4)', () => {
  // The paper's example: M = 7, (offset, skip) B0 = (3, 4), B1 = (0, 2), B2 = (3, 1).
  const paper: MaglevPermutationFunction = (dip) =>
    [
      { offset: 3, skip: 4 },
      { offset: 0, skip: 2 },
      { offset: 3, skip: 1 },
    ][dip - 1] ?? { offset: 0, skip: 1 };
  const [b0, b1, b2] = [1, 2, 3];

  it("builds the paper's table [B1, B0, B1, B0, B2, B2, B0]", () => {
    const table = buildMaglevTable(
      [
        { dip: b0, weight: 1 },
        { dip: b1, weight: 1 },
        { dip: b2, weight: 1 },
      ],
      7,
      paper,
    );
    expect([...table]).toEqual([b1, b0, b1, b0, b2, b2, b0]);
  });

  it("after removing B1 gives [B0, B0, B0, B0, B2, B2, B2]: besides B1's slots only slot 6 moved", () => {
    const table = buildMaglevTable(
      [
        { dip: b0, weight: 1 },
        { dip: b2, weight: 1 },
      ],
      7,
      paper,
    );
    expect([...table]).toEqual([b0, b0, b0, b0, b2, b2, b2]);
  });

  it('rejects a table size that is not prime', () => {
    expect(() => buildMaglevTable([{ dip: 1, weight: 1 }], 8)).toThrow(RangeError);
    expect(isPrime(65537)).toBe(true);
    expect(isPrime(65535)).toBe(false);
  });

  const backendsArbitrary = fc.uniqueArray(fc.integer({ min: 1, max: 0xffffffff }), { minLength: 1, maxLength: 40 });

  it('fills every slot and balances equal weights within one slot', { timeout: propertyTimeoutMs() }, () => {
    fc.assert(
      fc.property(backendsArbitrary, fc.constantFrom(251, 4093), (dips, m) => {
        const table = buildMaglevTable(
          dips.map((dip) => ({ dip, weight: 1 })),
          m,
        );
        const counts = new Map<number, number>();
        for (const dip of table) counts.set(dip, (counts.get(dip) ?? 0) + 1);
        expect(table.includes(0)).toBe(false);
        for (const dip of dips) {
          const count = counts.get(dip) ?? 0;
          expect(count).toBeGreaterThanOrEqual(Math.floor(m / dips.length));
          expect(count).toBeLessThanOrEqual(Math.ceil(m / dips.length));
        }
      }),
      { numRuns: scaledRuns(40) },
    );
  });

  it('does not depend on the order DIPs are listed in', { timeout: propertyTimeoutMs() }, () => {
    fc.assert(
      fc.property(backendsArbitrary, fc.nat(), (dips, rotation) => {
        const rotated = dips.map((_, i) => dips[(i + rotation) % dips.length] as number);
        expect([
          ...buildMaglevTable(
            rotated.map((dip) => ({ dip, weight: 1 })),
            251,
          ),
        ]).toEqual([
          ...buildMaglevTable(
            dips.map((dip) => ({ dip, weight: 1 })),
            251,
          ),
        ]);
      }),
      { numRuns: scaledRuns(40) },
    );
  });

  // At the paper's default M = 65537. Smaller tables move more beyond the removed slots (about
  // 2% at M = 4093 with 40 backends, measured): Maglev favours balance over minimal
  // disruption (§3.4), and the cascade of reclaimed slots is relatively larger.
  it('removing one of N backends moves its slots and at most 1% of the table more (M = 65537 ≥ 100·N)', {
    timeout: propertyTimeoutMs(),
  }, () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 0xffffffff }), { minLength: 2, maxLength: 200 }),
        fc.nat(),
        (dips, pick) => {
          const m = 65537;
          const removed = dips[pick % dips.length] as number;
          const before = buildMaglevTable(
            dips.map((dip) => ({ dip, weight: 1 })),
            m,
          );
          const after = buildMaglevTable(
            dips.filter((d) => d !== removed).map((dip) => ({ dip, weight: 1 })),
            m,
          );
          let extra = 0;
          for (let slot = 0; slot < m; slot++) if (before[slot] !== removed && before[slot] !== after[slot]) extra++;
          expect(extra).toBeLessThanOrEqual(Math.ceil(0.01 * m));
        },
      ),
      { numRuns: scaledRuns(15) },
    );
  });

  it('equals the reference build (Pseudocode 1 with a modulo per probe) slot for slot', {
    timeout: propertyTimeoutMs(),
  }, () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dip: fc.integer({ min: 0, max: 0xffffffff }), weight: fc.integer({ min: 1, max: 5 }) }), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.constantFrom(2, 3, 7, 251, 4093, 65537),
        fc.boolean(),
        (backends, m, equalWeights) => {
          const listed = equalWeights ? backends.map(({ dip }) => ({ dip, weight: 3 })) : backends;
          expect([...buildMaglevTable(listed, m)]).toEqual([...referenceMaglevTable(listed, m)]);
        },
      ),
      { numRuns: scaledRuns(60) },
    );
  });

  it('equals the reference build under any permutation, offsets and skips beyond M included', {
    timeout: propertyTimeoutMs(),
  }, () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 30 }),
        fc.constantFrom(7, 11, 251),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.boolean(),
        (dips, m, seed, weighted) => {
          // Offsets and skips derived from the DIP, deliberately past M; skips never 0 mod M.
          const permutation: MaglevPermutationFunction = (dip, size) => {
            const mixed = Math.imul(dip ^ seed, 0x9e3779b1) >>> 0;
            return { offset: mixed % (5 * size), skip: 1 + (mixed % (size - 1)) + size * (mixed % 3) };
          };
          const backends = dips.map((dip) => ({ dip, weight: weighted ? 1 + (dip % 4) : 1 }));
          expect([...buildMaglevTable(backends, m, permutation)]).toEqual([
            ...referenceMaglevTable(backends, m, permutation),
          ]);
        },
      ),
      { numRuns: scaledRuns(60) },
    );
  });

  it('refuses a permutation whose skip is 0 mod M (the reference never ended)', () => {
    expect(() => buildMaglevTable([{ dip: 1, weight: 1 }], 7, () => ({ offset: 0, skip: 7 }))).toThrow(RangeError);
  });

  it('weights share slots in proportion', () => {
    const table = buildMaglevTable(
      [
        { dip: 1, weight: 1 },
        { dip: 2, weight: 3 },
      ],
      4093,
    );
    const heavy = table.filter((dip) => dip === 2).length;
    expect(heavy / 4093).toBeCloseTo(0.75, 2);
  });
});

describe('backend selectors', () => {
  const dips = [10, 20, 30, 40].map((dip) => ({ dip, weight: 1 }));
  const options = { maglevTableSize: 4093 } as const;

  it('modulo moves most flows when a DIP goes; Maglev and rendezvous about 1/N', () => {
    const moved = (algorithm: 'maglev' | 'modulo' | 'rendezvous') => {
      const before = createBackendSelector(dips, { ...options, algorithm });
      const after = createBackendSelector(dips.slice(0, 3), { ...options, algorithm });
      let count = 0;
      for (let hash = 0; hash < 20000; hash++) {
        const a = before.select(hash * 2654435761);
        if (a !== 40 && a !== after.select(hash * 2654435761)) count++;
      }
      return count / 20000;
    };
    expect(moved('modulo')).toBeGreaterThan(0.4);
    expect(moved('maglev')).toBeLessThan(0.02);
    expect(moved('rendezvous')).toBe(0);
  });

  it('returns undefined with no backends', () => {
    for (const algorithm of ['maglev', 'modulo', 'rendezvous'] as const) {
      expect(createBackendSelector([], { ...options, algorithm }).select(123)).toBeUndefined();
    }
  });
});
