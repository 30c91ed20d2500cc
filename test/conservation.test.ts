/**
 * Every packet is accounted for (docs/architecture.md#determinism-and-accounting): over the catalogue, each packet that is sent ends
 * in exactly one `deliver` or `drop` event — its last — or is still on a link when the run
 * ends (`PacketAccounting` of @lbsim/scenario/testing). test/symmetry.test.ts checks the same
 * over generated scenarios.
 */
import { runObserved } from '@lbsim/scenario/testing';
import { describe, expect, it } from 'vitest';
import { catalogueScenarios, loadCatalogueScenario } from './support.ts';

describe('packet conservation', () => {
  for (const name of catalogueScenarios()) {
    it(`${name}: every packet is delivered, dropped with a reason, or in flight, after six links at most`, () => {
      const { packets } = runObserved(loadCatalogueScenario(name));
      expect(packets.unaccounted).toEqual([]);
      // Every catalogue scenario sends traffic; small failure-mode scenarios end a few dozen packets.
      expect(packets.ended).toBeGreaterThan(0);
      // A VM to its own frontend is the longest path: VM, Host Agent, router, Mux, router, Host Agent, VM.
      expect(packets.maxHops).toBeLessThanOrEqual(6);
    });
  }
});
