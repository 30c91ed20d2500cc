import {
  defaultTcpConfig,
  encapsulateIpIp,
  Fabric,
  HttpServer,
  type Ipv4Packet,
  ipv4,
  Kernel,
  makeIpv4Packet,
  makeTcpSegment,
  type NatRule,
  type NetworkNode,
  type PacketMeta,
  parseIpv4Prefix,
  startTcpExchange,
  TcpFlags,
  type TraceEvent,
  Tracer,
} from '@lbsim/core';
import { describe, expect, it } from 'vitest';
import {
  clampMss,
  GuestVm,
  type GuestVmOptions,
  HostAgent,
  NetworkSecurityGroup,
  NicSecurity,
  type SecurityRule,
} from '../src/index.ts';

/** Records what reaches it; answers nothing. */
class Router implements NetworkNode {
  readonly name = 'router';
  readonly received: Ipv4Packet[] = [];
  receive(packet: Ipv4Packet, _meta: PacketMeta): void {
    this.received.push(packet);
  }
}

const vip = ipv4('52.170.10.20');
const internalVip = ipv4('10.1.0.100');
const dip = ipv4('10.1.0.4');
const secondDip = ipv4('10.1.1.4');
const client = ipv4('203.0.113.7');
const mux = ipv4('100.127.0.1');
const virtualNetwork = [parseIpv4Prefix('10.1.0.0/16') as NonNullable<ReturnType<typeof parseIpv4Prefix>>];

const allowHttpIn: SecurityRule = {
  name: 'allow-http',
  priority: 100,
  direction: 'Inbound',
  access: 'Allow',
  protocol: 'Tcp',
  sources: [{ kind: 'any' }],
  sourcePorts: [{ first: 0, last: 65535 }],
  destinations: [{ kind: 'any' }],
  destinationPorts: [{ first: 8080, last: 8080 }],
  isDefault: false,
};

interface SetupOptions {
  readonly rule?: Partial<NatRule>;
  readonly guest?: Partial<GuestVmOptions>;
  /** NSG on the NICs; `null` for none. */
  readonly nsg?: NetworkSecurityGroup | null;
  /** Frontends of Basic load balancers (open without an NSG). */
  readonly openFrontends?: ReadonlySet<number>;
}

function setup(options: SetupOptions = {}) {
  const kernel = new Kernel({ seed: 3 });
  const tracer = new Tracer();
  const events: TraceEvent[] = [];
  tracer.subscribe({ record: (event) => events.push(event) });
  const fabric = new Fabric(kernel, tracer);
  const router = fabric.add(new Router());
  const agent = fabric.add(
    new HostAgent(fabric, {
      name: 'host-a',
      uplink: 'router',
      mssClampBytes: 1440,
      virtualNetwork,
      ...(options.openFrontends === undefined ? {} : { openFrontends: options.openFrontends }),
    }),
  );
  const nsg = options.nsg === undefined ? new NetworkSecurityGroup('web-nsg', [allowHttpIn]) : options.nsg;
  const nics = options.guest?.nics ?? [{ name: 'web-1-nic0', address: dip }];
  const vm = fabric.add(
    new GuestVm(fabric, {
      name: 'web-1',
      hostAgent: 'host-a',
      nics,
      loopbacks: [],
      tcp: defaultTcpConfig,
      mtuBytes: 1500,
      reassemblyTimeoutNs: 30e9,
      ...options.guest,
    }),
  );
  fabric.connect('host-a', 'router', { latencyNs: 10, mtuBytes: 1500 });
  fabric.connect('web-1', 'host-a', { latencyNs: 10, mtuBytes: 1500 });
  agent.attachVm({
    name: 'web-1',
    nics: nics.map((nic) => ({
      ...nic,
      security: new NicSecurity(
        undefined,
        nsg === null ? undefined : { group: nsg, scope: `NIC ${nic.name}` },
        virtualNetwork,
      ),
    })),
  });
  vm.endpoint.listen(
    8080,
    undefined,
    new HttpServer(kernel, { routes: new Map(), fallback: { status: 200, bodyBytes: 10, delayNs: 0 } }),
  );
  agent.receiveControl({
    kind: 'nat-rules',
    rules: [
      Object.assign(
        {
          name: 'lb/http',
          endpoint: { vip, protocol: 6, port: 80 },
          dip,
          backendPort: 8080,
          floatingIp: false,
          idleTimeoutNs: 240e9,
          enableTcpReset: false,
        },
        options.rule,
      ),
    ],
  });
  const deliver = (inner: Ipv4Packet, outerDst = dip) =>
    fabric.transmit('router', 'host-a', encapsulateIpIp(inner, mux, outerDst, 1), tracer.newMeta(9, kernel.nowNs));
  const drops = () => events.filter((e) => e.kind === 'drop').map((e) => [e.node, e.reason]);
  return { kernel, events, router, agent, vm, deliver, drops, nsg };
}

