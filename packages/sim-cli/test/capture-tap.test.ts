/**
 * The capture tap's rules on hand-made trace events: which events become packets on which
 * vantage point's wire, and what goes into each packet's comment.
 */
import {
  encapsulateIpIp,
  type Ipv4Packet,
  ipv4,
  makeIpv4Packet,
  makeTcpSegment,
  TcpFlags,
  type TraceEvent,
  type TraceKind,
} from '@lbsim/core';
import type { Topology } from '@lbsim/scenario';
import { describe, expect, it } from 'vitest';
import { type CaptureRecord, CaptureTap } from '../src/capture/capture-tap.ts';
import { vantagePointsOf } from '../src/capture/vantage-points.ts';

const topology: Topology = {
  router: 'router',
  muxes: [{ name: 'mux-1', address: '100.127.0.1' }],
  hosts: [
    {
      name: 'host-a',
      vms: [
        { name: 'web-1', nics: [{ name: 'web-1-nic0', address: '10.1.0.4' }], loopbacks: [] },
        { name: 'web-2', nics: [{ name: 'web-2-nic0', address: '10.1.0.5' }], loopbacks: [] },
      ],
    },
  ],
  clients: [{ name: 'client-1', address: '203.0.113.7' }],
  frontends: [],
};

const syn = makeIpv4Packet(
  { src: ipv4('203.0.113.7'), dst: ipv4('52.0.0.1') },
  makeTcpSegment({ srcPort: 40000, dstPort: 80, flags: TcpFlags.Syn }),
);
const tunnelled = encapsulateIpIp(syn, ipv4('100.127.0.1'), ipv4('10.1.0.4'), 1);
const natted = { ...syn, dst: ipv4('10.1.0.4') };

function tapWith(events: ReadonlyArray<readonly [number, string, TraceKind, Ipv4Packet, number, string]>) {
  const records: CaptureRecord[] = [];
  const tap = new CaptureTap(vantagePointsOf(topology), (record) => records.push(record));
  for (const [atNs, node, kind, packet, packetId, note] of events) {
    const event: TraceEvent = {
      atNs,
      node,
      kind,
      packet,
      meta: { packetId, connectionId: 1, createdAtNs: 0 },
      note,
      reason: kind === 'drop' ? 'no-listener' : undefined,
    };
    tap.record(event);
  }
  tap.finish();
  // Records are in time order per vantage point; across vantage points order does not matter.
  records.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0) || a.sequence - b.sequence);
  return records.map((r) => [
    r.node,
    r.atNs,
    r.packet === tunnelled ? 'ipip' : r.packet === natted ? 'natted' : 'syn',
    r.side,
    r.comment,
  ]);
}

