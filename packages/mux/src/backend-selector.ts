/**
 * Backend selection: from a flow hash to a DIP, over the DIPs a Mux currently believes
 * healthy. Pluggable per scenario:
 * - `maglev` (default): consistent hashing with a prime table (`maglev.ts`);
 * - `modulo`: `hash mod N` over the DIPs sorted by address — the naive baseline whose
 *   assignments mostly move when N changes;
 * - `rendezvous`: highest random weight (Thaler and Ravishankar 1998): the DIP with the
 *   largest hash(flow hash, DIP) · weight wins; minimal disruption, weaker balance (MAGLEV §5.3).
 */
import { murmur3Words } from '@lbsim/core';
import { buildMaglevTable, type MaglevBackend, type MaglevPermutationFunction } from './maglev.ts';

/** The backend-selection algorithms lbsim offers. */
export type BackendSelectionAlgorithm = 'maglev' | 'modulo' | 'rendezvous';

/** Maps a flow hash to a DIP. */
export interface BackendSelector {
  readonly algorithm: BackendSelectionAlgorithm;
  /** The DIP for `flowHash`, or `undefined` when there are no backends. */
  select(flowHash: number): number | undefined;
}

/** Options for {@link createBackendSelector}. */
export interface BackendSelectorOptions {
  readonly algorithm: BackendSelectionAlgorithm;
  /** Maglev table size M (prime). */
  readonly maglevTableSize: number;
  readonly maglevPermutation?: MaglevPermutationFunction;
}

/** Builds the selector for a set of backends. */
export function createBackendSelector(
  backends: readonly MaglevBackend[],
  options: BackendSelectorOptions,
): BackendSelector {
  switch (options.algorithm) {
    case 'maglev': {
      const table = buildMaglevTable(backends, options.maglevTableSize, options.maglevPermutation);
      return {
        algorithm: 'maglev',
        select: (hash) => (table.length === 0 ? undefined : table[hash % table.length]),
      };
    }
    case 'modulo': {
      const dips = backends.map((b) => b.dip).sort((a, b) => a - b);
      return {
        algorithm: 'modulo',
        select: (hash) => (dips.length === 0 ? undefined : dips[hash % dips.length]),
      };
    }
    case 'rendezvous': {
      const sorted = [...backends].sort((a, b) => a.dip - b.dip);
      return {
        algorithm: 'rendezvous',
        select: (hash) => {
          let best: number | undefined;
          let bestScore = -1;
          for (const backend of sorted) {
            const score = murmur3Words([hash, backend.dip], 0x72656e64) * backend.weight;
            if (score > bestScore) {
              bestScore = score;
              best = backend.dip;
            }
          }
          return best;
        },
      };
    }
  }
}
