import { makeIpv4Packet, makeTcpSegment, TcpFlags, type TraceEvent } from '@lbsim/core';
import { describe, expect, it } from 'vitest';
import { TraceDigest } from '../../src/testing/index.ts';

const event: TraceEvent = {
  atNs: 5_000_000_123,
  node: 'mux-1',
  kind: 'encapsulate',
  packet: makeIpv4Packet({ src: 1, dst: 2 }, makeTcpSegment({ srcPort: 50000, dstPort: 80, flags: TcpFlags.Syn })),
  meta: { packetId: 7, connectionId: 3, createdAtNs: 5_000_000_000 },
  note: '5-tuple hash → DIP 10.1.0.4',
  reason: undefined,
};

const digestOf = (events: readonly TraceEvent[]) => {
  const digest = new TraceDigest();
  for (const e of events) digest.record(e);
  return digest.digest;
};

describe('TraceDigest', () => {
  it('is the same for the same events and counts them', () => {
    expect(digestOf([event, event])).toBe(digestOf([event, event]));
    expect(digestOf([event, event])).toMatch(/^[0-9a-f]{16}\/2$/);
  });

  it('changes with any field of any event, including the order of events', () => {
    // Arrange: one change per field, from the time down to a TCP flag deep in the packet.
    const tcp = event.packet.payload as ReturnType<typeof makeTcpSegment>;
    const variants: TraceEvent[] = [
      { ...event, atNs: event.atNs + 2 ** 32 },
      { ...event, node: 'mux-2' },
      { ...event, kind: 'forward' },
      { ...event, meta: { ...event.meta, packetId: 8 } },
      { ...event, meta: { ...event.meta, connectionId: 4 } },
      { ...event, meta: { ...event.meta, createdAtNs: 1 } },
      { ...event, note: `${event.note}.` },
      { ...event, kind: 'drop', reason: 'no-route' },
      { ...event, packet: { ...event.packet, ttl: 63 } },
      { ...event, packet: { ...event.packet, payload: { ...tcp, flags: TcpFlags.Syn | TcpFlags.Ack } } },
    ];
    const other = { ...event, node: 'router' };
    // Act
    const digests = [digestOf([event]), ...variants.map((v) => digestOf([v]))];
    // Assert
    expect(new Set(digests).size).toBe(digests.length);
    expect(digestOf([event, other])).not.toBe(digestOf([other, event]));
  });
});
