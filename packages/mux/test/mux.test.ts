import { type Ipv4Packet, ipv4, makeIpv4Packet, makeTcpSegment, makeUdpDatagram, TcpFlags } from '@lbsim/core';
import { describe, expect, it } from 'vitest';
import { BackendSelectorCache, Mux } from '../src/index.ts';
import { dips, segment, setup, vip } from './mux-harness.ts';

describe('Mux', () => {
  it('shares selectors with the pool only when they were built the same way', () => {
    const { fabric, router } = setup();
    const common = { address: ipv4('100.127.0.9'), router, hashSeed: 42, maglevTableSize: 251 };
    const selectorCache = new BackendSelectorCache({ algorithm: 'maglev', maglevTableSize: 251 });
    expect(
      () => new Mux(fabric, { ...common, name: 'mux-a', backendSelection: 'maglev', selectorCache }),
    ).not.toThrow();
    expect(() => new Mux(fabric, { ...common, name: 'mux-b', backendSelection: 'modulo', selectorCache })).toThrow(
      'mux-b: its selector cache was built with other backend-selection options',
    );
  });

  it('announces its VIPs to the router once it has the VIP map', () => {
    const { mux, router, rule } = setup();
    expect(router.ecmpGroup(vip)).toEqual([]);
    mux.receiveControl({ kind: 'vip-map', rules: [rule(dips)], health: [] });
    expect(router.ecmpGroup(vip)).toEqual(['mux-1']);
    mux.receiveControl({ kind: 'vip-map', rules: [], health: [] });
    expect(router.ecmpGroup(vip)).toEqual([]);
  });

  it('encapsulates to a DIP: outer source the Mux, outer destination the DIP, inner untouched', () => {
    const { kernel, host, mux, rule, send } = setup();
    mux.receiveControl({ kind: 'vip-map', rules: [rule(dips)], health: [] });
    const syn = segment(50000, TcpFlags.Syn);
    send(syn);
    kernel.runUntil(1000);
    const outer = host.received[0] as Ipv4Packet;
    expect(outer.src).toBe(ipv4('100.127.0.1'));
    expect(dips).toContain(outer.dst);
    expect(outer.payload).toEqual({ ...syn, ttl: syn.ttl - 1 });
  });

  it('follows the flow table for non-SYN packets after the DIP list changes; a new SYN hashes afresh', () => {
    const { kernel, host, mux, rule, send } = setup();
    mux.receiveControl({ kind: 'vip-map', rules: [rule(dips)], health: [] });
    for (let port = 1000; port < 1060; port++) send(segment(port, TcpFlags.Syn));
    kernel.runUntil(1000);
    const firstDip = new Map(
      host.received.map((p) => [
        (p.payload as Ipv4Packet).payload.kind === 'tcp'
          ? ((p.payload as Ipv4Packet).payload as { srcPort: number }).srcPort
          : 0,
        p.dst,
      ]),
    );
    // Remove the DIP that served port 1000; its flow must stay put.
    const gone = firstDip.get(1000) as number;
    mux.receiveControl({ kind: 'vip-map', rules: [rule(dips.filter((d) => d !== gone))], health: [] });
    host.received.length = 0;
    for (let port = 1000; port < 1060; port++) send(segment(port, TcpFlags.Ack));
    kernel.runUntil(2000);
    for (const packet of host.received) {
      const port = ((packet.payload as Ipv4Packet).payload as { srcPort: number }).srcPort;
      expect(packet.dst).toBe(firstDip.get(port));
    }
    host.received.length = 0;
    send(segment(1000, TcpFlags.Syn));
    kernel.runUntil(3000);
    expect(host.received[0]?.dst).not.toBe(gone);
  });

  it('drops traffic for a VIP endpoint it has no rule for, and fragments, with reasons', () => {
    const { kernel, events, mux, rule, send } = setup();
    mux.receiveControl({ kind: 'vip-map', rules: [rule(dips)], health: [] });
    send(makeIpv4Packet({ src: 1, dst: vip }, makeTcpSegment({ srcPort: 1, dstPort: 443, flags: TcpFlags.Syn })));
    send({
      ...makeIpv4Packet({ src: 1, dst: vip, dontFragment: false }, makeUdpDatagram({ srcPort: 1, dstPort: 80 })),
      moreFragments: true,
    });
    kernel.runUntil(1000);
    expect(events.filter((e) => e.kind === 'drop').map((e) => [e.node, e.reason])).toEqual([
      ['mux-1', 'no-vip-endpoint'],
      ['mux-1', 'fragment-on-lb-rule'],
    ]);
  });

  it('drops new flows when the rule has no DIP', () => {
    const { kernel, events, mux, rule, send } = setup();
    mux.receiveControl({ kind: 'vip-map', rules: [rule([])], health: [] });
    send(segment(1, TcpFlags.Syn));
    kernel.runUntil(1000);
    expect(events.find((e) => e.kind === 'drop')?.reason).toBe('no-healthy-dip');
  });
});

