/**
 * The hash a rule's distribution mode feeds to backend selection (docs/mechanics.md §2.1): the
 * 5-tuple for `Default`, the 3-tuple for `SourceIPProtocol`, the 2-tuple for `SourceIP`.
 * Every Mux uses the same function and seed, so any Mux picks the same DIP for a new flow
 * (docs/mechanics.md §1.3, [ANANTA §3.3.2]).
 */
import { type FiveTuple, hashFiveTuple, hashThreeTuple, hashTwoTuple, type LoadDistribution } from '@lbsim/core';

/** The flow hash of `tuple` under `distribution`, with the pool-wide `seed`. */
export function distributionHash(tuple: FiveTuple, distribution: LoadDistribution, seed: number): number {
  switch (distribution) {
    case 'Default':
      return hashFiveTuple(tuple, seed);
    case 'SourceIPProtocol':
      return hashThreeTuple(tuple, seed);
    case 'SourceIP':
      return hashTwoTuple(tuple, seed);
  }
}

/** How the tuple hashed by a distribution mode is called in notes. */
export const distributionTupleName: Readonly<Record<LoadDistribution, string>> = {
  Default: '5-tuple',
  SourceIPProtocol: '3-tuple',
  SourceIP: '2-tuple',
};
