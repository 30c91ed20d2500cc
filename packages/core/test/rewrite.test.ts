import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  type Ipv4Packet,
  type Ipv4Payload,
  makeIpv4Packet,
  makeTcpSegment,
  makeUdpDatagram,
  rewriteDestination,
  rewriteSource,
} from '../src/index.ts';
import {
  arbitraryIpIpPacket,
  arbitraryIpv4Address,
  arbitraryIpv4Packet,
  arbitraryPort,
  propertyTimeoutMs,
} from '../src/testing/index.ts';

/** The rewrites as they were written before issue 20: spreads of the packet and its payload. */
function spreadRewrite(packet: Ipv4Packet, address: number, port: number, side: 'src' | 'dst'): Ipv4Packet {
  const payload = packet.payload;
  const portField = side === 'src' ? 'srcPort' : 'dstPort';
  if (payload.kind === 'tcp' || payload.kind === 'udp') {
    return { ...packet, [side]: address, payload: { ...payload, [portField]: port } } as Ipv4Packet;
  }
  return { ...packet, [side]: address };
}

/** The packet as the simulation's nodes build it: `makeIpv4Packet`'s field order throughout. */
function canonical(packet: Ipv4Packet): Ipv4Packet {
  return makeIpv4Packet(packet, canonicalPayload(packet.payload));
}

function canonicalPayload(payload: Ipv4Payload): Ipv4Payload {
  switch (payload.kind) {
    case 'udp':
      return makeUdpDatagram(payload);
    case 'tcp':
      return makeTcpSegment(payload);
    case 'ipv4':
      return canonical(payload);
    default:
      return payload;
  }
}

/** Equal fields and equal key order (captures and JSON write fields in order). */
const sameRecord = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

describe('rewriteDestination and rewriteSource', () => {
  // Written out field by field for one packet shape; the result must be what the spread gave.
  it('build the packet the spread built, field for field', { timeout: propertyTimeoutMs() }, () => {
    fc.assert(
      fc.property(
        fc.oneof(arbitraryIpv4Packet, arbitraryIpIpPacket).map(canonical),
        arbitraryIpv4Address,
        arbitraryPort,
        (packet, address, port) =>
          sameRecord(rewriteDestination(packet, address, port), spreadRewrite(packet, address, port, 'dst')) &&
          sameRecord(rewriteSource(packet, address, port), spreadRewrite(packet, address, port, 'src')),
      ),
      { numRuns: 200 },
    );
  });
});
