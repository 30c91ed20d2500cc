import { describe, expect, it } from 'vitest';
import {
  Fabric,
  type Ipv4Packet,
  ipv4,
  Kernel,
  makeIpv4Packet,
  makeTcpSegment,
  type NetworkNode,
  type PacketMeta,
  Router,
  TcpFlags,
  type TraceEvent,
  Tracer,
} from '../src/index.ts';

class Sink implements NetworkNode {
  readonly received: Ipv4Packet[] = [];
  constructor(readonly name: string) {}
  receive(packet: Ipv4Packet, _meta: PacketMeta): void {
    this.received.push(packet);
  }
}

function setup() {
  const kernel = new Kernel({ seed: 1 });
  const tracer = new Tracer();
  const events: TraceEvent[] = [];
  tracer.subscribe({ record: (event) => events.push(event) });
  const fabric = new Fabric(kernel, tracer);
  const router = fabric.add(new Router(fabric, { name: 'router', ecmpSeed: 99 }));
  const sinks = ['mux-1', 'mux-2', 'mux-3', 'host'].map((name) => {
    const sink = fabric.add(new Sink(name));
    fabric.connect(name, 'router', { latencyNs: 1000, mtuBytes: 1500 });
    return sink;
  });
  const source = fabric.add(new Sink('client'));
  fabric.connect('client', 'router', { latencyNs: 1000, mtuBytes: 1500 });
  return { kernel, tracer, fabric, router, sinks, source, events };
}

const vip = ipv4('52.0.0.1');
const packetFrom = (port: number, ttl = 64) =>
  makeIpv4Packet(
    { src: ipv4('203.0.113.7'), dst: vip, ttl },
    makeTcpSegment({ srcPort: port, dstPort: 80, flags: TcpFlags.Syn }),
  );

