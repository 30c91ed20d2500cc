/**
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016, §3.4; docs/mechanics.md §4.3).
 *
 * Each backend i has a preference list over the M slots of a lookup table,
 * `permutation[i][j] = (offset_i + j · skip_i) mod M` with M prime; backends take turns
 * claiming their next preferred empty slot until every slot is filled (Pseudocode 1). Each
 * backend ends with ⌊M/N⌋ or ⌈M/N⌉ slots, and removing one backend moves its slots plus few
 * others.
 *
 * Weights follow Katran's MaglevHashV2: in each round a backend adds its weight to an
 * accumulator and takes a turn each time the accumulator reaches the largest weight.
 *
 * Backends are sorted by DIP before the table is built, so the table does not depend on the
 * order DIPs are listed in.
 */
import { murmur3Words } from '@lbsim/core';

/** A backend's place in the permutation: first preferred slot and stride. */
export interface MaglevPermutation {
  /** First preferred slot, 0..M-1. */
  readonly offset: number;
  /** Stride through the table, 1..M-1 (coprime with prime M). */
  readonly skip: number;
}

/**
 * Computes a backend's permutation from its DIP and the table size M. Pluggable so that
 * worked examples (the paper's M = 7 table) can be checked by hand.
 */
export type MaglevPermutationFunction = (dip: number, tableSize: number) => MaglevPermutation;

/** Seeds of the two independent hashes h1 (offset) and h2 (skip). */
const offsetSeed = 0x4d61676c; // "Magl"
const skipSeed = 0x65763136; // "ev16"

/** The default permutation: offset = h1(dip) mod M, skip = h2(dip) mod (M − 1) + 1 (§3.4). */
export function defaultMaglevPermutation(dip: number, tableSize: number): MaglevPermutation {
  return {
    offset: murmur3Words([dip], offsetSeed) % tableSize,
    skip: (murmur3Words([dip], skipSeed) % (tableSize - 1)) + 1,
  };
}

/** A backend to place in the table. */
export interface MaglevBackend {
  readonly dip: number;
  /** Positive integer weight. */
  readonly weight: number;
}

/**
 * Builds the lookup table.
 *
 * @param tableSize M, a prime (65537 by default; small primes such as 7 for teaching)
 * @returns an array of M DIPs (the owner of each slot); empty when there are no backends
 * @throws RangeError when M is not a prime ≥ 2 or a weight is not a positive integer
 */
export function buildMaglevTable(
  backends: readonly MaglevBackend[],
  tableSize: number,
  permutation: MaglevPermutationFunction = defaultMaglevPermutation,
): Uint32Array {
  if (!isPrime(tableSize)) throw new RangeError(`Maglev table size ${tableSize} is not a prime`);
  for (const backend of backends) {
    if (!Number.isInteger(backend.weight) || backend.weight <= 0) {
      throw new RangeError(`Maglev weight ${backend.weight} of DIP ${backend.dip} is not a positive integer`);
    }
  }
  if (backends.length === 0) return new Uint32Array(0);
  const table = new Uint32Array(tableSize);
  const sorted = [...backends].sort((a, b) => a.dip - b.dip);
  const n = sorted.length;
  const offsets = new Uint32Array(n);
  const skips = new Uint32Array(n);
  const next = new Uint32Array(n);
  const accumulated = new Float64Array(n);
  const maxWeight = Math.max(...sorted.map((b) => b.weight));
  for (let i = 0; i < n; i++) {
    const p = permutation((sorted[i] as MaglevBackend).dip, tableSize);
    offsets[i] = p.offset;
    skips[i] = p.skip;
  }
  const filled = new Uint8Array(tableSize);
  let remaining = tableSize;
  while (remaining > 0) {
    for (let i = 0; i < n && remaining > 0; i++) {
      accumulated[i] = (accumulated[i] as number) + (sorted[i] as MaglevBackend).weight;
      if ((accumulated[i] as number) < maxWeight) continue;
      accumulated[i] = (accumulated[i] as number) - maxWeight;
      let slot = ((offsets[i] as number) + (next[i] as number) * (skips[i] as number)) % tableSize;
      while (filled[slot] === 1) {
        next[i] = (next[i] as number) + 1;
        slot = ((offsets[i] as number) + (next[i] as number) * (skips[i] as number)) % tableSize;
      }
      filled[slot] = 1;
      table[slot] = (sorted[i] as MaglevBackend).dip;
      next[i] = (next[i] as number) + 1;
      remaining--;
    }
  }
  return table;
}

/** Whether `n` is a prime (trial division; table sizes are small enough). */
export function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}