const synFrom = (src: number, dst = vip, srcPort = 50000) =>
  makeIpv4Packet({ src, dst }, makeTcpSegment({ srcPort, dstPort: 80, seq: 100, flags: TcpFlags.Syn, mss: 1460 }));
const syn = synFrom(client);

describe('Host Agent', () => {
  it('decapsulates, translates VIP:80 → DIP:8080 for the VM, and sends the reply from VIP:80 straight to the router', () => {
    const { kernel, events, router, deliver } = setup();
    deliver(syn);
    kernel.runUntil(1000);
    const atGuest = events.find((e) => e.node === 'web-1' && e.kind === 'receive')?.packet as Ipv4Packet;
    expect([atGuest.dst, atGuest.payload.kind === 'tcp' && atGuest.payload.dstPort]).toEqual([dip, 8080]);
    const reply = router.received[0] as Ipv4Packet;
    expect(reply.src).toBe(vip);
    expect(reply.dst).toBe(client);
    expect(reply.payload.kind === 'tcp' && [reply.payload.srcPort, reply.payload.dstPort, reply.payload.flags]).toEqual(
      [80, 50000, TcpFlags.Syn | TcpFlags.Ack],
    );
    // Both SYN and SYN-ACK had their MSS clamped to 1440.
    expect(atGuest.payload.kind === 'tcp' && atGuest.payload.mss).toBe(1440);
    expect(reply.payload.kind === 'tcp' && reply.payload.mss).toBe(1440);
  });

  it('with floating IP keeps the VIP as destination; the guest drops it without the VIP on loopback', () => {
    const { kernel, events, router, deliver } = setup({ rule: { floatingIp: true } });
    deliver(syn);
    kernel.runUntil(1000);
    const drop = events.find((e) => e.kind === 'drop');
    expect(drop).toMatchObject({ node: 'web-1', reason: 'not-local-address' });
    expect(drop?.packet.dst).toBe(vip);
    expect(drop?.note).toBe(
      'destination 52.170.10.20 is not an address of web-1 (on no NIC and no loopback; with floating IP the frontend IP must be on loopback)',
    );
    expect(router.received).toHaveLength(0);
  });

  it('with floating IP and the VIP on loopback the guest answers, from the VIP', () => {
    const { kernel, router, deliver } = setup({ rule: { floatingIp: true }, guest: { loopbacks: [vip] } });
    deliver(syn);
    kernel.runUntil(1000);
    expect(router.received[0]?.src).toBe(vip);
  });

  it('drops tunnels to a DIP it does not host, and VIP endpoints it has no rule for', () => {
    const { kernel, drops, deliver } = setup();
    deliver(syn, ipv4('10.1.0.99'));
    deliver(
      makeIpv4Packet({ src: client, dst: vip }, makeTcpSegment({ srcPort: 1, dstPort: 443, flags: TcpFlags.Syn })),
    );
    kernel.runUntil(1000);
    expect(drops()).toEqual([
      ['host-a', 'unknown-dip'],
      ['host-a', 'no-nat-rule'],
    ]);
  });
});

describe('Windows host model with floating IP', () => {
  const windows = (weakHostReceive: boolean, weakHostSend: boolean) =>
    setup({ rule: { floatingIp: true }, guest: { loopbacks: [vip], weakHostReceive, weakHostSend } });

  it('strong host receive drops a packet for the loopback VIP that arrived on the NIC', () => {
    const { kernel, deliver, drops, events } = windows(false, false);
    deliver(syn);
    kernel.runUntil(1000);
    expect(drops()).toEqual([['web-1', 'strong-host-receive']]);
    expect(events.find((e) => e.kind === 'drop')?.note).toContain('weakhostreceive enabled on web-1-nic0');
  });

  it('weak host receive without weak host send accepts the SYN but cannot send the SYN-ACK from the VIP', () => {
    const { kernel, deliver, drops, router } = windows(true, false);
    deliver(syn);
    kernel.runUntil(1000);
    expect(drops()).toEqual([['web-1', 'strong-host-send']]);
    expect(router.received).toHaveLength(0);
  });

  it('with both the guest answers from the VIP', () => {
    const { kernel, deliver, drops, router } = windows(true, true);
    deliver(syn);
    kernel.runUntil(1000);
    expect(drops()).toEqual([]);
    expect(router.received[0]?.src).toBe(vip);
  });
});