describe('router', () => {
  it('keeps every packet of a flow on one Mux and spreads flows over all of them', () => {
    const { kernel, fabric, router, sinks, tracer } = setup();
    for (const mux of ['mux-3', 'mux-1', 'mux-2']) router.announce(vip, mux);
    expect(router.ecmpGroup(vip)).toEqual(['mux-1', 'mux-2', 'mux-3']);
    for (let port = 1000; port < 1300; port++) {
      for (let copy = 0; copy < 2; copy++)
        fabric.transmit('client', 'router', packetFrom(port), tracer.newMeta(port, 0));
    }
    kernel.runUntil(1_000_000);
    for (const sink of sinks.slice(0, 3)) {
      expect(sink.received.length).toBeGreaterThan(150);
      const ports = sink.received.map((p) => (p.payload.kind === 'tcp' ? p.payload.srcPort : -1));
      // Both copies of each flow went to the same Mux.
      for (const port of new Set(ports)) expect(ports.filter((p) => p === port)).toHaveLength(2);
    }
    expect(sinks[3]?.received).toHaveLength(0);
  });

  it('decrements TTL and drops at expiry, with a reason', () => {
    const { kernel, fabric, router, sinks, tracer, events } = setup();
    router.announce(vip, 'mux-1');
    fabric.transmit('client', 'router', packetFrom(1, 1), tracer.newMeta(0, 0));
    fabric.transmit('client', 'router', packetFrom(2, 9), tracer.newMeta(0, 0));
    kernel.runUntil(1_000_000);
    expect(sinks[0]?.received.map((p) => p.ttl)).toEqual([8]);
    expect(events.filter((e) => e.kind === 'drop').map((e) => [e.node, e.reason])).toEqual([['router', 'ttl-expired']]);
  });

  it('drops what it has no route for, and routes host addresses', () => {
    const { kernel, fabric, router, sinks, tracer, events } = setup();
    router.addHostRoute(ipv4('10.1.0.4'), 'host');
    fabric.transmit(
      'client',
      'router',
      makeIpv4Packet({ src: 1, dst: ipv4('10.1.0.4') }, makeTcpSegment({ srcPort: 1, dstPort: 2, flags: 0 })),
      tracer.newMeta(0, 0),
    );
    fabric.transmit(
      'client',
      'router',
      makeIpv4Packet({ src: 1, dst: ipv4('10.9.9.9') }, makeTcpSegment({ srcPort: 1, dstPort: 2, flags: 0 })),
      tracer.newMeta(0, 0),
    );
    kernel.runUntil(1_000_000);
    expect(sinks[3]?.received).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'drop').map((e) => e.reason)).toEqual(['no-route']);
  });

  it('a route added after a destination was looked up takes effect (the route cache forgets)', () => {
    const { kernel, fabric, router, sinks, tracer, events } = setup();
    const toHost = () =>
      makeIpv4Packet({ src: 1, dst: ipv4('10.9.9.9') }, makeTcpSegment({ srcPort: 1, dstPort: 2, flags: 0 }));
    fabric.transmit('client', 'router', toHost(), tracer.newMeta(0, 0));
    kernel.runUntil(10_000);
    router.addPrefixRoute({ network: ipv4('10.9.0.0'), length: 16 }, 'host');
    fabric.transmit('client', 'router', toHost(), tracer.newMeta(0, kernel.nowNs));
    kernel.runUntil(20_000);
    router.addHostRoute(ipv4('10.9.9.9'), 'mux-1');
    fabric.transmit('client', 'router', toHost(), tracer.newMeta(0, kernel.nowNs));
    kernel.runUntil(30_000);
    expect(events.filter((e) => e.kind === 'drop').map((e) => e.reason)).toEqual(['no-route']);
    expect(sinks[3]?.received).toHaveLength(1);
    expect(sinks[0]?.received).toHaveLength(1);
  });

  it('after a withdraw, flows rehash over the remaining Muxes only', () => {
    const { kernel, fabric, router, sinks, tracer } = setup();
    for (const mux of ['mux-1', 'mux-2', 'mux-3']) router.announce(vip, mux);
    router.withdraw(vip, 'mux-2');
    for (let port = 0; port < 100; port++) fabric.transmit('client', 'router', packetFrom(port), tracer.newMeta(0, 0));
    kernel.runUntil(1_000_000);
    expect(sinks[1]?.received).toHaveLength(0);
    expect((sinks[0]?.received.length ?? 0) + (sinks[2]?.received.length ?? 0)).toBe(100);
  });
});

describe('fabric', () => {
  it('delivers after the link latency and drops what exceeds the MTU', () => {
    const { kernel, fabric, tracer, events } = setup();
    const big = makeIpv4Packet(
      { src: 1, dst: 2 },
      makeTcpSegment({ srcPort: 1, dstPort: 2, flags: 0, payloadLength: 1461 }),
    );
    expect(fabric.transmit('client', 'router', big, tracer.newMeta(0, 0))).toBe(false);
    expect(events.map((e) => [e.kind, e.reason])).toEqual([['drop', 'mtu-exceeded']]);
    const small = makeIpv4Packet(
      { src: 1, dst: 2 },
      makeTcpSegment({ srcPort: 1, dstPort: 2, flags: 0, payloadLength: 1460 }),
    );
    fabric.transmit('client', 'router', small, tracer.newMeta(0, 0));
    kernel.runUntil(999);
    expect(events).toHaveLength(1);
    kernel.runUntil(1000);
    expect(events.map((e) => [e.kind, e.node, e.atNs])).toContainEqual(['receive', 'router', 1000]);
  });
});

