/**
 * The Mux pool: `network.muxes` Muxes, each linked to the router, sharing one flow-hash seed,
 * the backend-selection algorithm (and its tables) and the flow-table limits. More can join
 * during a run.
 */
import { type Fabric, hashString, ipv4, type Router } from '@lbsim/core';
import { BackendSelectorCache, defaultMaglevPermutation, type MaglevPermutationFunction, Mux } from '@lbsim/mux';
import { muxName } from '../model/topology-names.ts';
import type { Scenario } from '../schema/scenario.ts';

/** First of the Muxes' own addresses (100.127.0.1, 100.127.0.2, …). */
export const muxAddressBase = ipv4('100.127.0.1');

/** Makes Muxes for the pool: `create(index)` builds, links and routes Mux number `index`. */
export interface MuxFactory {
  create(index: number): Mux;
}

/** The factory of the scenario's Muxes. */
export function muxFactory(scenario: Scenario, fabric: Fabric, router: Router, seed: number): MuxFactory {
  const network = scenario.network;
  // Every Mux uses the same hash function and seed (docs/mechanics.md §1.3, [ANANTA §3.3.2]).
  const hashSeed = network.hashSeed ?? hashString('mux-flow-hash', seed);
  const permutation = maglevPermutationOf(network.maglevPermutations);
  // One table per DIP list for the whole pool: every Mux would compute the same one.
  const selectors = new BackendSelectorCache({
    algorithm: network.backendSelection,
    maglevTableSize: network.maglevTableSize,
    maglevPermutation: permutation,
  });
  return {
    create(index) {
      const mux = fabric.add(
        new Mux(fabric, {
          name: muxName(index),
          address: muxAddressBase + index,
          router,
          hashSeed,
          backendSelection: network.backendSelection,
          maglevTableSize: network.maglevTableSize,
          maglevPermutation: permutation,
          selectorCache: selectors,
          fragmentPolicy: network.fragmentPolicy,
          icmpFragmentationNeeded: network.icmpFragmentationNeeded,
          icmpRouting: network.icmpToVip,
          flowTable: {
            untrustedQuota: network.flowTable.untrustedQuota,
            trustedQuota: network.flowTable.trustedQuota,
            untrustedIdleTimeoutNs: network.flowTable.untrustedIdleTimeout,
          },
        }),
      );
      fabric.connect(mux.name, router.name, {
        latencyNs: network.latency.fabric,
        mtuBytes: network.fabricMtu ?? network.mtu,
      });
      router.addHostRoute(mux.address, mux.name);
      return mux;
    },
  };
}

/** The Maglev permutation: hand-set (offset, skip) for listed DIPs, hashed for the rest. */
function maglevPermutationOf(list: Scenario['network']['maglevPermutations']): MaglevPermutationFunction {
  const fixed = new Map(list.map((entry) => [ipv4(entry.dip), { offset: entry.offset, skip: entry.skip }]));
  if (fixed.size === 0) return defaultMaglevPermutation;
  return (dip, tableSize) => fixed.get(dip) ?? defaultMaglevPermutation(dip, tableSize);
}
