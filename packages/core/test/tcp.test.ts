import { describe, expect, it } from 'vitest';
import {
  defaultTcpConfig,
  type ExchangeResult,
  Fabric,
  FragmentBuffer,
  FtpServer,
  fragmentPacket,
  HttpServer,
  InternetHost,
  type Ipv4Packet,
  icmpQuoteOf,
  ipv4,
  ipv4TotalLength,
  Kernel,
  makeIpv4Packet,
  makeUdpDatagram,
  type NetworkNode,
  nsPerSecond,
  type PacketMeta,
  parsePassiveReply,
  startFtpExchange,
  startTcpExchange,
  startUdpExchange,
  type TcpConfig,
  TcpEchoServer,
  TcpFlags,
  type TraceEvent,
  Tracer,
  UdpEchoServer,
} from '../src/index.ts';

/** A two-ended wire that forwards everything except what `drop` says to lose. */
class Wire implements NetworkNode {
  readonly name = 'wire';
  drop: (packet: Ipv4Packet) => boolean = () => false;
  constructor(private readonly fabric: Fabric) {}
  receive(packet: Ipv4Packet, meta: PacketMeta, from: string): void {
    if (this.drop(packet)) {
      this.fabric.tracer.emit(this.fabric.kernel.nowNs, this.name, 'drop', packet, meta, 'test loss', 'no-route');
      return;
    }
    this.fabric.transmit(this.name, from === 'client' ? 'server' : 'client', packet, meta);
  }
}

const clientAddress = ipv4('203.0.113.7');
const serverAddress = ipv4('10.1.0.4');

function setup(tcp: Partial<TcpConfig> = {}, serverTcp: Partial<TcpConfig> = tcp) {
  const kernel = new Kernel({ seed: 5 });
  const tracer = new Tracer();
  const events: TraceEvent[] = [];
  tracer.subscribe({ record: (event) => events.push(event) });
  const fabric = new Fabric(kernel, tracer);
  const wire = fabric.add(new Wire(fabric));
  const common = { uplink: 'wire', mtuBytes: 1500, reassemblyTimeoutNs: 30 * nsPerSecond };
  const client = fabric.add(
    new InternetHost(fabric, {
      ...common,
      name: 'client',
      address: clientAddress,
      tcp: { ...defaultTcpConfig, ...tcp },
    }),
  );
  const server = fabric.add(
    new InternetHost(fabric, {
      ...common,
      name: 'server',
      address: serverAddress,
      tcp: { ...defaultTcpConfig, ...serverTcp },
    }),
  );
  fabric.connect('client', 'wire', { latencyNs: 1_000_000, mtuBytes: 1500 });
  fabric.connect('server', 'wire', { latencyNs: 1_000_000, mtuBytes: 1500 });
  const results: ExchangeResult[] = [];
  const sent = (node: string) => events.filter((e) => e.kind === 'send' && e.node === node);
  return { kernel, events, wire, client, server, results, sent };
}

function tcpOf(packet: Ipv4Packet) {
  if (packet.payload.kind !== 'tcp') throw new Error('not TCP');
  return packet.payload;
}

