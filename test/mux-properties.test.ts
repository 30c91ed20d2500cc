/**
 * Properties of the Mux tier (issue: Mux fidelity; docs/testing.md#lbsims-own-suites): every Mux picks the same DIP for
 * a tuple; SourceIP pins a client to one DIP and SourceIPProtocol does so per protocol; with
 * flow state, no established flow moves when the DIP list changes.
 */
import {
  Fabric,
  type FiveTuple,
  type Ipv4Packet,
  Kernel,
  type LoadDistribution,
  makeIpv4Packet,
  makeTcpSegment,
  makeUdpDatagram,
  type NetworkNode,
  Router,
  TcpFlags,
  Tracer,
  type VipMapRule,
} from '@lbsim/core';
import { arbitraryIpv4Address, arbitraryPort } from '@lbsim/core/testing';
import { type BackendSelectionAlgorithm, Mux } from '@lbsim/mux';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyTimeout, runs } from './support.ts';

const vip = 0x34aa0a14;

/** Muxes that send what they encapsulate back to a sink recording the outer destination. */
function muxPool(count: number, algorithm: BackendSelectionAlgorithm, hashSeed: number) {
  const kernel = new Kernel({ seed: 1 });
  const fabric = new Fabric(kernel, new Tracer());
  const router = fabric.add(new Router(fabric, { name: 'router', ecmpSeed: 1 }));
  const chosen: number[] = [];
  const sink: NetworkNode = {
    name: 'sink',
    receive: (packet: Ipv4Packet) => {
      chosen.push(packet.dst);
    },
  };
  fabric.add(sink);
  const muxes = Array.from({ length: count }, (_, i) => {
    const mux = fabric.add(
      new Mux(fabric, {
        name: `mux-${i + 1}`,
        address: 0x647f0001 + i,
        router,
        hashSeed,
        backendSelection: algorithm,
        maglevTableSize: 251,
      }),
    );
    fabric.connect('sink', mux.name, { latencyNs: 1, mtuBytes: 1500 });
    return mux;
  });
  const configure = (dips: readonly number[], distribution: LoadDistribution) => {
    const rules: VipMapRule[] = [6, 17].map((protocol) => ({
      name: 'lb/r',
      endpoint: { vip, protocol, port: 80 },
      distribution,
      dips: dips.map((dip) => ({ dip, weight: 1, adminState: 'None' as const })),
      idleTimeoutNs: 240e9,
      probe: undefined,
      noHealthyBackends: 'AllProbedDown' as const,
    }));
    for (const mux of muxes) mux.receiveControl({ kind: 'vip-map', rules, health: [] });
  };
  /** Sends `packet` to Mux `index` and returns the DIP it chose. */
  const send = (index: number, packet: Ipv4Packet): number | undefined => {
    chosen.length = 0;
    fabric.transmit('sink', `mux-${index + 1}`, packet, fabric.tracer.newMeta(0, kernel.nowNs));
    kernel.runUntil(kernel.nowNs + 10);
    return chosen[0];
  };
  return { muxes, configure, send };
}

const packetOf = (tuple: FiveTuple, flags: number = TcpFlags.Syn): Ipv4Packet =>
  makeIpv4Packet(
    { src: tuple.srcAddress, dst: vip },
    tuple.protocol === 6
      ? makeTcpSegment({ srcPort: tuple.srcPort, dstPort: 80, flags })
      : makeUdpDatagram({ srcPort: tuple.srcPort, dstPort: 80 }),
  );

const dipsArbitrary = fc.uniqueArray(fc.integer({ min: 0x0a000001, max: 0x0affffff }), { minLength: 1, maxLength: 12 });
const algorithmArbitrary = fc.constantFrom<BackendSelectionAlgorithm>('maglev', 'modulo', 'rendezvous');
const tupleArbitrary = fc.record({
  protocol: fc.constantFrom(6, 17),
  srcAddress: arbitraryIpv4Address,
  srcPort: arbitraryPort,
  dstAddress: fc.constant(vip),
  dstPort: fc.constant(80),
});

describe('Mux tier properties', () => {
  it('every Mux of the pool picks the same DIP for a tuple', { timeout: propertyTimeout }, () => {
    fc.assert(
      fc.property(
        dipsArbitrary,
        algorithmArbitrary,
        fc.constantFrom<LoadDistribution>('Default', 'SourceIP', 'SourceIPProtocol'),
        fc.array(tupleArbitrary, { minLength: 1, maxLength: 10 }),
        (dips, algorithm, distribution, tuples) => {
          const pool = muxPool(4, algorithm, 77);
          pool.configure(dips, distribution);
          for (const tuple of tuples) {
            const picks = pool.muxes.map((_, i) => pool.send(i, packetOf(tuple)));
            expect(dips).toContain(picks[0]);
            expect(new Set(picks).size).toBe(1);
          }
        },
      ),
      { numRuns: runs(40) },
    );
  });

  it("SourceIP sends all of a client's flows to one DIP; SourceIPProtocol does so per protocol", {
    timeout: propertyTimeout,
  }, () => {
    fc.assert(
      fc.property(
        dipsArbitrary,
        algorithmArbitrary,
        arbitraryIpv4Address,
        fc.array(fc.tuple(fc.constantFrom(6, 17), arbitraryPort), { minLength: 2, maxLength: 20 }),
        (dips, algorithm, client, flows) => {
          const pool = muxPool(2, algorithm, 5);
          const picksUnder = (distribution: LoadDistribution) => {
            pool.configure(dips, distribution);
            return flows.map(([protocol, port], i) => ({
              protocol,
              dip: pool.send(
                i % 2,
                packetOf({ protocol, srcAddress: client, srcPort: port, dstAddress: vip, dstPort: 80 }),
              ),
            }));
          };
          expect(new Set(picksUnder('SourceIP').map((p) => p.dip)).size).toBe(1);
          const byProtocol = picksUnder('SourceIPProtocol');
          for (const protocol of [6, 17]) {
            expect(
              new Set(byProtocol.filter((p) => p.protocol === protocol).map((p) => p.dip)).size,
            ).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: runs(40) },
    );
  });

  it('with flow state, no established flow moves when the DIP list changes', { timeout: propertyTimeout }, () => {
    fc.assert(
      fc.property(
        dipsArbitrary,
        dipsArbitrary,
        algorithmArbitrary,
        fc.uniqueArray(
          tupleArbitrary.filter((t) => t.protocol === 6),
          { minLength: 1, maxLength: 20, selector: (t) => `${t.srcAddress}:${t.srcPort}` },
        ),
        (before, after, algorithm, tuples) => {
          const pool = muxPool(1, algorithm, 9);
          pool.configure(before, 'Default');
          const established = tuples.map((tuple) => {
            const dip = pool.send(0, packetOf(tuple, TcpFlags.Syn));
            pool.send(0, packetOf(tuple, TcpFlags.Ack));
            return dip;
          });
          pool.configure(after, 'Default');
          tuples.forEach((tuple, i) => {
            expect(pool.send(0, packetOf(tuple, TcpFlags.Ack))).toBe(established[i]);
          });
        },
      ),
      { numRuns: runs(40) },
    );
  });
});
