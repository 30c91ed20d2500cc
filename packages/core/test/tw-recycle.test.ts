/**
 * Linux `tcp_tw_recycle` (docs/mechanics.md §3): per peer address, the timestamp remembered at
 * TIME-WAIT makes later SYNs from that address with an older timestamp vanish for 60 s — which
 * is what two senders behind one address (two Host Agents probing from 168.63.129.16) with their
 * own timestamp clocks run into.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultTcpConfig,
  Endpoint,
  type ExchangeResult,
  Fabric,
  type Ipv4Packet,
  ipv4,
  Kernel,
  type NetworkNode,
  nsPerSecond,
  type PacketMeta,
  startTcpExchange,
  type TcpConfig,
  type TcpListener,
  TimeWaitPeerTimestamps,
  type TraceEvent,
  Tracer,
  tcpPawsMslNs,
} from '../src/index.ts';
import { propertyTimeoutMs } from '../src/testing/index.ts';

const probeSource = ipv4('168.63.129.16');
const guestAddress = ipv4('10.1.0.4');

describe('TimeWaitPeerTimestamps', () => {
  it('rejects a SYN more than one tick behind the remembered timestamp, for 60 s only', () => {
    const memory = new TimeWaitPeerTimestamps();
    memory.remember(probeSource, 1000, 0);
    expect(memory.check(probeSource, 998, 1).kind).toBe('reject');
    expect(memory.check(probeSource, 999, 1).kind).toBe('accept');
    expect(memory.check(probeSource, 1000, 1).kind).toBe('accept');
    expect(memory.check(probeSource, 5000, 1).kind).toBe('accept');
    expect(memory.check(ipv4('168.63.129.17'), 1, 1).kind).toBe('accept');
    expect(memory.check(probeSource, 1, tcpPawsMslNs - 1).kind).toBe('reject');
    expect(memory.check(probeSource, 1, tcpPawsMslNs).kind).toBe('accept');
  });

  it('compares timestamps in 32-bit serial arithmetic, across the wrap', () => {
    const memory = new TimeWaitPeerTimestamps();
    memory.remember(probeSource, 5, 0);
    expect(memory.check(probeSource, 0xfffffff0, 1).kind).toBe('reject');
    memory.remember(probeSource, 0xfffffff0, 2);
    expect(memory.recall(probeSource)?.timestamp).toBe(5);
  });

  it('keeps the newer of two timestamps unless the remembered one has expired', () => {
    const memory = new TimeWaitPeerTimestamps();
    memory.remember(probeSource, 1000, 0);
    memory.remember(probeSource, 500, 1);
    expect(memory.recall(probeSource)?.timestamp).toBe(1000);
    memory.remember(probeSource, 2000, 2);
    expect(memory.recall(probeSource)?.timestamp).toBe(2000);
    memory.remember(probeSource, 10, tcpPawsMslNs + 3);
    expect(memory.recall(probeSource)).toEqual({ timestamp: 10, rememberedAtNs: tcpPawsMslNs + 3 });
  });

  it('never rejects the timestamp it remembered, or any newer one (property)', { timeout: propertyTimeoutMs() }, () => {
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.nat(0x7ffffffe), fc.nat(tcpPawsMslNs), (ts, ahead, ageNs) => {
        const memory = new TimeWaitPeerTimestamps();
        memory.remember(probeSource, ts, 0);
        return memory.check(probeSource, (ts + ahead) >>> 0, ageNs).kind === 'accept';
      }),
      { numRuns: 100 },
    );
  });
});

/** A node around a bare endpoint. */
class Host implements NetworkNode {
  constructor(
    readonly name: string,
    readonly endpoint: Endpoint,
  ) {}
  receive(packet: Ipv4Packet, meta: PacketMeta): void {
    this.endpoint.receive(packet, meta);
  }
}

/** Joins the guest and two probers that share one address; replies go by destination port. */
class Hub implements NetworkNode {
  readonly name = 'hub';
  constructor(private readonly fabric: Fabric) {}
  receive(packet: Ipv4Packet, meta: PacketMeta): void {
    const port = packet.payload.kind === 'tcp' ? packet.payload.dstPort : 0;
    const to = packet.dst === guestAddress ? 'guest' : port < 50000 ? 'prober-a' : 'prober-b';
    this.fabric.transmit(this.name, to, packet, meta);
  }
}

/** Echoes the request and closes first, so the guest's side goes through TIME-WAIT. */
const echoThenClose: TcpListener = {
  accept: () => ({
    onData: (connection, text, bytes) => {
      connection.write(text, bytes);
      connection.close();
    },
  }),
};