describe('floating IP and outbound flows', () => {
  it('a connection the guest opens from the loopback frontend IP has no NAT to leave by: spoofed-source', () => {
    const { kernel, vm, drops, events } = setup({ guest: { loopbacks: [vip] } });
    vm.endpoint.connect({
      localAddress: vip,
      remoteAddress: client,
      remotePort: 443,
      connectionId: 1,
      handlers: {},
    });
    kernel.runUntil(1000);
    expect(drops()).toEqual([['host-a', 'spoofed-source']]);
    expect(events.find((e) => e.kind === 'drop')?.note).toBe(
      '52.170.10.20 is not the address of web-1-nic0 (10.1.0.4) and starts no flow the Host Agent translated',
    );
  });
});

describe('a VM reaching its own frontend', () => {
  it('public frontend mapped back to the same NIC: dropped at the Host Agent (hairpin-same-nic)', () => {
    const { kernel, deliver, drops, events } = setup();
    deliver(synFrom(dip));
    kernel.runUntil(1000);
    expect(drops()).toEqual([['host-a', 'hairpin-same-nic']]);
    expect(events.find((e) => e.kind === 'drop')?.note).toBe(
      'TCP 10.1.0.4:50000 → 52.170.10.20:80 came back to web-1-nic0, the NIC that opened it: a VM cannot reach its own load-balancer frontend over the NIC in the pool (call it from another VM)',
    );
  });

  it('internal frontend mapped back to the same VM: delivered, and the guest drops it as a martian', () => {
    const { kernel, deliver, drops } = setup({ rule: { endpoint: { vip: internalVip, protocol: 6, port: 80 } } });
    deliver(synFrom(dip, internalVip));
    kernel.runUntil(1000);
    expect(drops()).toEqual([['web-1', 'martian-source']]);
  });

  it('from a second NIC of the same VM the Host Agent delivers it (no hairpin drop)', () => {
    const { kernel, deliver, drops } = setup({
      guest: {
        nics: [
          { name: 'web-1-nic0', address: dip },
          { name: 'web-1-nic1', address: secondDip },
        ],
      },
    });
    deliver(synFrom(secondDip));
    kernel.runUntil(1000);
    expect(drops().filter(([node]) => node === 'host-a')).toEqual([]);
  });
});

describe('the virtual switch on what a VM sends', () => {
  const twoNics = (routes: GuestVmOptions['routes'] = []) =>
    setup({
      rule: { dip: secondDip },
      guest: {
        nics: [
          { name: 'web-1-nic0', address: dip },
          { name: 'web-1-nic1', address: secondDip },
        ],
        routes,
      },
    });

  it('a reply from a secondary NIC that the default route sends out of the primary one is dropped (asymmetric-nic)', () => {
    const { kernel, deliver, drops, events, router } = twoNics();
    deliver(syn, secondDip);
    kernel.runUntil(1000);
    expect(drops()).toEqual([['host-a', 'asymmetric-nic']]);
    expect(events.find((e) => e.kind === 'drop')?.note).toBe(
      "10.1.1.4 → 203.0.113.7 left by web-1-nic0, but 10.1.1.4 is the address of web-1-nic1: the guest's route sent it out of the wrong NIC (route traffic from 10.1.1.4 via web-1-nic1)",
    );
    expect(router.received).toHaveLength(0);
  });

  it('a policy route for the secondary NIC fixes it', () => {
    const { kernel, deliver, drops, router } = twoNics([
      { destination: { network: 0, length: 0 }, source: { network: secondDip, length: 32 }, nic: 'web-1-nic1' },
    ]);
    deliver(syn, secondDip);
    kernel.runUntil(1000);
    expect(drops()).toEqual([]);
    expect(router.received[0]?.src).toBe(vip);
  });
});