describe('Mux SNAT return entries', () => {
  const outboundVip = ipv4('52.170.10.21');
  const toSnatPort = (port: number, protocol: 'tcp' | 'udp' = 'tcp') =>
    makeIpv4Packet(
      { src: ipv4('203.0.113.7'), dst: outboundVip },
      protocol === 'tcp'
        ? makeTcpSegment({ srcPort: 80, dstPort: port, flags: TcpFlags.Syn | TcpFlags.Ack })
        : makeUdpDatagram({ srcPort: 53, dstPort: port }),
    );
  const range = { vip: outboundVip, protocol: 6, firstPort: 1032 };

  it('sends return traffic of a granted range to its DIP statelessly, and announces an outbound-only VIP', () => {
    const { kernel, events, host, mux, router, send } = setup();
    mux.receiveControl({ kind: 'snat-ranges', replace: false, add: [{ range, dip: dips[1] as number }], remove: [] });
    expect(router.ecmpGroup(outboundVip)).toEqual(['mux-1']);
    send(toSnatPort(1039));
    send(toSnatPort(1039, 'udp'));
    send(toSnatPort(1040));
    kernel.runUntil(1e6);
    expect(host.received.map((packet) => packet.dst)).toEqual([dips[1]]);
    expect(mux.flowCount).toBe(0);
    expect(mux.counters.snatReturns).toBe(1);
    expect(events.find((e) => e.kind === 'encapsulate')?.note).toBe(
      'mux-1: SNAT return: 52.170.10.21 ports 1032–1039 belong to 10.1.0.5 (stateless entry) → DIP 10.1.0.5, encapsulated',
    );
    expect(events.filter((e) => e.kind === 'drop').map((e) => e.reason)).toEqual([
      'no-vip-endpoint',
      'no-vip-endpoint',
    ]);
  });

  it('forgets a removed range, withdraws a VIP left with nothing, and starts over on replace', () => {
    const { mux, router } = setup();
    mux.receiveControl({ kind: 'snat-ranges', replace: false, add: [{ range, dip: dips[0] as number }], remove: [] });
    mux.receiveControl({ kind: 'snat-ranges', replace: false, add: [], remove: [range] });
    expect(mux.snatOwnerOf(outboundVip, 6, 1035)).toBeUndefined();
    expect(router.ecmpGroup(outboundVip)).toEqual([]);
    mux.receiveControl({ kind: 'snat-ranges', replace: false, add: [{ range, dip: dips[0] as number }], remove: [] });
    const other = { vip: outboundVip, protocol: 6, firstPort: 2048 };
    mux.receiveControl({
      kind: 'snat-ranges',
      replace: true,
      add: [{ range: other, dip: dips[2] as number }],
      remove: [],
    });
    expect(mux.snatOwnerOf(outboundVip, 6, 1035)).toBeUndefined();
    expect(mux.snatOwnerOf(outboundVip, 6, 2050)).toBe(dips[2]);
    mux.fail();
    expect(mux.snatOwnerOf(outboundVip, 6, 2050)).toBeUndefined();
  });
});