describe('TCP', () => {
  it('completes an HTTP exchange: handshake, request, response, close, TIME-WAIT', () => {
    const { kernel, client, server, results, sent } = setup({ timestamps: true });
    const http = new HttpServer(kernel, { routes: new Map(), fallback: { status: 200, bodyBytes: 3000, delayNs: 0 } });
    server.endpoint.listen(80, undefined, http);
    startTcpExchange({
      endpoint: client.endpoint,
      localAddress: clientAddress,
      remoteAddress: serverAddress,
      remotePort: 80,
      connectionId: 1,
      request: { kind: 'http', path: '/', host: 'x' },
      onResult: (r) => results.push(r),
    });
    kernel.runUntil(nsPerSecond);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ outcome: 'completed', httpStatus: 200 });
    expect(http.answered.get(200)).toBe(1);
    const serverSegments = sent('server').map((e) => tcpOf(e.packet));
    // SYN-ACK, then the 41-byte header and 3000-byte body in MSS-sized segments: 1460 less
    // the 12 bytes of the timestamps option.
    expect(serverSegments[0]?.flags).toBe(TcpFlags.Syn | TcpFlags.Ack);
    expect(serverSegments.filter((s) => s.payloadLength > 0).map((s) => s.payloadLength)).toEqual([1448, 1448, 145]);
    // The client closed first, so it holds TIME-WAIT for 60 s; the server is gone at once.
    expect(client.endpoint.openConnections().map((c) => c.state)).toEqual(['TIME-WAIT']);
    expect(server.endpoint.openConnections()).toHaveLength(0);
    kernel.runUntil(62 * nsPerSecond);
    expect(client.endpoint.openConnections()).toHaveLength(0);
  });

  it('is refused with RST when nothing listens, and the server says why', () => {
    const { kernel, client, results, events } = setup();
    startTcpExchange({
      endpoint: client.endpoint,
      localAddress: clientAddress,
      remoteAddress: serverAddress,
      remotePort: 443,
      connectionId: 1,
      request: { kind: 'echo', bytes: 10 },
      onResult: (r) => results.push(r),
    });
    kernel.runUntil(nsPerSecond);
    expect(results.map((r) => [r.outcome, r.endedAtNs])).toEqual([['refused', 4_000_000]]);
    expect(events.find((e) => e.kind === 'drop')).toMatchObject({ node: 'server', reason: 'no-listener' });
  });

  it('retransmits an unanswered SYN at 1, 3 and 7 s and times out at 15 s', () => {
    const { kernel, client, wire, results, sent } = setup();
    wire.drop = () => true;
    startTcpExchange({
      endpoint: client.endpoint,
      localAddress: clientAddress,
      remoteAddress: serverAddress,
      remotePort: 80,
      connectionId: 1,
      request: { kind: 'echo', bytes: 10 },
      onResult: (r) => results.push(r),
    });
    kernel.runUntil(60 * nsPerSecond);
    expect(sent('client').map((e) => e.atNs / nsPerSecond)).toEqual([0, 1, 3, 7]);
    expect(results.map((r) => [r.outcome, r.endedAtNs / nsPerSecond])).toEqual([['timed-out', 15]]);
  });

  it('recovers a lost data segment by retransmission', () => {
    const { kernel, client, server, wire, results } = setup();
    server.endpoint.listen(7, undefined, new TcpEchoServer());
    let lost = 0;
    wire.drop = (packet) => {
      const segment = tcpOf(packet);
      if (segment.payloadLength > 0 && lost === 0) {
        lost++;
        return true;
      }
      return false;
    };
    startTcpExchange({
      endpoint: client.endpoint,
      localAddress: clientAddress,
      remoteAddress: serverAddress,
      remotePort: 7,
      connectionId: 1,
      request: { kind: 'echo', bytes: 100 },
      onResult: (r) => results.push(r),
    });
    kernel.runUntil(5 * nsPerSecond);
    expect(lost).toBe(1);
    expect(results[0]?.outcome).toBe('completed');
    // One RTO (1 s) after the handshake the request went again.
    expect((results[0]?.endedAtNs ?? 0) / nsPerSecond).toBeGreaterThan(1);
  });

  it('reports a reset when the server aborts an established connection', () => {
    const { kernel, client, server, results } = setup();
    server.endpoint.listen(80, undefined, { accept: () => ({ onData: (connection) => connection.abort() }) });
    startTcpExchange({
      endpoint: client.endpoint,
      localAddress: clientAddress,
      remoteAddress: serverAddress,
      remotePort: 80,
      connectionId: 1,
      request: { kind: 'http', path: '/', host: 'x' },
      onResult: (r) => results.push(r),
    });
    kernel.runUntil(nsPerSecond);
    expect(results[0]?.outcome).toBe('reset');
  });

  it('ephemeral ports: every free one is found, and an exhausted range fails at once until one frees', () => {
    // Arrange: a range of four ports, one taken by a UDP socket, three by open connections.
    const { kernel, client } = setup({ ephemeralPortMin: 40000, ephemeralPortMax: 40003 });
    const endpoint = client.endpoint;
    endpoint.bindUdp(40002, undefined, { onDatagram: () => {} });
    const open = () =>
      endpoint.connect({
        localAddress: clientAddress,
        remoteAddress: serverAddress,
        remotePort: 80,
        connectionId: 1,
        handlers: {},
      });
    const ports = [open(), open(), open()].map((c) => c?.localPort);
    // Act / Assert
    expect([...ports].sort()).toEqual([40000, 40001, 40003]);
    expect(open()).toBeUndefined();
    endpoint.unbindUdp(40002, undefined);
    expect(open()?.localPort).toBe(40002);
    expect(open()).toBeUndefined();
    kernel.runUntil(kernel.nowNs);
  });

  it('uses timestamps only when both sides offer them (RFC 7323)', () => {
    const both = setup({ timestamps: true });
    both.server.endpoint.listen(7, undefined, new TcpEchoServer());
    const onResult = () => {};
    startTcpExchange({
      endpoint: both.client.endpoint,
      localAddress: clientAddress,
      remoteAddress: serverAddress,
      remotePort: 7,
      connectionId: 1,
      request: { kind: 'echo', bytes: 5 },
      onResult,
    });
    both.kernel.runUntil(nsPerSecond);
    expect(both.sent('server').every((e) => tcpOf(e.packet).timestamp !== undefined)).toBe(true);

    const one = setup({ timestamps: true }, { timestamps: false });
    one.server.endpoint.listen(7, undefined, new TcpEchoServer());
    startTcpExchange({
      endpoint: one.client.endpoint,
      localAddress: clientAddress,
      remoteAddress: serverAddress,
      remotePort: 7,
      connectionId: 1,
      request: { kind: 'echo', bytes: 5 },
      onResult,
    });
    one.kernel.runUntil(nsPerSecond);
    const clientSegments = one.sent('client').map((e) => tcpOf(e.packet));
    expect(clientSegments[0]?.timestamp).toBeDefined();
    expect(clientSegments.slice(1).every((s) => s.timestamp === undefined)).toBe(true);
    expect(one.sent('server').every((e) => tcpOf(e.packet).timestamp === undefined)).toBe(true);
  });
});