describe('NSGs at the Host Agent', () => {
  it('a Standard public frontend is closed to a NIC without any NSG; an internal one is not', () => {
    const closed = setup({ nsg: null });
    closed.deliver(syn);
    closed.kernel.runUntil(1000);
    expect(closed.drops()).toEqual([['host-a', 'standard-lb-closed']]);

    const internal = setup({ nsg: null, rule: { endpoint: { vip: internalVip, protocol: 6, port: 80 } } });
    internal.deliver(synFrom(ipv4('10.1.2.9'), internalVip));
    internal.kernel.runUntil(1000);
    expect(internal.drops()).toEqual([]);
    expect(internal.router.received[0]?.src).toBe(internalVip);
  });

  it('a Basic public frontend is open to a NIC without any NSG (docs/mechanics.md §2.12)', () => {
    const open = setup({ nsg: null, openFrontends: new Set([vip]) });
    open.deliver(syn);
    open.kernel.runUntil(1000);
    expect(open.drops()).toEqual([]);
    expect(open.router.received[0]?.src).toBe(vip);
  });

  it('DenyAllInBound stops a client no rule allows, and the drop names the rule', () => {
    const { kernel, deliver, drops, events } = setup({ nsg: new NetworkSecurityGroup('web-nsg', []) });
    deliver(syn);
    kernel.runUntil(1000);
    expect(drops()).toEqual([['host-a', 'nsg-denied']]);
    expect(events.find((e) => e.kind === 'drop')?.note).toBe(
      'NSG web-nsg (NIC web-1-nic0): Inbound rule DenyAllInBound (priority 65500, default rule) denies TCP 203.0.113.7:50000 → 10.1.0.4:8080',
    );
  });

  it('is stateful: replies pass a deny-all outbound rule, and a rule change spares established flows', () => {
    const denyOut: SecurityRule = {
      ...allowHttpIn,
      name: 'deny-all-out',
      direction: 'Outbound',
      access: 'Deny',
      protocol: '*',
      destinationPorts: [{ first: 0, last: 65535 }],
    };
    const nsg = new NetworkSecurityGroup('web-nsg', [allowHttpIn, denyOut]);
    const { kernel, deliver, drops, router } = setup({ nsg });
    deliver(syn);
    kernel.runUntil(1000);
    expect(router.received).toHaveLength(1);
    nsg.deleteRule('allow-http');
    // The established flow's next packet still passes; a new flow from another port does not.
    deliver(
      makeIpv4Packet(
        { src: client, dst: vip },
        makeTcpSegment({ srcPort: 50000, dstPort: 80, seq: 101, ack: 0, flags: TcpFlags.Ack }),
      ),
    );
    deliver(synFrom(client, vip, 50001));
    kernel.runUntil(2000);
    expect(drops().filter(([node]) => node === 'host-a')).toEqual([['host-a', 'nsg-denied']]);
  });
});

describe('the guest', () => {
  it('a stopped VM drops everything and has lost its connections; started again it answers', () => {
    const { kernel, vm, deliver, drops, router } = setup();
    vm.stop();
    deliver(syn);
    kernel.runUntil(1000);
    expect(drops()).toEqual([['web-1', 'vm-stopped']]);
    vm.start();
    vm.endpoint.listen(
      8080,
      undefined,
      new HttpServer(kernel, { routes: new Map(), fallback: { status: 200, bodyBytes: 1, delayNs: 0 } }),
    );
    deliver(synFrom(client, vip, 50001));
    kernel.runUntil(2000);
    expect(router.received).toHaveLength(1);
  });

  it('reaches its own loopback address without the packet ever leaving the VM', () => {
    const { kernel, vm, events } = setup({ guest: { loopbacks: [vip] } });
    let outcome = '';
    startTcpExchange({
      endpoint: vm.endpoint,
      localAddress: dip,
      remoteAddress: vip,
      remotePort: 8080,
      connectionId: 1,
      request: { kind: 'http', path: '/', host: 'x' },
      onResult: (result) => {
        outcome = result.outcome;
      },
    });
    kernel.runUntil(1e9);
    expect(outcome).toBe('completed');
    expect(events.filter((e) => e.node !== 'web-1')).toEqual([]);
  });
});

describe('MSS clamp', () => {
  it('lowers only SYN MSS above the clamp', () => {
    const ack = makeIpv4Packet({ src: 1, dst: 2 }, makeTcpSegment({ srcPort: 1, dstPort: 2, flags: TcpFlags.Ack }));
    expect(clampMss(ack, 1440)).toBe(ack);
    const small = makeIpv4Packet(
      { src: 1, dst: 2 },
      makeTcpSegment({ srcPort: 1, dstPort: 2, flags: TcpFlags.Syn, mss: 1300 }),
    );
    expect(clampMss(small, 1440)).toBe(small);
    expect(clampMss(syn, 1440).payload).toMatchObject({ mss: 1440 });
  });
});