function setup(guestTcp: Partial<TcpConfig>) {
  const kernel = new Kernel({ seed: 11 });
  const tracer = new Tracer();
  const events: TraceEvent[] = [];
  tracer.subscribe({ record: (event) => events.push(event) });
  const fabric = new Fabric(kernel, tracer);
  fabric.add(new Hub(fabric));
  const endpoint = (name: string, tcp: TcpConfig) =>
    fabric.add(
      new Host(
        name,
        new Endpoint({
          name,
          kernel,
          tracer,
          random: kernel.random(`endpoint:${name}`),
          tcp,
          mtuBytes: 1500,
          reassemblyTimeoutNs: 30 * nsPerSecond,
          output: (packet, meta) => fabric.transmit(name, 'hub', packet, meta),
        }),
      ),
    );
  const linux = { ...defaultTcpConfig, timestamps: true };
  const guest = endpoint('guest', { ...linux, ...guestTcp });
  // Two probers behind one address, each with its own timestamp clock and port range.
  const a = endpoint('prober-a', { ...linux, ephemeralPortMin: 40000, ephemeralPortMax: 49999 });
  const b = endpoint('prober-b', { ...linux, ephemeralPortMin: 50000, ephemeralPortMax: 59999 });
  for (const name of ['guest', 'prober-a', 'prober-b'])
    fabric.connect(name, 'hub', { latencyNs: 1000, mtuBytes: 1500 });
  guest.endpoint.listen(80, undefined, echoThenClose);
  // "Ahead" is the prober whose clock is later in 32-bit serial arithmetic.
  const [ahead, behind] = ((a.endpoint.timestampNow() - b.endpoint.timestampNow()) | 0) > 0 ? [a, b] : [b, a];
  const results = new Map<number, ExchangeResult>();
  const connect = (prober: Host, id: number, atNs: number) =>
    kernel.at(atNs, () =>
      startTcpExchange({
        endpoint: prober.endpoint,
        localAddress: probeSource,
        remoteAddress: guestAddress,
        remotePort: 80,
        connectionId: id,
        request: { kind: 'echo', bytes: 10 },
        onResult: (result) => results.set(id, result),
      }),
    );
  return { kernel, events, guest, ahead, behind, results, connect };
}

describe('tcp_tw_recycle on a guest', () => {
  it('silently drops SYNs from a second sender behind the same address whose clock is behind, for 60 s', () => {
    const { kernel, events, guest, ahead, behind, results, connect } = setup({ twRecycle: true });
    connect(ahead, 1, 0);
    connect(behind, 2, 5 * nsPerSecond);
    // Each TIME-WAIT with the ahead prober renews the memory: 60 s from connection 3 onwards.
    connect(ahead, 3, 30 * nsPerSecond);
    connect(behind, 4, 70 * nsPerSecond);
    connect(behind, 5, 95 * nsPerSecond);
    kernel.runUntil(130 * nsPerSecond);
    expect(guest.endpoint.timeWaitPeers.size).toBe(1);
    expect([1, 2, 3, 4, 5].map((id) => results.get(id)?.outcome)).toEqual([
      'completed',
      'timed-out',
      'completed',
      'timed-out',
      'completed',
    ]);
    const drops = events.filter((e) => e.kind === 'drop');
    // Each SYN and its three retransmissions, all at the guest, all silent (no RST sent).
    expect(drops.map((e) => [e.node, e.reason, e.meta.connectionId])).toEqual([
      ...Array.from({ length: 4 }, () => ['guest', 'tw-recycle-paws', 2]),
      ...Array.from({ length: 4 }, () => ['guest', 'tw-recycle-paws', 4]),
    ]);
    expect(drops[0]?.note).toMatch(/^SYN from 168\.63\.129\.16 has TSval \d+, older than \d+ remembered/);
    expect(
      events.some(
        (e) => e.node === 'guest' && e.kind === 'send' && (e.meta.connectionId === 2 || e.meta.connectionId === 4),
      ),
    ).toBe(false);
  });

  it('accepts every SYN with tcp_tw_recycle off, or with timestamps off on the guest', () => {
    for (const tcp of [{ twRecycle: false }, { twRecycle: true, timestamps: false }]) {
      const { kernel, events, ahead, behind, results, connect } = setup(tcp);
      connect(ahead, 1, 0);
      connect(behind, 2, 5 * nsPerSecond);
      kernel.runUntil(60 * nsPerSecond);
      expect([results.get(1)?.outcome, results.get(2)?.outcome]).toEqual(['completed', 'completed']);
      expect(events.filter((e) => e.kind === 'drop')).toEqual([]);
    }
  });

  it('forgets remembered peers when the OS halts', () => {
    const { kernel, guest, ahead, connect } = setup({ twRecycle: true });
    connect(ahead, 1, 0);
    kernel.runUntil(5 * nsPerSecond);
    expect(guest.endpoint.timeWaitPeers.size).toBe(1);
    guest.endpoint.halt();
    expect(guest.endpoint.timeWaitPeers.size).toBe(0);
    expect(guest.endpoint.openConnections()).toEqual([]);
  });
});
