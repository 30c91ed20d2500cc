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
import { murmur3Word } from '@lbsim/core';

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
  return defaultPermutationOf(dip, tableSize);
}

/** {@link defaultMaglevPermutation}'s body, called directly by the build. */
function defaultPermutationOf(dip: number, tableSize: number): MaglevPermutation {
  return {
    offset: murmur3Word(dip, offsetSeed) % tableSize,
    skip: (murmur3Word(dip, skipSeed) % (tableSize - 1)) + 1,
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
 * Built in typed arrays with no object per backend in the loop, and each backend's next
 * preferred slot carried forward by adding its skip without a modulo or a branch per probe:
 * `(offset + j · skip) mod M` step by step (M < 2^31). Issue 20 asked for a build under 5 ms CPU
 * at M = 65537, N = 1000; the table is the same, slot for slot, as computing every
 * `permutation[i][j]` as Pseudocode 1 does (a property test compares the two).
 *
 * @param tableSize M, a prime (65537 by default; small primes such as 7 for teaching)
 * @returns an array of M DIPs (the owner of each slot); empty when there are no backends
 * @throws RangeError when M is not a prime ≥ 2, a weight is not a positive integer, or a
 *   permutation's skip is 0 mod M (no permutation: the build would never end)
 */
export function buildMaglevTable(
  backends: readonly MaglevBackend[],
  tableSize: number,
  permutation: MaglevPermutationFunction = defaultMaglevPermutation,
): Uint32Array {
  checkMaglevInputs(backends, tableSize);
  if (backends.length === 0) return new Uint32Array(0);
  const sorted = [...backends].sort((a, b) => a.dip - b.dip);
  const n = sorted.length;
  const dips = new Uint32Array(n);
  const weights = new Float64Array(n);
  const positions = new Uint32Array(n);
  const skips = new Uint32Array(n);
  let maxWeight = 0;
  for (let i = 0; i < n; i++) {
    const backend = sorted[i] as MaglevBackend;
    dips[i] = backend.dip;
    weights[i] = backend.weight;
    if (backend.weight > maxWeight) maxWeight = backend.weight;
    const p =
      permutation === defaultMaglevPermutation
        ? defaultPermutationOf(backend.dip, tableSize)
        : permutation(backend.dip, tableSize);
    // Through Uint32 as the permutation's fields were always stored, then reduced mod M so
    // that stepping by adding stays below 2M.
    positions[i] = (p.offset >>> 0) % tableSize;
    skips[i] = (p.skip >>> 0) % tableSize;
    if (skips[i] === 0) throw new RangeError(`Maglev skip ${p.skip} of DIP ${backend.dip} is 0 mod ${tableSize}`);
  }
  // Slot → owner's index + 1 (0: empty); turned into DIPs at the end.
  const table = new Uint32Array(tableSize);
  if (weights.every((weight) => weight === maxWeight)) fillTakingTurns(table, positions, skips);
  else fillByWeight(table, positions, skips, weights, maxWeight);
  for (let slot = 0; slot < tableSize; slot++) table[slot] = dips[(table[slot] as number) - 1] as number;
  return table;
}

/**
 * Equal weights: every backend takes a turn every round (as Katran's accumulator gives when
 * every weight is the largest). Writes owner index + 1 into `table`; skips are 1..M-1.
 */
function fillTakingTurns(table: Uint32Array, positions: Uint32Array, skips: Uint32Array): void {
  const size = table.length;
  const n = positions.length;
  let remaining = size;
  for (;;) {
    for (let i = 0; i < n; i++) {
      claimNextSlot(table, positions, skips, i);
      if (--remaining === 0) return;
    }
  }
}

/**
 * Weighted turns (Katran's MaglevHashV2): each round a backend adds its weight to an
 * accumulator and takes a turn when it reaches the largest weight. Writes owner index + 1;
 * skips are 1..M-1.
 */
function fillByWeight(
  table: Uint32Array,
  positions: Uint32Array,
  skips: Uint32Array,
  weights: Float64Array,
  maxWeight: number,
): void {
  const size = table.length;
  const n = positions.length;
  const accumulated = new Float64Array(n);
  let remaining = size;
  for (;;) {
    for (let i = 0; i < n; i++) {
      const sum = (accumulated[i] as number) + (weights[i] as number);
      if (sum < maxWeight) {
        accumulated[i] = sum;
        continue;
      }
      accumulated[i] = sum - maxWeight;
      claimNextSlot(table, positions, skips, i);
      if (--remaining === 0) return;
    }
  }
}

/**
 * Checks a build's inputs without building (a deferred build must fail where an eager one did).
 * @throws RangeError when M is not a prime ≥ 2 (or is above 2^31 − 1) or a weight is not a
 *   positive integer
 */
export function checkMaglevInputs(backends: readonly MaglevBackend[], tableSize: number): void {
  if (!isPrime(tableSize)) throw new RangeError(`Maglev table size ${tableSize} is not a prime`);
  if (tableSize > 0x7fffffff) throw new RangeError(`Maglev table size ${tableSize} is above 2^31 − 1`);
  for (const backend of backends) {
    if (!Number.isInteger(backend.weight) || backend.weight <= 0) {
      throw new RangeError(`Maglev weight ${backend.weight} of DIP ${backend.dip} is not a positive integer`);
    }
  }
}

/** Whether `n` is a prime (trial division; table sizes are small enough). */
export function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

/**
 * Backend `i`'s turn: it takes the next free slot of its permutation (owner index + 1 into
 * `table`) and its position moves one step past it. Stepping is slot + skip − M, plus M when
 * negative: no branch to mispredict, and no modulo.
 */
function claimNextSlot(table: Uint32Array, positions: Uint32Array, skips: Uint32Array, i: number): void {
  const size = table.length;
  const back = ((skips[i] as number) - size) | 0;
  let slot = positions[i] as number;
  while (table[slot] !== 0) {
    slot = (slot + back) | 0;
    slot += (slot >> 31) & size;
  }
  table[slot] = i + 1;
  slot = (slot + back) | 0;
  positions[i] = slot + ((slot >> 31) & size);
}
