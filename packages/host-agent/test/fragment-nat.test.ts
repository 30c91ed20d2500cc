import { fragmentPacket, type Ipv4Packet } from '@lbsim/core';
import { arbitraryIpIpPacket, arbitraryIpv4Packet, propertyTimeoutMs } from '@lbsim/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { transportPortsOf, transportTupleOf } from '../src/index.ts';

/** A packet as the Host Agent may see it: whole, or one fragment of it cut at `mtuBytes`. */
const arbitraryPacketOrFragment: fc.Arbitrary<Ipv4Packet> = fc
  .record({
    packet: fc.oneof(arbitraryIpv4Packet, arbitraryIpIpPacket),
    mtuBytes: fc.integer({ min: 28, max: 1500 }),
    pick: fc.nat(),
  })
  .map(({ packet, mtuBytes, pick }) => {
    const pieces = fragmentPacket({ ...packet, dontFragment: false }, mtuBytes) ?? [packet];
    return pieces[pick % pieces.length] as Ipv4Packet;
  });

describe('transportPortsOf', () => {
  // The Host Agent looks flows up by these ports instead of a tuple record; they must be the
  // record's ports, and -1 exactly where the record is missing (a non-first fragment).
  it('agrees with transportTupleOf on whole packets and fragments', { timeout: propertyTimeoutMs() }, () => {
    fc.assert(
      fc.property(arbitraryPacketOrFragment, (packet) => {
        const tuple = transportTupleOf(packet);
        const ports = transportPortsOf(packet);
        if (tuple === undefined) return ports === -1;
        return ports === ((tuple.srcPort << 16) | tuple.dstPort) >>> 0;
      }),
      { numRuns: 200 },
    );
  });

  it('gives -1 for a non-first fragment, which carries no ports', () => {
    const whole = fc.sample(arbitraryIpv4Packet, { numRuns: 1, seed: 20 })[0] as Ipv4Packet;
    const big: Ipv4Packet = {
      ...whole,
      dontFragment: false,
      payload: { kind: 'udp', srcPort: 5, dstPort: 7, payloadLength: 400, data: '' },
    };
    const pieces = fragmentPacket(big, 100) ?? [];
    expect(pieces.length).toBeGreaterThan(1);
    expect(transportPortsOf(pieces[0] as Ipv4Packet)).toBe((5 << 16) | 7);
    expect(transportPortsOf(pieces[1] as Ipv4Packet)).toBe(-1);
  });
});
