/**
 * The seeds of a sweep: `first..last` (both included) or a list, as the sweep file gives them.
 */

/** Most runs a sweep may have (seeds × grid points): a sweep's results are held in memory. */
export const maxSeeds = 10_000_000;

/** The seeds, in order, or why they are not valid. */
export type SeedExpansion =
  | { readonly ok: true; readonly seeds: readonly number[] }
  | { readonly ok: false; readonly error: string };

/** Expands `first..last` or a list into the list of seeds. */
export function expandSeeds(seeds: string | readonly number[]): SeedExpansion {
  if (typeof seeds !== 'string') {
    const repeated = seeds.find((seed, index) => seeds.indexOf(seed) !== index);
    return repeated === undefined
      ? { ok: true, seeds: [...seeds] }
      : { ok: false, error: `the seed ${repeated} is listed twice (each seed gives the same run)` };
  }
  const match = /^\s*(\d+)\s*\.\.\s*(\d+)\s*$/.exec(seeds);
  if (match === null) return { ok: false, error: `a range is first..last, e.g. 1..2000, got ${seeds}` };
  const first = Number(match[1]);
  const last = Number(match[2]);
  if (last > 0xffffffff) return { ok: false, error: `seeds go up to 4294967295, got ${last}` };
  if (last < first) return { ok: false, error: `the range ${first}..${last} is empty: first must not exceed last` };
  if (last - first + 1 > maxSeeds) return { ok: false, error: `at most ${maxSeeds} seeds, got ${last - first + 1}` };
  return { ok: true, seeds: Array.from({ length: last - first + 1 }, (_, index) => first + index) };
}
