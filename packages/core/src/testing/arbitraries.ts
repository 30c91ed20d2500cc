/**
 * fast-check arbitraries for lbsim's packet records, for property tests in lbsim and in
 * users' own suites (`import { arbitraryIpv4Packet } from '@lbsim/core/testing'`).
 *
 * Generated records are valid: ports in range, ASCII data without NUL no longer than the
 * payload, fragment offsets in multiples of 8, sizes within 65,535 bytes.
 */
import fc from 'fast-check';
import type { FiveTuple } from '../net/five-tuple.ts';
import { type IcmpMessage, IcmpType, type Ipv4Packet, type TcpSegment, type UdpDatagram } from '../net/packet.ts';

/** Any IPv4 address. */
export const arbitraryIpv4Address: fc.Arbitrary<number> = fc.integer({ min: 0, max: 0xffffffff });

/** Any port 0..65535. */
export const arbitraryPort: fc.Arbitrary<number> = fc.integer({ min: 0, max: 65535 });

/** Any 5-tuple of TCP or UDP. */
export const arbitraryFiveTuple: fc.Arbitrary<FiveTuple> = fc.record({
  protocol: fc.constantFrom(6, 17),
  srcAddress: arbitraryIpv4Address,
  srcPort: arbitraryPort,
  dstAddress: arbitraryIpv4Address,
  dstPort: arbitraryPort,
});

const uint32 = fc.integer({ min: 0, max: 0xffffffff });
const asciiText = fc.string({
  unit: fc.integer({ min: 1, max: 127 }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});

/** Payload: ASCII text and a total length at least as long. */
const arbitraryPayload = fc
  .tuple(asciiText, fc.integer({ min: 0, max: 1400 }))
  .map(([data, extra]) => ({ data, payloadLength: data.length + extra }));

/** Any TCP segment lbsim can send (MSS and timestamps options optional). */
export const arbitraryTcpSegment: fc.Arbitrary<TcpSegment> = fc
  .record({
    srcPort: arbitraryPort,
    dstPort: arbitraryPort,
    seq: uint32,
    ack: uint32,
    flags: fc.integer({ min: 0, max: 0xff }),
    window: fc.integer({ min: 0, max: 65535 }),
    mss: fc.option(fc.integer({ min: 536, max: 9000 }), { nil: undefined }),
    timestamp: fc.option(fc.record({ value: uint32, echoReply: uint32 }), { nil: undefined }),
    payload: arbitraryPayload,
  })
  .map(({ payload, ...rest }) => ({ kind: 'tcp', ...rest, ...payload }));

/** Any UDP datagram. */
export const arbitraryUdpDatagram: fc.Arbitrary<UdpDatagram> = fc
  .record({ srcPort: arbitraryPort, dstPort: arbitraryPort, payload: arbitraryPayload })
  .map(({ payload, ...rest }) => ({ kind: 'udp', ...rest, ...payload }));

/** An ICMP echo request or reply. */
export const arbitraryIcmpEcho: fc.Arbitrary<IcmpMessage> = fc.record({
  kind: fc.constant('icmp' as const),
  type: fc.constantFrom(IcmpType.EchoRequest, IcmpType.EchoReply),
  code: fc.constant(0),
  rest: uint32,
  quote: fc.constant(undefined),
  payloadLength: fc.integer({ min: 0, max: 1400 }),
});

const headerFields = {
  src: arbitraryIpv4Address,
  dst: arbitraryIpv4Address,
  ttl: fc.integer({ min: 1, max: 255 }),
  dscp: fc.integer({ min: 0, max: 63 }),
  id: fc.integer({ min: 0, max: 0xffff }),
  dontFragment: fc.boolean(),
};

/** A whole (unfragmented) IPv4 packet carrying TCP, UDP or ICMP echo. */
export const arbitraryIpv4Packet: fc.Arbitrary<Ipv4Packet> = fc
  .record({ ...headerFields, payload: fc.oneof(arbitraryTcpSegment, arbitraryUdpDatagram, arbitraryIcmpEcho) })
  .map((fields) => ({ kind: 'ipv4', ...fields, moreFragments: false, fragmentOffsetBytes: 0 }));

/** An IP-in-IP packet: an outer header around {@link arbitraryIpv4Packet}. */
export const arbitraryIpIpPacket: fc.Arbitrary<Ipv4Packet> = fc
  .record({ ...headerFields, payload: arbitraryIpv4Packet })
  .map((fields) => ({ kind: 'ipv4', ...fields, moreFragments: false, fragmentOffsetBytes: 0 }));
