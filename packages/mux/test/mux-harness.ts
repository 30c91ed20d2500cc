/**
 * A Mux on a router with one host behind every DIP and a client, for Mux tests.
 */
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
  type TraceEvent,
  Tracer,
  type VipMapRule,
} from '@lbsim/core';
import { Mux } from '../src/index.ts';

/** Collects what reaches it. */
export class Host implements NetworkNode {
  readonly received: Ipv4Packet[] = [];
  constructor(readonly name: string) {}
  receive(packet: Ipv4Packet, _meta: PacketMeta): void {
    this.received.push(packet);
  }
}

export const vip = ipv4('52.170.10.20');
export const dips = [ipv4('10.1.0.4'), ipv4('10.1.0.5'), ipv4('10.1.0.6')];

/** A fresh world with Mux `mux-1`; `rule(dips)` makes a TCP port-80 rule of the VIP. */
export function setup() {
  const kernel = new Kernel({ seed: 1 });
  const tracer = new Tracer();
  const events: TraceEvent[] = [];
  tracer.subscribe({ record: (event) => events.push(event) });
  const fabric = new Fabric(kernel, tracer);
  const router = fabric.add(new Router(fabric, { name: 'router', ecmpSeed: 1 }));
  const host = fabric.add(new Host('host'));
  fabric.add(new Host('client'));
  fabric.connect('host', 'router', { latencyNs: 10, mtuBytes: 1500 });
  fabric.connect('client', 'router', { latencyNs: 10, mtuBytes: 1500 });
  for (const dip of dips) router.addHostRoute(dip, 'host');
  const mux = fabric.add(
    new Mux(fabric, {
      name: 'mux-1',
      address: ipv4('100.127.0.1'),
      router,
      hashSeed: 42,
      backendSelection: 'maglev',
      maglevTableSize: 251,
    }),
  );
  fabric.connect('mux-1', 'router', { latencyNs: 10, mtuBytes: 1500 });
  const rule = (ruleDips: readonly number[]): VipMapRule => ({
    name: 'lb/http',
    endpoint: { vip, protocol: 6, port: 80 },
    distribution: 'Default',
    dips: ruleDips.map((dip) => ({ dip, weight: 1, adminState: 'None' as const })),
    idleTimeoutNs: 240e9,
    probe: undefined,
    noHealthyBackends: 'AllProbedDown',
  });
  const send = (packet: Ipv4Packet) => fabric.transmit('client', 'router', packet, tracer.newMeta(0, kernel.nowNs));
  return { kernel, events, fabric, host, mux, router, rule, send };
}

/** A TCP segment from 203.0.113.7:`srcPort` to the VIP's port 80. */
export const segment = (srcPort: number, flags: number) =>
  makeIpv4Packet({ src: ipv4('203.0.113.7'), dst: vip }, makeTcpSegment({ srcPort, dstPort: 80, flags }));