describe('UDP', () => {
  it('an echo answers; a closed port answers ICMP port unreachable and the client gives up at once', () => {
    const { kernel, client, server, results, events } = setup();
    server.endpoint.bindUdp(5000, undefined, new UdpEchoServer(server.endpoint, 5000));
    const common = {
      endpoint: client.endpoint,
      localAddress: clientAddress,
      remoteAddress: serverAddress,
      payloadBytes: 100,
      timeoutNs: 2 * nsPerSecond,
      onResult: (r: ExchangeResult) => results.push(r),
    };
    startUdpExchange({ ...common, remotePort: 5000, connectionId: 1 });
    startUdpExchange({ ...common, remotePort: 5001, connectionId: 2 });
    kernel.runUntil(5 * nsPerSecond);
    expect(results.map((r) => [r.outcome, r.endedAtNs])).toEqual([
      ['answered', 4_000_000],
      ['lost', 4_000_000],
    ]);
    expect(events.filter((e) => e.kind === 'drop').map((e) => e.reason)).toEqual(['no-listener']);
  });

  it('100,000 exchanges one after another from one address all get a port: each releases its own', () => {
    // Each exchange binds its ephemeral port on the client's address; releasing it without that
    // address once left the socket bound, and after the 16,384 ports of the range every further
    // exchange ended no-port.
    const { kernel, client, server } = setup();
    server.endpoint.bindUdp(5000, undefined, new UdpEchoServer(server.endpoint, 5000));
    const outcomes = new Map<string, number>();
    const total = 100_000;
    let started = 0;
    const next = (): void => {
      if (started === total) return;
      started++;
      startUdpExchange({
        endpoint: client.endpoint,
        localAddress: clientAddress,
        remoteAddress: serverAddress,
        remotePort: 5000,
        connectionId: started,
        payloadBytes: 10,
        timeoutNs: nsPerSecond,
        onResult: (r) => {
          outcomes.set(r.outcome, (outcomes.get(r.outcome) ?? 0) + 1);
          kernel.after(1_000, next);
        },
      });
    };
    next();
    kernel.runUntil(total * 10_000_000);
    expect(Object.fromEntries(outcomes)).toEqual({ answered: total });
  });

  it('a 3000-byte datagram is fragmented by the sender and reassembled by the receiver', () => {
    const { kernel, client, server, results, sent } = setup();
    server.endpoint.bindUdp(5000, undefined, new UdpEchoServer(server.endpoint, 5000));
    startUdpExchange({
      endpoint: client.endpoint,
      localAddress: clientAddress,
      remoteAddress: serverAddress,
      remotePort: 5000,
      connectionId: 1,
      payloadBytes: 3000,
      timeoutNs: nsPerSecond,
      onResult: (r) => results.push(r),
    });
    kernel.runUntil(2 * nsPerSecond);
    expect(
      sent('client')
        .filter((e) => e.packet.payload.kind === 'fragment')
        .map((e) => [e.packet.fragmentOffsetBytes, e.packet.moreFragments]),
    ).toEqual([
      [0, true],
      [1480, true],
      [2960, false],
    ]);
    expect(results[0]?.outcome).toBe('answered');
  });

  it('a datagram whose other fragments never come is dropped at the reassembly timeout', () => {
    const { kernel, client, server, wire, results, events } = setup();
    server.endpoint.bindUdp(5000, undefined, new UdpEchoServer(server.endpoint, 5000));
    wire.drop = (packet) => packet.fragmentOffsetBytes === 1480;
    startUdpExchange({
      endpoint: client.endpoint,
      localAddress: clientAddress,
      remoteAddress: serverAddress,
      remotePort: 5000,
      connectionId: 1,
      payloadBytes: 3000,
      timeoutNs: nsPerSecond,
      onResult: (r) => results.push(r),
    });
    kernel.runUntil(40 * nsPerSecond);
    expect(results[0]?.outcome).toBe('lost');
    const reasons = events.filter((e) => e.kind === 'drop').map((e) => [e.node, e.reason]);
    expect(reasons).toEqual([
      ['wire', 'no-route'],
      ['server', 'reassembly-timeout'],
      ['server', 'reassembly-timeout'],
    ]);
  });
});