describe('capture tap', () => {
  it('a client captures what it sends and receives; the router has no capture', () => {
    expect(
      tapWith([
        [0, 'client-1', 'send', syn, 1, 'TCP SYN-SENT'],
        [5, 'router', 'receive', syn, 1, 'from client-1'],
        [5, 'router', 'forward', syn, 1, '→ mux-1'],
      ]),
    ).toEqual([['client-1', 0, 'syn', 'out', '[connection 1] TCP SYN-SENT']]);
  });

  it('a Mux writes a tunnelled packet once, out, as it left, the decision first and its arrival after', () => {
    expect(
      tapWith([
        [5, 'router', 'forward', syn, 1, '→ mux-1'],
        [6, 'mux-1', 'receive', syn, 1, 'from router'],
        [6, 'mux-1', 'encapsulate', tunnelled, 1, 'mux-1: 5-tuple hash 0x1 → DIP 10.1.0.4, encapsulated'],
      ]),
    ).toEqual([
      [
        'mux-1',
        6,
        'ipip',
        'out',
        '[connection 1] mux-1: 5-tuple hash 0x1 → DIP 10.1.0.4, encapsulated; in: from router',
      ],
    ]);
  });

  it('a packet a node receives and drops is written once, on the drop side, as it arrived', () => {
    expect(
      tapWith([
        [6, 'mux-1', 'receive', syn, 1, 'from router'],
        [6, 'mux-1', 'drop', syn, 1, 'no DIP'],
      ]),
    ).toEqual([['mux-1', 6, 'syn', 'drop', '[connection 1] from router; DROP no-listener: no DIP']]);
  });

  it("a drop inside a host, off its wire (the NSG dropping a probe SYN), is on the host's drop side", () => {
    const probe = makeIpv4Packet(
      { src: ipv4('168.63.129.16'), dst: ipv4('10.1.0.4') },
      makeTcpSegment({ srcPort: 50000, dstPort: 80, flags: TcpFlags.Syn }),
    );
    const records: CaptureRecord[] = [];
    const tap = new CaptureTap(vantagePointsOf(topology), (record) => records.push(record));
    const meta = { packetId: 9, connectionId: 0, createdAtNs: 0 };
    tap.record({ atNs: 3, node: 'host-a', kind: 'send', packet: probe, meta, note: 'probe', reason: undefined });
    tap.record({
      atNs: 3,
      node: 'host-a',
      kind: 'drop',
      packet: probe,
      meta,
      note: 'NSG denies',
      reason: 'nsg-denied',
    });
    tap.record({ atNs: 4, node: 'router', kind: 'drop', packet: syn, meta, note: 'no route', reason: 'no-route' });
    tap.finish();
    expect(records.map((r) => [r.node, r.side, r.direction, r.comment])).toEqual([
      ['host-a', 'drop', undefined, '[no connection] DROP nsg-denied: NSG denies'],
      ['router', 'drop', undefined, '[no connection] DROP no-route: no route'],
    ]);
  });

  it('a Host Agent captures only its router side; what it does toward the VM goes into the comment', () => {
    expect(
      tapWith([
        [7, 'router', 'forward', tunnelled, 1, '→ host-a'],
        [8, 'host-a', 'receive', tunnelled, 1, 'from router'],
        [8, 'host-a', 'decapsulate', syn, 1, 'from 100.127.0.1'],
        [8, 'host-a', 'rewrite', natted, 1, 'NAT 52.0.0.1:80 → 10.1.0.4:80 → web-1'],
        [9, 'web-1', 'receive', natted, 1, 'from host-a'],
        [9, 'web-1', 'drop', natted, 1, 'nothing listens'],
      ]),
    ).toEqual([
      [
        'host-a',
        8,
        'ipip',
        'in',
        '[connection 1] from router; decap: from 100.127.0.1; nat: NAT 52.0.0.1:80 → 10.1.0.4:80 → web-1',
      ],
      ['web-1', 9, 'natted', 'drop', '[connection 1] from host-a; DROP no-listener: nothing listens'],
    ]);
  });

  it('a Host Agent captures what its VMs send toward the router, not what they hand it', () => {
    expect(
      tapWith([
        [10, 'web-1', 'send', natted, 2, 'TCP SYN-RECEIVED'],
        [11, 'host-a', 'receive', natted, 2, 'from web-1'],
        [11, 'host-a', 'rewrite', syn, 2, 'reverse NAT → 52.0.0.1:80, direct server return'],
      ]),
    ).toEqual([
      ['host-a', 11, 'syn', 'out', '[connection 1] reverse NAT → 52.0.0.1:80, direct server return'],
      ['web-1', 10, 'natted', 'out', '[connection 1] TCP SYN-RECEIVED'],
    ]);
  });

  it('a packet changed twice before it leaves is captured once, in its last form', () => {
    expect(
      tapWith([
        [10, 'web-2', 'send', syn, 3, 'sent'],
        [11, 'host-a', 'receive', syn, 3, 'from web-2'],
        [11, 'host-a', 'rewrite', natted, 3, 'first'],
        [11, 'host-a', 'rewrite', tunnelled, 3, 'second'],
      ]),
    ).toEqual([
      ['host-a', 11, 'ipip', 'out', '[connection 1] first; nat: second'],
      ['web-2', 10, 'syn', 'out', '[connection 1] sent'],
    ]);
  });

  it('a packet dropped as it leaves (MTU) is on the sender drop side, the drop in its comment', () => {
    expect(
      tapWith([
        [6, 'mux-1', 'encapsulate', tunnelled, 4, 'mux-1: … encapsulated'],
        [6, 'mux-1', 'drop', tunnelled, 4, '1520 bytes exceed the 1500-byte MTU toward router'],
      ]),
    ).toEqual([
      [
        'mux-1',
        6,
        'ipip',
        'drop',
        '[connection 1] mux-1: … encapsulated; DROP no-listener: 1520 bytes exceed the 1500-byte MTU toward router',
      ],
    ]);
  });
});
