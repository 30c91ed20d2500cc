/**
 * Flow symmetry over generated topologies and configurations (docs/testing.md#lbsims-own-suites; issue 10): scenarios
 * from `arbitraryScenario` (hosts, Muxes, public and internal load balancers, every
 * loadDistribution, floating IP, weights, missing listeners, a Mux failure or a pool change),
 * each run whole, and the flows checked as both ends saw them.
 *
 * Unit-level properties of the same mechanisms (the Mux pool, Maglev, the flow table) are in
 * test/mux-properties.test.ts and packages/mux/test; the catalogue's own checks in
 * test/catalogue.test.ts, test/conservation.test.ts and test/determinism.test.ts.
 */
import { formatFiveTuple, ipv4, reverseFiveTuple } from '@lbsim/core';
import { arbitraryScenario, type FlowRecord, runObserved } from '@lbsim/scenario/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyTimeout, runs } from './support.ts';

/** Outcomes in which the client heard back from the server side. */
const answeredOutcomes = new Set(['completed', 'answered', 'refused', 'reset']);

const describeFlow = (flow: FlowRecord) =>
  `connection ${flow.connection.id} (${flow.connection.outcome}) ${flow.request === undefined ? '' : formatFiveTuple(flow.request)}`;

describe('flow symmetry over generated scenarios', () => {
  it('every reply reaches the client as the exact reverse of its request: the VIP and frontend port as source', {
    timeout: propertyTimeout,
  }, () => {
    fc.assert(
      fc.property(arbitraryScenario(), ({ scenario }) => {
        const { flows } = runObserved(scenario);
        for (const flow of flows) {
          const { request, rule } = flow;
          expect(request, describeFlow(flow)).toBeDefined();
          expect(rule, describeFlow(flow)).toBeDefined();
          if (request === undefined || rule === undefined) continue;
          expect([request.dstAddress, request.dstPort, request.protocol]).toEqual([
            rule.vip,
            rule.frontendPort,
            rule.protocol,
          ]);
          const expected = reverseFiveTuple(request);
          for (const reply of flow.replies) expect(reply, describeFlow(flow)).toEqual(expected);
          if (answeredOutcomes.has(flow.connection.outcome)) {
            expect(flow.replies.length, describeFlow(flow)).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: runs(60) },
    );
  });

  it("with floating IP the guest sees the VIP as destination, without it its own DIP; always the client's address and port", {
    timeout: propertyTimeout,
  }, () => {
    fc.assert(
      fc.property(arbitraryScenario(), ({ scenario }) => {
        const { flows } = runObserved(scenario);
        const nics = new Map(
          scenario.hosts.flatMap((host) =>
            host.vms.map((vm) => [vm.name, vm.nics.map((nic) => ipv4(nic.ip))] as const),
          ),
        );
        for (const flow of flows) {
          const { request, rule } = flow;
          if (request === undefined || rule === undefined) continue;
          // The DIP the Muxes chose for this connection (one: the stickiness properties below).
          const dip = flow.connection.dips[0];
          for (const { vm, tuple } of flow.atGuests) {
            expect(tuple, `${describeFlow(flow)} at ${vm}`).toEqual({
              protocol: request.protocol,
              srcAddress: request.srcAddress,
              srcPort: request.srcPort,
              dstAddress: rule.floatingIp ? rule.vip : ipv4(dip ?? '0.0.0.0'),
              dstPort: rule.backendPort,
            });
            expect(nics.get(vm), `${describeFlow(flow)} at ${vm}`).toContain(ipv4(dip ?? '0.0.0.0'));
          }
          if (flow.connection.outcome === 'completed' || flow.connection.outcome === 'answered') {
            expect(flow.atGuests.length, describeFlow(flow)).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: runs(60) },
    );
  });

  it("SourceIP sends all of a client's flows to a frontend to one DIP, whatever the protocol and port; SourceIPProtocol does so per protocol", {
    timeout: propertyTimeout,
  }, () => {
    fc.assert(
      fc.property(
        arbitraryScenario({ distributions: ['SourceIP', 'SourceIPProtocol'], maxRules: 4, maxConnections: 8 }),
        ({ scenario }) => {
          const { flows } = runObserved(scenario);
          const dipsByGroup = new Map<string, Set<string>>();
          for (const { rule, client, connection } of flows) {
            if (rule === undefined) continue;
            const protocol = rule.distribution === 'SourceIPProtocol' ? String(rule.protocol) : 'any';
            const group = `${rule.distribution}|${client}|${rule.vip}|${protocol}`;
            const dips = dipsByGroup.get(group) ?? new Set();
            for (const dip of connection.dips) dips.add(dip);
            dipsByGroup.set(group, dips);
          }
          for (const [group, dips] of dipsByGroup) expect(dips.size, group).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: runs(40) },
    );
  });

  it('every Mux sends a flow to the same DIP: a flow that moves to another Mux when one fails keeps its DIP', {
    timeout: propertyTimeout,
  }, () => {
    fc.assert(
      fc.property(arbitraryScenario({ muxFailure: true, maxMuxes: 4 }), ({ scenario }) => {
        const { flows } = runObserved(scenario);
        for (const flow of flows) expect(flow.connection.dips.length, describeFlow(flow)).toBeLessThanOrEqual(1);
      }),
      { numRuns: runs(40) },
    );
  });

  it('with flow state, a pool change (add, remove, drain, reweight) moves no open connection to another DIP', {
    timeout: propertyTimeout,
  }, () => {
    fc.assert(
      fc.property(arbitraryScenario({ poolChanges: true, protocols: ['Tcp'] }), ({ scenario }) => {
        const { flows } = runObserved(scenario);
        for (const flow of flows) expect(flow.connection.dips.length, describeFlow(flow)).toBeLessThanOrEqual(1);
      }),
      { numRuns: runs(40) },
    );
  });

  it('every packet is delivered, dropped with a reason, or still in flight, after six links at most (no loop)', {
    timeout: propertyTimeout,
  }, () => {
    fc.assert(
      fc.property(arbitraryScenario({ muxFailure: true }), ({ scenario }) => {
        const { packets } = runObserved(scenario);
        expect(packets.unaccounted).toEqual([]);
        expect(packets.ended).toBeGreaterThan(0);
        expect(packets.maxHops).toBeLessThanOrEqual(6);
      }),
      { numRuns: runs(60) },
    );
  });

  it('the same scenario and seed give the same trace, event for event', { timeout: propertyTimeout }, () => {
    fc.assert(
      fc.property(
        arbitraryScenario({ poolChanges: true }),
        fc.integer({ min: 0, max: 0xffffffff }),
        ({ scenario }, seed) => {
          expect(runObserved(scenario, { seed }).digest).toBe(runObserved(scenario, { seed }).digest);
        },
      ),
      { numRuns: runs(30) },
    );
  });
});
