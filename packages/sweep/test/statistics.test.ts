import { describe, expect, it } from 'vitest';
import { describeValues } from '../src/statistics.ts';
import { tQuantile975 } from '../src/t-quantile.ts';

describe("Student's t quantile", () => {
  it('matches the table at and beyond 30 degrees of freedom', () => {
    expect(tQuantile975(1)).toBe(12.706);
    expect(tQuantile975(30)).toBe(2.042);
    // Standard table values: t(0.975, 40) = 2.021, 60 = 2.000, 120 = 1.980.
    expect(tQuantile975(40)).toBeCloseTo(2.021, 3);
    expect(tQuantile975(60)).toBeCloseTo(2.0, 3);
    expect(tQuantile975(120)).toBeCloseTo(1.98, 3);
    expect(tQuantile975(1e9)).toBeCloseTo(1.96, 3);
    expect(tQuantile975(0)).toBeNaN();
  });
});

describe('describeValues', () => {
  it('gives mean, sample deviation, t interval, min and max, leaving nulls out', () => {
    const statistics = describeValues([2, null, 4, 4, 4, 5, 5, 7, 9]);
    expect(statistics.n).toBe(8);
    expect(statistics.mean).toBe(5);
    expect(statistics.standardDeviation).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(statistics.ci95).toBeCloseTo((2.365 * Math.sqrt(32 / 7)) / Math.sqrt(8), 12);
    expect([statistics.min, statistics.max]).toEqual([2, 9]);
  });

  it('has no interval below two values and nothing without values', () => {
    expect(describeValues([3])).toMatchObject({ n: 1, mean: 3, ci95: null });
    expect(describeValues([null])).toMatchObject({ n: 0, mean: null, min: null });
  });
});
