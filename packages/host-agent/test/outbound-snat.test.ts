import {
  defaultTcpConfig,
  encapsulateIpIp,
  Fabric,
  type Ipv4Packet,
  ipv4,
  Kernel,
  type ManagerControlMessage,
  makeIpv4Packet,
  makeTcpSegment,
  makeUdpDatagram,
  type NetworkNode,
  type PacketMeta,
  parseIpv4Prefix,
  type SnatPolicy,
  type SnatPortRange,
  TcpFlags,
  type TraceEvent,
  Tracer,
} from '@lbsim/core';
import { describe, expect, it } from 'vitest';
import { GuestVm, HostAgent, NicSecurity, SnatPortLedger, snatDestinationKey } from '../src/index.ts';

/** Records what reaches it; answers nothing. */
class Router implements NetworkNode {
  readonly name = 'router';
  readonly received: Ipv4Packet[] = [];
  receive(packet: Ipv4Packet, _meta: PacketMeta): void {
    this.received.push(packet);
  }
}

const vip = ipv4('52.170.20.30');
const vip2 = ipv4('52.170.20.31');
const dip = ipv4('10.1.0.4');
const server = ipv4('203.0.113.50');
const otherServer = ipv4('198.51.100.60');
const mux = ipv4('100.127.0.1');
const virtualNetwork = [parseIpv4Prefix('10.1.0.0/16') as NonNullable<ReturnType<typeof parseIpv4Prefix>>];

function policy(fields: Partial<SnatPolicy> = {}): SnatPolicy {
  return {
    name: 'egress/out',
    dip,
    host: 'host-a',
    vm: 'app-1',
    protocol: 6,
    frontends: [vip],
    portLimit: 64,
    idleTimeoutNs: 240e9,
    enableTcpReset: false,
    ...fields,
  };
}

function ranges(count: number, first = 1024, protocol = 6): SnatPortRange[] {
  return Array.from({ length: count }, (_, i) => ({ vip, protocol, firstPort: first + 8 * i }));
}

describe('SNAT port ledger', () => {
  it('TCP: reuses a port for another destination IP or port, never for the same one', () => {
    const ledger = new SnatPortLedger(policy());
    ledger.addRanges(ranges(1), false, 0);
    const toServer80 = snatDestinationKey(6, server, 80);
    const first = ledger.choose(toServer80, 50000);
    expect(first).toEqual({ vip, port: 1024 });
    ledger.take(first as NonNullable<typeof first>, toServer80, 50000);
    expect(ledger.choose(toServer80, 50001)).toEqual({ vip, port: 1025 });
    expect(ledger.choose(snatDestinationKey(6, server, 443), 50001)).toEqual({ vip, port: 1024 });
    expect(ledger.choose(snatDestinationKey(6, otherServer, 80), 50001)).toEqual({ vip, port: 1024 });
    expect([ledger.usedPorts, ledger.liveFlows, ledger.heldPorts]).toEqual([1, 1, 8]);
  });

  it('UDP: one port per destination IP whatever its port; the same socket keeps its port (cone)', () => {
    const ledger = new SnatPortLedger(policy({ protocol: 17 }));
    ledger.addRanges(ranges(1, 1024, 17), false, 0);
    const toServer = snatDestinationKey(17, server, 53);
    expect(toServer).toBe(snatDestinationKey(17, server, 5353));
    ledger.take({ vip, port: 1024 }, toServer, 40000);
    expect(ledger.choose(toServer, 40001)).toEqual({ vip, port: 1025 });
    expect(ledger.choose(toServer, 40000)).toEqual({ vip, port: 1024 });
  });

  it("tries the frontends in the policy's order, and knows when a range falls idle", () => {
    const ledger = new SnatPortLedger(policy({ frontends: [vip, vip2], portLimit: 16 }));
    ledger.addRanges([{ vip: vip2, protocol: 6, firstPort: 1024 }], false, 0);
    ledger.addRanges([{ vip, protocol: 6, firstPort: 2048 }], true, 0);
    const to = snatDestinationKey(6, server, 80);
    const choice = ledger.choose(to, 1);
    expect(choice).toEqual({ vip, port: 2048 });
    ledger.take(choice as NonNullable<typeof choice>, to, 1);
    expect(ledger.removeRange({ vip, protocol: 6, firstPort: 2048 })).toBe(false);
    const idle = ledger.release(choice as NonNullable<typeof choice>, to, 5);
    expect(idle?.preallocated).toBe(true);
    expect(idle?.idleSinceNs).toBe(5);
    expect(ledger.removeRange({ vip, protocol: 6, firstPort: 2048 })).toBe(true);
    expect(ledger.heldPorts).toBe(8);
  });
});

