/**
 * The data path of docs/architecture.md#the-system-being-simulated as the trace shows it for one connection of the basic scenario:
 * client → VIP at the client; Mux → DIP encapsulated on the wire; client → DIP at the guest
 * (NAT); VIP → client on the reply, which never passes a Mux (direct server return).
 */
import { formatIpv4Address, type Ipv4Packet, ipv4, type TraceEvent } from '@lbsim/core';
import { describe, expect, it } from 'vitest';
import { loadCatalogueScenario, runWithTrace } from './support.ts';

const client = ipv4('203.0.113.7');
const vip = ipv4('52.170.10.20');
const isMux = (node: string) => node.startsWith('mux-');
const tcpPorts = (packet: Ipv4Packet) =>
  packet.payload.kind === 'tcp' ? [packet.payload.srcPort, packet.payload.dstPort] : [];

describe('basic-public-lb: one connection end to end', () => {
  const { result, events } = runWithTrace(loadCatalogueScenario('basic-public-lb'));
  const connection = result.connections[6];
  const trace = events.filter((event: TraceEvent) => event.meta.connectionId === connection?.id);
  const dip = ipv4(connection?.dips[0] ?? '0.0.0.0');

  it('completed through one DIP', () => {
    expect(connection?.outcome).toBe('completed');
    expect(connection?.dips).toHaveLength(1);
  });

  it('at the client, the request goes from the client to the VIP', () => {
    const sent = trace.find((e) => e.node === 'client-1' && e.kind === 'send');
    expect([sent?.packet.src, sent?.packet.dst]).toEqual([client, vip]);
  });

  it('on the wire after the Mux, the packet is IP-in-IP from the Mux to the DIP with the client → VIP packet inside', () => {
    const encapsulated = trace.filter((e) => e.kind === 'encapsulate');
    expect(encapsulated.length).toBeGreaterThan(0);
    for (const event of encapsulated) {
      expect(isMux(event.node)).toBe(true);
      expect(formatIpv4Address(event.packet.src)).toMatch(/^100\.127\.0\.\d+$/);
      expect(event.packet.dst).toBe(dip);
      const inner = event.packet.payload as Ipv4Packet;
      expect([inner.kind, inner.src, inner.dst]).toEqual(['ipv4', client, vip]);
    }
  });

  it('at the guest, the request arrives from the client to the DIP (NAT)', () => {
    const guest = result.dipNames.get(formatIpv4Address(dip));
    const arrived = trace.filter((e) => e.node === guest && e.kind === 'receive');
    expect(arrived.length).toBeGreaterThan(0);
    for (const event of arrived)
      expect([event.packet.src, event.packet.dst, tcpPorts(event.packet)[1]]).toEqual([client, dip, 80]);
  });

  it('the reply goes from the VIP to the client and never passes a Mux', () => {
    const replies = trace.filter(
      (e) => e.packet.src === vip || (e.packet.payload.kind === 'ipv4' && e.packet.payload.src === vip),
    );
    expect(replies.some((e) => e.node === 'client-1' && e.kind === 'receive')).toBe(true);
    for (const event of replies) {
      expect(isMux(event.node)).toBe(false);
      expect(event.packet.dst).toBe(client);
      expect(tcpPorts(event.packet)[0]).toBe(80);
    }
  });
});