describe('TCP keepalives', () => {
  it('probe an idle connection every interval; the peer answers each probe', () => {
    const { kernel, client, server, sent } = setup();
    server.endpoint.listen(7, undefined, new TcpEchoServer());
    const connection = client.endpoint.connect({
      localAddress: clientAddress,
      remoteAddress: serverAddress,
      remotePort: 7,
      connectionId: 1,
      handlers: {},
    });
    kernel.runUntil(nsPerSecond);
    connection?.setKeepalive(10 * nsPerSecond);
    kernel.runUntil(35 * nsPerSecond);
    const probes = sent('client').filter((e) => e.note.startsWith('keepalive probe'));
    expect(probes.map((e) => Math.round(e.atNs / nsPerSecond))).toEqual([10, 20, 30]);
    expect(sent('server').filter((e) => e.atNs > nsPerSecond)).toHaveLength(3);
    expect(connection?.state).toBe('ESTABLISHED');
  });

  it('abort the connection after 9 unanswered probes', () => {
    const { kernel, client, server, wire } = setup();
    server.endpoint.listen(7, undefined, new TcpEchoServer());
    const closed: string[] = [];
    const connection = client.endpoint.connect({
      localAddress: clientAddress,
      remoteAddress: serverAddress,
      remotePort: 7,
      connectionId: 1,
      handlers: { onClose: (_c, reason) => closed.push(reason) },
    });
    kernel.runUntil(nsPerSecond);
    connection?.setKeepalive(10 * nsPerSecond);
    wire.drop = () => true;
    kernel.runUntil(200 * nsPerSecond);
    expect(closed).toEqual(['timed-out']);
  });
});

describe('FTP (passive mode)', () => {
  it('parses a PASV reply', () => {
    expect(parsePassiveReply('227 Entering Passive Mode (52,170,20,10,195,80)')).toEqual({
      address: ipv4('52.170.20.10'),
      port: 50000,
    });
    expect(parsePassiveReply('227 nonsense')).toBeUndefined();
  });

  it('downloads a file over a second connection to the port PASV gave', () => {
    const { kernel, client, server, results, sent } = setup();
    server.endpoint.listen(
      21,
      undefined,
      new FtpServer(server.endpoint, kernel, {
        passiveAddress: serverAddress,
        passivePortMin: 50000,
        passivePortMax: 50001,
        fileBytes: 5000,
        acceptTimeoutNs: 60 * nsPerSecond,
      }),
    );
    startFtpExchange({
      endpoint: client.endpoint,
      localAddress: clientAddress,
      remoteAddress: serverAddress,
      remotePort: 21,
      connectionId: 1,
      file: '/a',
      onResult: (r) => results.push(r),
    });
    kernel.runUntil(5 * nsPerSecond);
    expect(results.map((r) => r.outcome)).toEqual(['completed']);
    const dataBytes = sent('server')
      .map((e) => tcpOf(e.packet))
      .filter((s) => s.srcPort === 50000)
      .reduce((sum, s) => sum + s.payloadLength, 0);
    expect(dataBytes).toBe(5000);
    expect(server.endpoint.isListeningOnPort(50000)).toBe(false);
  });

  it('a data connection that never reaches the server ends the session: 425 after the accept timeout', () => {
    const { kernel, client, server, results, events } = setup();
    // The server advertises an address that is not its own, so the data connection goes nowhere.
    server.endpoint.listen(
      21,
      undefined,
      new FtpServer(server.endpoint, kernel, {
        passiveAddress: ipv4('10.1.0.99'),
        passivePortMin: 50000,
        passivePortMax: 50000,
        fileBytes: 10,
        acceptTimeoutNs: nsPerSecond,
      }),
    );
    startFtpExchange({
      endpoint: client.endpoint,
      localAddress: clientAddress,
      remoteAddress: serverAddress,
      remotePort: 21,
      connectionId: 1,
      file: '/a',
      onResult: (r) => results.push(r),
    });
    kernel.runUntil(30 * nsPerSecond);
    expect(results.map((r) => [r.outcome, r.endedAtNs > nsPerSecond])).toEqual([['incomplete', true]]);
    expect(
      events.some(
        (e) =>
          e.kind === 'deliver' &&
          e.node === 'client' &&
          e.packet.payload.kind === 'tcp' &&
          e.packet.payload.data.startsWith('425'),
      ),
    ).toBe(true);
    expect(server.endpoint.isListeningOnPort(50000)).toBe(false);
  });
});

