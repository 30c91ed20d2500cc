/**
 * What "down" does to traffic at a Mux (docs/mechanics.md §2.3, §7.5): new flows avoid down DIPs,
 * established TCP flows stay, UDP flows move; all down sends nothing (AllProbedDown) or to all
 * (AllProbedUp); admin state overrides the probe.
 */
import {
  type AdminState,
  type Ipv4Packet,
  ipv4,
  makeIpv4Packet,
  makeUdpDatagram,
  type NoHealthyBackendsBehavior,
  TcpFlags,
  type VipMapRule,
} from '@lbsim/core';
import { describe, expect, it } from 'vitest';
import { dips, segment, setup, vip } from './mux-harness.ts';

const probe = 'lb/health';

function probedRule(
  protocol: 6 | 17,
  noHealthyBackends: NoHealthyBackendsBehavior = 'AllProbedDown',
  adminStates: readonly AdminState[] = [],
): VipMapRule {
  return {
    name: protocol === 6 ? 'lb/tcp' : 'lb/udp',
    endpoint: { vip, protocol, port: 80 },
    distribution: 'Default',
    dips: dips.map((dip, i) => ({ dip, weight: 1, adminState: adminStates[i] ?? 'None' })),
    idleTimeoutNs: 240e9,
    probe,
    noHealthyBackends,
  };
}

const datagram = (srcPort: number) =>
  makeIpv4Packet({ src: ipv4('203.0.113.7'), dst: vip }, makeUdpDatagram({ srcPort, dstPort: 80, payloadLength: 8 }));

/** The DIP each packet went to, by the inner packet's source port. */
function dipsBySourcePort(received: readonly Ipv4Packet[]): Map<number, number> {
  return new Map(
    received.map((outer) => {
      const inner = outer.payload as Ipv4Packet;
      const ports = inner.payload as { readonly srcPort: number };
      return [ports.srcPort, outer.dst];
    }),
  );
}

function healthOf(up: readonly boolean[]) {
  return dips.map((dip, i) => ({ probe, dip, up: up[i] ?? false }));
}

describe('Mux and DIP health', () => {
  it('sends new flows only to DIPs probed up; a DIP not yet probed takes none', () => {
    const { kernel, host, mux, send } = setup();
    mux.receiveControl({ kind: 'vip-map', rules: [probedRule(6)], health: healthOf([true, false]) });
    for (let port = 2000; port < 2100; port++) send(segment(port, TcpFlags.Syn));
    kernel.runUntil(1000);
    expect(new Set(dipsBySourcePort(host.received).values())).toEqual(new Set([dips[0]]));
  });

  it('keeps established TCP flows on a DIP that goes down, and moves UDP flows off it', () => {
    const { kernel, host, mux, send } = setup();
    mux.receiveControl({
      kind: 'vip-map',
      rules: [probedRule(6), probedRule(17)],
      health: healthOf([true, true, true]),
    });
    for (let port = 3000; port < 3060; port++) {
      send(segment(port, TcpFlags.Syn));
      send(datagram(port));
    }
    kernel.runUntil(1000);
    const tcpBefore = dipsBySourcePort(host.received.filter((p) => (p.payload as Ipv4Packet).payload.kind === 'tcp'));
    const udpBefore = dipsBySourcePort(host.received.filter((p) => (p.payload as Ipv4Packet).payload.kind === 'udp'));
    const down = dips[1] as number;
    mux.receiveControl({ kind: 'dip-health', probe, dip: down, up: false });
    host.received.length = 0;
    for (let port = 3000; port < 3060; port++) {
      send(segment(port, TcpFlags.Ack));
      send(datagram(port));
    }
    kernel.runUntil(2000);
    const tcpAfter = dipsBySourcePort(host.received.filter((p) => (p.payload as Ipv4Packet).payload.kind === 'tcp'));
    const udpAfter = dipsBySourcePort(host.received.filter((p) => (p.payload as Ipv4Packet).payload.kind === 'udp'));
    expect(tcpAfter).toEqual(tcpBefore);
    const udpOnDown = [...udpBefore].filter(([, dip]) => dip === down).map(([port]) => port);
    expect(udpOnDown.length).toBeGreaterThan(0);
    for (const port of udpOnDown) expect(udpAfter.get(port)).not.toBe(down);
    for (const [port, dip] of udpBefore) if (dip !== down) expect(udpAfter.get(port)).toBe(dip);
  });

  it('with every DIP down: AllProbedDown drops new flows but keeps TCP flows; AllProbedUp sends to all', () => {
    for (const behaviour of ['AllProbedDown', 'AllProbedUp'] as const) {
      const { kernel, host, mux, send } = setup();
      mux.receiveControl({ kind: 'vip-map', rules: [probedRule(6, behaviour)], health: healthOf([true, true, true]) });
      send(segment(4000, TcpFlags.Syn));
      kernel.runUntil(1000);
      mux.receiveControl({ kind: 'vip-map', rules: [probedRule(6, behaviour)], health: healthOf([]) });
      host.received.length = 0;
      send(segment(4000, TcpFlags.Ack));
      for (let port = 4001; port < 4100; port++) send(segment(port, TcpFlags.Syn));
      kernel.runUntil(2000);
      const served = dipsBySourcePort(host.received);
      expect(served.has(4000)).toBe(true);
      if (behaviour === 'AllProbedDown') expect(served.size).toBe(1);
      else expect(new Set(served.values())).toEqual(new Set(dips));
    }
  });

  it('admin state Up takes new flows whatever the probe says; Down takes none even when probed up', () => {
    const { kernel, host, mux, send } = setup();
    mux.receiveControl({
      kind: 'vip-map',
      rules: [probedRule(6, 'AllProbedDown', ['Up', 'Down', 'None'])],
      health: healthOf([false, true, false]),
    });
    for (let port = 5000; port < 5100; port++) send(segment(port, TcpFlags.Syn));
    kernel.runUntil(1000);
    expect(new Set(dipsBySourcePort(host.received).values())).toEqual(new Set([dips[0]]));
  });
});
