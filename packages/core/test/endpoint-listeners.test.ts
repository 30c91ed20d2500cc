/**
 * Listeners and UDP sockets bound to one address or to every address: stopping one leaves the
 * other, as closing one socket does in a real stack.
 */
import { describe, expect, it } from 'vitest';
import {
  defaultTcpConfig,
  Endpoint,
  ipv4,
  Kernel,
  makeIpv4Packet,
  makeUdpDatagram,
  nsPerSecond,
  TcpEchoServer,
  Tracer,
} from '../src/index.ts';

function endpoint(): Endpoint {
  const kernel = new Kernel({ seed: 1 });
  return new Endpoint({
    name: 'vm',
    kernel,
    tracer: new Tracer(),
    random: kernel.random('endpoint:vm'),
    tcp: defaultTcpConfig,
    mtuBytes: 1500,
    reassemblyTimeoutNs: 30 * nsPerSecond,
    output: () => {},
  });
}

const nic = ipv4('10.1.0.4');
const vip = ipv4('52.0.0.1');

describe('endpoint listeners', () => {
  it('stopping the listener bound to every address keeps one bound to the frontend IP, and back', () => {
    const stack = endpoint();
    stack.listen(80, undefined, new TcpEchoServer());
    stack.listen(80, vip, new TcpEchoServer());
    stack.stopListening(80);
    expect([stack.isListening(80, nic), stack.isListening(80, vip)]).toEqual([false, true]);
    stack.listen(80, undefined, new TcpEchoServer());
    stack.stopListening(80, vip);
    expect([stack.isListening(80, nic), stack.isListening(80, vip)]).toEqual([true, true]);
    stack.stopListening(80);
    expect(stack.isListeningOnPort(80)).toBe(false);
  });

  it('unbinding the UDP socket bound to every address leaves the one bound to the frontend IP', () => {
    const stack = endpoint();
    const got: string[] = [];
    stack.bindUdp(53, undefined, { onDatagram: () => got.push('any') });
    stack.bindUdp(53, vip, { onDatagram: () => got.push('vip') });
    stack.unbindUdp(53, undefined);
    const datagram = (dst: number) =>
      makeIpv4Packet(
        { src: ipv4('203.0.113.7'), dst },
        makeUdpDatagram({ srcPort: 5000, dstPort: 53, payloadLength: 8 }),
      );
    stack.receive(datagram(vip), { packetId: 1, connectionId: 0, createdAtNs: 0 });
    stack.receive(datagram(nic), { packetId: 2, connectionId: 0, createdAtNs: 0 });
    expect(got).toEqual(['vip']);
  });
});
