import { makeIpv4Packet, makeUdpDatagram, type TraceEvent, type TraceKind } from '@lbsim/core';
import { describe, expect, it } from 'vitest';
import { PacketAccounting } from '../../src/testing/index.ts';

const packet = makeIpv4Packet({ src: 1, dst: 2 }, makeUdpDatagram({ srcPort: 1, dstPort: 2 }));

/** Feeds `(packet id, kind, node)` events to a fresh accounting and returns its summary. */
function account(events: ReadonlyArray<readonly [number, TraceKind, string]>) {
  const accounting = new PacketAccounting();
  events.forEach(([packetId, kind, node], atNs) => {
    const event: TraceEvent = {
      atNs,
      node,
      kind,
      packet,
      meta: { packetId, connectionId: 1, createdAtNs: 0 },
      note: '',
      reason: kind === 'drop' ? 'no-route' : undefined,
    };
    accounting.record(event);
  });
  return accounting.summary();
}

describe('PacketAccounting', () => {
  it('accepts packets that end once, last, and packets still on a link', () => {
    // Arrange / Act
    const summary = account([
      [1, 'send', 'a'],
      [1, 'receive', 'b'],
      [1, 'deliver', 'b'],
      [2, 'send', 'a'],
      [2, 'receive', 'router'],
      [2, 'drop', 'router'],
      [3, 'send', 'a'],
      [3, 'receive', 'router'],
      [3, 'forward', 'router'],
    ]);
    // Assert
    expect(summary).toEqual({ packets: 3, ended: 2, inFlight: 1, maxHops: 1, unaccounted: [] });
  });

  it('reports each way a packet can go unaccounted', () => {
    const summary = account([
      [1, 'receive', 'b'],
      [1, 'deliver', 'b'],
      [2, 'send', 'a'],
      [2, 'deliver', 'b'],
      [2, 'drop', 'c'],
      [3, 'send', 'a'],
      [3, 'deliver', 'b'],
      [3, 'forward', 'b'],
      [4, 'send', 'a'],
      [4, 'receive', 'b'],
    ]);
    expect(summary.unaccounted).toEqual([
      'packet 1 first seen as receive at b',
      'packet 2 ended 2 times',
      'packet 3 had events after it ended',
      'packet 4 vanished at b',
    ]);
  });

  it('reports a drop without a reason', () => {
    const accounting = new PacketAccounting();
    const meta = { packetId: 9, connectionId: 0, createdAtNs: 0 };
    accounting.record({ atNs: 0, node: 'a', kind: 'send', packet, meta, note: '', reason: undefined });
    accounting.record({ atNs: 1, node: 'a', kind: 'drop', packet, meta, note: '', reason: undefined });
    expect(accounting.summary().unaccounted).toEqual(['packet 9 was dropped without a reason']);
  });
});