describe('BGP hold timer', () => {
  it('keeps a silent Mux in the ECMP group until the hold timer expires, then rehashes its flows', () => {
    const kernel = new Kernel({ seed: 1 });
    const fabric = new Fabric(kernel, new Tracer());
    const router = fabric.add(new Router(fabric, { name: 'router', ecmpSeed: 3, bgpHoldTimeNs: 30 }));
    for (const mux of ['mux-1', 'mux-2']) router.announce(vip, mux);
    kernel.runUntil(100);
    router.peerSilent('mux-2');
    expect(router.holdTimerExpiryNs('mux-2')).toBe(130);
    kernel.runUntil(129);
    expect(router.ecmpGroup(vip)).toEqual(['mux-1', 'mux-2']);
    kernel.runUntil(130);
    expect(router.ecmpGroup(vip)).toEqual(['mux-1']);
    expect(router.holdTimerExpiryNs('mux-2')).toBeUndefined();
  });

  it('a peer that announces again before expiry keeps its routes', () => {
    const kernel = new Kernel({ seed: 1 });
    const fabric = new Fabric(kernel, new Tracer());
    const router = fabric.add(new Router(fabric, { name: 'router', ecmpSeed: 3, bgpHoldTimeNs: 30 }));
    router.announce(vip, 'mux-1');
    router.peerSilent('mux-1');
    kernel.runUntil(10);
    router.announce(vip, 'mux-1');
    kernel.runUntil(100);
    expect(router.ecmpGroup(vip)).toEqual(['mux-1']);
  });
});

describe('tracer', () => {
  it('passes each event only to the sinks that read its kind, in the order they subscribed, and counts every kind', () => {
    const { kernel, fabric, router, tracer } = setup();
    const seen: string[] = [];
    tracer.subscribe({ kinds: ['drop'], record: (e) => seen.push(`drops-only ${e.kind}`) });
    tracer.subscribe({ record: (e) => seen.push(`all ${e.kind}`) });
    tracer.subscribe({ kinds: ['forward', 'drop'], record: (e) => seen.push(`forward+drop ${e.kind}`) });
    router.announce(vip, 'mux-1');
    fabric.transmit('client', 'router', packetFrom(1, 1), tracer.newMeta(0, 0));
    kernel.runUntil(10_000);
    fabric.transmit('client', 'router', packetFrom(2), tracer.newMeta(0, kernel.nowNs));
    kernel.runUntil(20_000);
    expect(seen).toEqual([
      'all receive',
      'drops-only drop',
      'all drop',
      'forward+drop drop',
      'all receive',
      'all forward',
      'forward+drop forward',
      'all receive',
    ]);
    expect([tracer.countOf('receive'), tracer.countOf('forward'), tracer.countOf('drop')]).toEqual([3, 1, 1]);
    expect(tracer.wants('rewrite')).toBe(true);
  });

  it('hands the fields to sinks that read fields, and makes events only for a kind some sink reads as events', () => {
    const tracer = new Tracer();
    const seen: string[] = [];
    const decision = { code: 'decapsulated', from: ipv4('10.0.0.1') } as const;
    tracer.subscribe({
      kinds: ['deliver', 'drop'],
      record: (e) => seen.push(`fields-sink event ${e.kind}`),
      recordFields: (atNs, node, kind, _packet, meta, note, reason) =>
        seen.push(
          `fields ${atNs} ${node} ${kind} ${meta.connectionId} ${typeof note === 'string' ? note : note.code} ${reason}`,
        ),
    });
    tracer.subscribe({ kinds: ['drop'], record: (e) => seen.push(`event ${e.kind} ${e.note} ${e.decision?.code}`) });
    tracer.emit(5, 'vm', 'deliver', packetFrom(1), tracer.newMeta(7, 0), 'ACK');
    tracer.emit(6, 'host', 'drop', packetFrom(1), tracer.newMeta(8, 0), decision, 'nsg-denied');
    expect(seen).toEqual([
      'fields 5 vm deliver 7 ACK undefined',
      'fields-sink event drop',
      'event drop from 10.0.0.1 decapsulated',
    ]);
  });

  it('counts events no sink reads without making them', () => {
    const tracer = new Tracer();
    const channel = tracer.channel('receive');
    expect(channel.wanted).toBe(false);
    channel.emit(0, 'router', packetFrom(1), tracer.newMeta(0, 0), 'from client');
    tracer.emit(0, 'router', 'receive', packetFrom(1), tracer.newMeta(0, 0), 'from client');
    expect(tracer.countOf('receive')).toBe(2);
    expect(tracer.wants('receive')).toBe(false);
  });
});