interface SetupOptions {
  readonly policy?: Partial<SnatPolicy>;
  readonly blocked?: boolean;
}

function setup(options: SetupOptions = {}) {
  const kernel = new Kernel({ seed: 3 });
  const tracer = new Tracer();
  const events: TraceEvent[] = [];
  tracer.subscribe({ record: (event) => events.push(event) });
  const fabric = new Fabric(kernel, tracer);
  const router = fabric.add(new Router());
  const agent = fabric.add(
    new HostAgent(fabric, { name: 'host-a', uplink: 'router', mssClampBytes: 1440, virtualNetwork }),
  );
  const nics = [{ name: 'app-1-nic0', address: dip }];
  const vm = fabric.add(
    new GuestVm(fabric, {
      name: 'app-1',
      hostAgent: 'host-a',
      nics,
      loopbacks: [],
      tcp: defaultTcpConfig,
      mtuBytes: 1500,
      reassemblyTimeoutNs: 30e9,
    }),
  );
  fabric.connect('host-a', 'router', { latencyNs: 10, mtuBytes: 1500 });
  fabric.connect('app-1', 'host-a', { latencyNs: 10, mtuBytes: 1500 });
  agent.attachVm({
    name: 'app-1',
    nics: nics.map((nic) => ({ ...nic, security: new NicSecurity(undefined, undefined, virtualNetwork) })),
  });
  const toManager: ManagerControlMessage[] = [];
  agent.attachManager((message) => toManager.push(message));
  agent.receiveControl({
    kind: 'snat-policies',
    policies: options.blocked === true ? [] : [policy(options.policy)],
    blocked:
      options.blocked === true ? [{ dip, host: 'host-a', protocol: 6, why: 'app-1 is behind an internal LB' }] : [],
    rangeReturnIdleNs: 120e9,
  });
  const grant = (granted: readonly SnatPortRange[], preallocated = false) =>
    agent.receiveControl({ kind: 'snat-grant', dip, protocol: 6, ranges: granted, preallocated, refusal: undefined });
  const connect = (remote = server, remotePort = 80, connectionId = 1) =>
    vm.endpoint.connect({ localAddress: dip, remoteAddress: remote, remotePort, connectionId, handlers: {} });
  /** A packet from the Internet to the SNAT address, as a Mux tunnels it to the DIP. */
  const returnFromMux = (inner: Ipv4Packet) =>
    fabric.transmit('router', 'host-a', encapsulateIpIp(inner, mux, dip, 1), tracer.newMeta(1, kernel.nowNs));
  /** Answers every SYN that left so far with a SYN-ACK from its destination. */
  const answerSyns = () => {
    for (const packet of router.received) {
      const syn = packet.payload;
      if (syn.kind !== 'tcp' || syn.flags !== TcpFlags.Syn) continue;
      returnFromMux(
        makeIpv4Packet(
          { src: packet.dst, dst: packet.src },
          makeTcpSegment({
            srcPort: syn.dstPort,
            dstPort: syn.srcPort,
            seq: 9000,
            ack: (syn.seq + 1) >>> 0,
            flags: TcpFlags.Syn | TcpFlags.Ack,
            mss: 1460,
          }),
        ),
      );
    }
  };
  const drops = () => events.filter((e) => e.kind === 'drop').map((e) => [e.node, e.reason]);
  const sent = () => router.received.map((p) => (p.payload.kind === 'tcp' ? `${p.src}:${p.payload.srcPort}` : ''));
  return { kernel, events, router, agent, vm, toManager, grant, connect, returnFromMux, answerSyns, drops, sent };
}

