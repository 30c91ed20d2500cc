/**
 * Statistics of one measure at one grid point over its seeds: count, mean, sample standard
 * deviation, min, max, and the 95 % confidence interval of the mean from Student's t
 * distribution (mean ± t(0.975, n−1)·s/√n), which assumes the runs are independent draws —
 * they are: each seed seeds every random stream of its run afresh. Values are added in run
 * order, so the floating-point sums, and so the figures, are the same on every engine.
 */
import { tQuantile975 } from './t-quantile.ts';

/** A measure's statistics over the runs that gave it a value. */
export interface MeasureStatistics {
  /** Runs that gave a value (runs with null are left out). */
  readonly n: number;
  readonly mean: number | null;
  /** Sample standard deviation (n − 1 in the denominator); null below 2 values. */
  readonly standardDeviation: number | null;
  /** Half the width of the 95 % confidence interval of the mean; null below 2 values. */
  readonly ci95: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

/** The statistics of `values` (nulls left out), in the order given. */
export function describeValues(values: readonly (number | null)[]): MeasureStatistics {
  const numbers = values.filter((value): value is number => value !== null);
  const n = numbers.length;
  if (n === 0) return { n, mean: null, standardDeviation: null, ci95: null, min: null, max: null };
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of numbers) {
    sum += value;
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  const mean = sum / n;
  if (n < 2) return { n, mean, standardDeviation: null, ci95: null, min, max };
  let squares = 0;
  for (const value of numbers) squares += (value - mean) ** 2;
  const standardDeviation = Math.sqrt(squares / (n - 1));
  return { n, mean, standardDeviation, ci95: (tQuantile975(n - 1) * standardDeviation) / Math.sqrt(n), min, max };
}
