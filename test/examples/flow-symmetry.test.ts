// A user's own property tests of flow symmetry, written against lbsim's packages only.
// docs/testing.md shows this file verbatim; test/testing-doc.test.ts keeps the two identical.
import { reverseFiveTuple } from '@lbsim/core';
import { propertyTimeoutMs } from '@lbsim/core/testing';
import { loadScenarioFile } from '@lbsim/scenario';
import { arbitraryScenario, runObserved } from '@lbsim/scenario/testing';
import fc from 'fast-check';
import { expect, it } from 'vitest';

// A property is bounded by its case count (numRuns), not by wall time: its timeout only
// catches a hang, far above its normal run, so a busy machine does not fail it.
it('replies reach the client as the exact reverse of its request, in any small topology', {
  timeout: propertyTimeoutMs(),
}, () => {
  fc.assert(
    fc.property(arbitraryScenario({ protocols: ['Tcp'], maxHosts: 2 }), ({ scenario }) => {
      const { flows, packets } = runObserved(scenario);
      for (const flow of flows) {
        if (flow.request === undefined) continue;
        // The client sent client:port → VIP:frontendPort; every answer must come from
        // VIP:frontendPort to client:port, never from the DIP the load balancer chose.
        for (const reply of flow.replies) expect(reply).toEqual(reverseFiveTuple(flow.request));
      }
      expect(packets.unaccounted).toEqual([]);
    }),
    { numRuns: 20 },
  );
});

it('in my own scenario, SourceIP keeps each client on one DIP whatever the seed', {
  timeout: propertyTimeoutMs(),
}, () => {
  const loaded = loadScenarioFile('scenarios/five-tuple-multi-session/fixed.yaml');
  if (!loaded.ok) throw new Error(loaded.errors.map((error) => error.message).join('\n'));
  const scenario = loaded.scenario;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
      const { flows } = runObserved(scenario, { seed });
      const dipsOfClient = new Map<string, Set<string>>();
      for (const { client, connection } of flows) {
        const dips = dipsOfClient.get(client) ?? new Set<string>();
        for (const dip of connection.dips) dips.add(dip);
        dipsOfClient.set(client, dips);
      }
      for (const dips of dipsOfClient.values()) expect(dips.size).toBe(1);
    }),
    { numRuns: 5 },
  );
});