const at = (address: number, port: number) => `${address}:${port}`;

describe('outbound SNAT at the Host Agent', () => {
  it('holds the first packet and asks the manager; the grant lets it leave SNATed, MSS clamped', () => {
    const { kernel, router, toManager, grant, connect } = setup();
    connect();
    kernel.runUntil(1e6);
    expect(router.received).toEqual([]);
    expect(toManager).toEqual([{ kind: 'snat-request', host: 'host-a', dip, protocol: 6 }]);
    grant(ranges(1));
    kernel.runUntil(2e6);
    const syn = router.received[0];
    expect([syn?.src, syn?.payload.kind === 'tcp' ? syn.payload.srcPort : 0]).toEqual([vip, 1024]);
    expect(syn?.payload.kind === 'tcp' ? syn.payload.mss : 0).toBe(1440);
  });

  it('asks once while a request is outstanding; packets waiting share the grant', () => {
    const { kernel, toManager, grant, connect, sent } = setup();
    connect(server, 80, 1);
    connect(server, 80, 2);
    connect(otherServer, 80, 3);
    kernel.runUntil(1e6);
    expect(toManager).toHaveLength(1);
    grant(ranges(1));
    kernel.runUntil(2e6);
    // Two flows to one destination need two ports; another destination reuses the first.
    expect(sent()).toEqual([at(vip, 1024), at(vip, 1025), at(vip, 1024)]);
  });

  it('drops a new flow when every allowed port carries a flow to its destination, without asking', () => {
    const { kernel, toManager, grant, connect, drops, events, agent } = setup({ policy: { portLimit: 8 } });
    grant(ranges(1), true);
    for (let i = 0; i < 9; i++) connect(server, 80, i + 1);
    kernel.runUntil(1e6);
    expect(toManager).toEqual([]);
    expect(drops()).toEqual([['host-a', 'snat-ports-exhausted']]);
    expect(events.find((e) => e.kind === 'drop')?.note).toMatch(
      /^no SNAT port free for TCP 10\.1\.0\.4:\d+ → 203\.0\.113\.50:80: all 8 TCP ports app-1 may hold \(egress\/out\) carry a flow to 203\.0\.113\.50:80 — in use, or held 240 s after FIN \/ 15 s after RST$/,
    );
    const usage = agent.snat.usages()[0];
    expect(usage).toMatchObject({ flows: 8, failedAllocations: 1, portLimit: 8 });
    expect(usage?.firstFailure?.atNs).toBe(10);
  });

  it("translates return traffic back to the DIP and the VM's port", () => {
    const { kernel, events, grant, connect, returnFromMux } = setup();
    grant(ranges(1), true);
    const connection = connect();
    kernel.runUntil(1e6);
    returnFromMux(
      makeIpv4Packet(
        { src: server, dst: vip },
        makeTcpSegment({ srcPort: 80, dstPort: 1024, seq: 5000, ack: 0, flags: TcpFlags.Rst | TcpFlags.Ack }),
      ),
    );
    kernel.runUntil(2e6);
    const atGuest = events.find((e) => e.node === 'app-1' && e.kind === 'receive')?.packet;
    expect([atGuest?.dst, atGuest?.payload.kind === 'tcp' ? atGuest.payload.dstPort : 0]).toEqual([
      dip,
      connection?.localPort,
    ]);
  });

  it('return traffic for a port no flow to that remote uses is dropped (snat-no-flow)', () => {
    const { kernel, grant, returnFromMux, drops } = setup();
    grant(ranges(1), true);
    kernel.runUntil(1e6);
    returnFromMux(makeIpv4Packet({ src: server, dst: vip }, makeUdpDatagram({ srcPort: 80, dstPort: 1030 })));
    returnFromMux(
      makeIpv4Packet(
        { src: server, dst: vip },
        makeTcpSegment({ srcPort: 80, dstPort: 1030, seq: 1, flags: TcpFlags.Ack }),
      ),
    );
    kernel.runUntil(2e6);
    expect(drops()).toEqual([
      ['host-a', 'no-nat-rule'],
      ['host-a', 'snat-no-flow'],
    ]);
  });

  it('releases a port 15 s after an RST and 240 s after a FIN', () => {
    const { kernel, grant, connect, answerSyns, agent } = setup({ policy: { portLimit: 8 } });
    grant(ranges(1), true);
    const reset = connect(server, 80, 1);
    const closed = connect(server, 80, 2);
    kernel.runUntil(1e6);
    answerSyns();
    kernel.runUntil(2e6);
    expect([reset?.state, closed?.state]).toEqual(['ESTABLISHED', 'ESTABLISHED']);
    reset?.abort();
    // Nobody answers, so the FIN is retransmitted; the port is held from the first FIN on.
    closed?.close();
    const used = () => agent.snat.holdings()[0]?.destinationsByPort.size;
    kernel.runUntil(15e9);
    expect(used()).toBe(2);
    kernel.runUntil(16e9);
    expect(used()).toBe(1);
    kernel.runUntil(240e9);
    expect(used()).toBe(1);
    kernel.runUntil(241e9);
    expect(used()).toBe(0);
  });

  it('releases an idle flow at its idle timeout; with enableTcpReset an established one gets RSTs both ways', () => {
    const { kernel, grant, connect, answerSyns, events, agent } = setup({ policy: { enableTcpReset: true } });
    grant(ranges(1), true);
    const connection = connect();
    kernel.runUntil(1e6);
    answerSyns();
    kernel.runUntil(2e6);
    expect(connection?.state).toBe('ESTABLISHED');
    kernel.runUntil(245e9);
    const resets = events.filter((e) => e.kind === 'send' && e.node === 'host-a').map((e) => e.note);
    expect(resets).toEqual([
      'SNAT idle timeout (4min) with TCP reset: RST to 203.0.113.50',
      'SNAT idle timeout (4min) with TCP reset: RST to the VM',
    ]);
    expect(connection?.state).toBe('CLOSED');
    expect(agent.snat.liveFlows()).toEqual([]);
  });

  it('gives a requested range back after it has been idle for the return time; preallocated ones stay', () => {
    const { kernel, grant, toManager } = setup();
    grant(ranges(1, 2048), true);
    kernel.runUntil(1e6);
    grant(ranges(1));
    kernel.runUntil(121e9);
    expect(toManager).toEqual([{ kind: 'snat-release', dip, ranges: [{ vip, protocol: 6, firstPort: 1024 }] }]);
  });

  it('a NIC behind a load balancer that gives it no SNAT has no outbound connectivity', () => {
    const { kernel, connect, drops, events } = setup({ blocked: true });
    connect();
    kernel.runUntil(1e6);
    expect(drops()).toEqual([['host-a', 'no-outbound-connectivity']]);
    expect(events.find((e) => e.kind === 'drop')?.note).toMatch(/: app-1 is behind an internal LB$/);
  });

  it('destinations inside the virtual network, and 168.63.129.16, are not SNATed', () => {
    const { kernel, connect, router, toManager } = setup();
    connect(ipv4('10.1.0.9'), 80, 1);
    connect(ipv4('168.63.129.16'), 80, 2);
    kernel.runUntil(1e6);
    expect(router.received.map((packet) => packet.src)).toEqual([dip, dip]);
    expect(toManager).toEqual([]);
  });

  it('drops outbound fragments that would need SNAT (snat-fragment)', () => {
    const { kernel, vm, drops } = setup({ policy: { protocol: 17 } });
    vm.endpoint.sendUdp({
      localAddress: dip,
      localPort: 40000,
      remoteAddress: server,
      remotePort: 53,
      payloadLength: 3000,
      connectionId: 1,
    });
    kernel.runUntil(1e6);
    expect(drops().map(([, reason]) => reason)).toEqual(['snat-fragment', 'snat-fragment', 'snat-fragment']);
  });
});
