/**
 * The Maglev build as it was before issue 20 made it fast: Pseudocode 1 computing
 * `(offset + next · skip) mod M` for every probe. Kept as the reference the fast build must
 * equal slot for slot.
 */
import { defaultMaglevPermutation, type MaglevBackend, type MaglevPermutationFunction } from '../src/index.ts';

/** The reference table: M DIPs, or an empty array with no backends. */
export function referenceMaglevTable(
  backends: readonly MaglevBackend[],
  tableSize: number,
  permutation: MaglevPermutationFunction = defaultMaglevPermutation,
): Uint32Array {
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
