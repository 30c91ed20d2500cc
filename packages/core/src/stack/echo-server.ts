/**
 * Echo servers: TCP echoes every byte back (RFC 862) and closes when the client does; UDP
 * answers each datagram with one of the same size.
 */
import type { Ipv4Address } from '../net/ipv4-address.ts';
import type { UdpDatagram } from '../net/packet.ts';
import type { PacketMeta } from '../sim/packet-meta.ts';
import type { Endpoint, TcpListener, UdpHandler } from './endpoint.ts';
import type { TcpConnection } from './tcp-connection.ts';
import type { TcpConnectionHandlers } from './tcp-state.ts';

/**
 * An echo connection's handlers: they keep no state of their own (the connection is their
 * argument), so every connection shares this one object.
 */
const echoHandlers: TcpConnectionHandlers<TcpConnection> = {
  onData: (connection, text, bytes) => connection.write(text, bytes),
  onPeerClose: (connection) => connection.close(),
};

/** A TCP echo listener. */
export class TcpEchoServer implements TcpListener {
  accept(_connection: TcpConnection): TcpConnectionHandlers<TcpConnection> {
    return echoHandlers;
  }
}

/** A UDP echo socket on `port`. */
export class UdpEchoServer implements UdpHandler {
  constructor(
    private readonly endpoint: Endpoint,
    private readonly port: number,
  ) {}

  onDatagram(datagram: UdpDatagram, from: Ipv4Address, to: Ipv4Address, meta: PacketMeta): void {
    this.endpoint.sendUdp({
      localAddress: to,
      localPort: this.port,
      remoteAddress: from,
      remotePort: datagram.srcPort,
      payloadLength: datagram.payloadLength,
      data: datagram.data,
      connectionId: meta.connectionId,
    });
  }
}
