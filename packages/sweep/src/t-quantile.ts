/**
 * The 97.5 % quantile of Student's t distribution, for two-sided 95 % confidence intervals of a
 * mean: exact (to three decimals) from the standard table for 1..30 degrees of freedom, and
 * from the Cornish–Fisher expansion around the normal quantile 1.959964 above that (error
 * below 0.0005 there). Abramowitz & Stegun 26.7.5 give the expansion.
 */

/** t(0.975, ν) for ν = 1..30, from the standard table. */
const table = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The normal distribution's 97.5 % quantile. */
const z = 1.959963984540054;

/** t(0.975, degreesOfFreedom); NaN below 1 degree of freedom. */
export function tQuantile975(degreesOfFreedom: number): number {
  if (!(degreesOfFreedom >= 1)) return Number.NaN;
  const tabled = table[Math.floor(degreesOfFreedom) - 1];
  if (tabled !== undefined) return tabled;
  const v = degreesOfFreedom;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return (
    z +
    (z3 + z) / (4 * v) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * v ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v ** 3)
  );
}