describe('path MTU discovery and fragment order', () => {
  it('an ICMP fragmentation needed for a connection shrinks its segments and resends them', () => {
    const { kernel, client, server, wire, results, events } = setup();
    server.endpoint.listen(7, undefined, new TcpEchoServer());
    // The wire loses anything over 1300 bytes and tells the sender, as a router would.
    wire.drop = (packet) => {
      if (ipv4TotalLength(packet) <= 1300 || packet.src !== clientAddress) return false;
      const icmp = makeIpv4Packet(
        { src: ipv4('100.127.255.254'), dst: clientAddress, dontFragment: false },
        { kind: 'icmp', type: 3, code: 4, rest: 1300, quote: icmpQuoteOf(packet), payloadLength: 0 },
      );
      client.endpoint.receive(icmp, { packetId: 0, connectionId: 1, createdAtNs: kernel.nowNs });
      return true;
    };
    startTcpExchange({
      endpoint: client.endpoint,
      localAddress: clientAddress,
      remoteAddress: serverAddress,
      remotePort: 7,
      connectionId: 1,
      request: { kind: 'echo', bytes: 6000 },
      onResult: (r) => results.push(r),
    });
    kernel.runUntil(5 * nsPerSecond);
    expect(results[0]?.outcome).toBe('completed');
    const resent = events.filter((e) => e.kind === 'send' && e.node === 'client' && e.note.includes('path MTU 1300'));
    expect(resent.length).toBeGreaterThan(0);
    for (const event of resent) expect(ipv4TotalLength(event.packet)).toBeLessThanOrEqual(1300);
  });

  it('a receiver that reassembles only in order drops fragments sent last first', () => {
    const kernel = new Kernel({ seed: 5 });
    const tracer = new Tracer();
    const events: TraceEvent[] = [];
    tracer.subscribe({ record: (event) => events.push(event) });
    const fabric = new Fabric(kernel, tracer);
    fabric.add(new Wire(fabric));
    const common = { uplink: 'wire', mtuBytes: 1500, reassemblyTimeoutNs: 30 * nsPerSecond, tcp: defaultTcpConfig };
    const sender = fabric.add(
      new InternetHost(fabric, { ...common, name: 'client', address: clientAddress, sendFragmentsInReverse: true }),
    );
    fabric.add(new InternetHost(fabric, { ...common, name: 'server', address: serverAddress }));
    fabric.connect('client', 'wire', { latencyNs: 1000, mtuBytes: 1500 });
    fabric.connect('server', 'wire', { latencyNs: 1000, mtuBytes: 1500 });
    sender.endpoint.sendUdp({
      localAddress: clientAddress,
      localPort: 1,
      remoteAddress: serverAddress,
      remotePort: 9,
      payloadLength: 3000,
      connectionId: 1,
    });
    kernel.runUntil(nsPerSecond);
    // An ordinary stack reassembles them in any order; the datagram reached port 9 (nobody there).
    expect(events.some((e) => e.node === 'server' && e.reason === 'no-listener')).toBe(true);

    const strict = new FragmentBuffer(kernel, nsPerSecond, () => {}, true);
    const fragments = (
      fragmentPacket(
        makeIpv4Packet(
          { src: 1, dst: 2, dontFragment: false, id: 3 },
          makeUdpDatagram({ srcPort: 1, dstPort: 2, payloadLength: 3000 }),
        ),
        1500,
      ) ?? []
    ).reverse();
    expect(fragments.map((f) => strict.add(f, { packetId: 0, connectionId: 0, createdAtNs: 0 }).kind)).toEqual([
      'out-of-order',
      'out-of-order',
      'buffered',
    ]);
  });
});
