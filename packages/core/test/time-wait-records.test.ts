/**
 * TIME-WAIT kept as compact records (time-wait-records.ts): an endpoint lets go of a connection
 * once it is in TIME-WAIT, and behaves exactly as it did when it kept the connection object —
 * the same segments answered, at the same times, in the same order, with the same number of
 * events and pending events.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultTcpConfig,
  Endpoint,
  type ExchangeResult,
  HttpServer,
  IcmpType,
  IcmpUnreachableCode,
  type Ipv4Packet,
  icmpQuoteOf,
  ipv4,
  Kernel,
  makeIpv4Packet,
  nsPerSecond,
  startTcpExchange,
  type TcpConfig,
  TcpConnection,
  TcpFlags,
  TimeWaitRecords,
  type TraceEvent,
  Tracer,
} from '../src/index.ts';
import { propertyTimeoutMs } from '../src/testing/index.ts';

const clientAddress = ipv4('198.18.0.7');
const serverAddress = ipv4('10.1.0.4');
const routerAddress = ipv4('100.127.255.254');
const msNs = 1_000_000;

/** A client and a server endpoint joined by a 1 ms wire, the server answering HTTP on port 80. */
function setup(compactTimeWait: boolean, tcp: Partial<TcpConfig> = {}) {
  const kernel = new Kernel({ seed: 11 });
  const tracer = new Tracer();
  const events: TraceEvent[] = [];
  tracer.subscribe({ record: (event) => events.push(event) });
  const endpoints = new Map<string, Endpoint>();
  const make = (name: string, peer: string) => {
    const endpoint = new Endpoint({
      name,
      kernel,
      tracer,
      random: kernel.random(name),
      tcp: { ...defaultTcpConfig, ...tcp },
      mtuBytes: 1500,
      reassemblyTimeoutNs: 30 * nsPerSecond,
      compactTimeWait,
      output: (packet, meta) => kernel.after(msNs, () => endpoints.get(peer)?.receive(packet, meta)),
    });
    endpoints.set(name, endpoint);
    return endpoint;
  };
  const client = make('client', 'server');
  const server = make('server', 'client');
  server.listen(
    80,
    undefined,
    new HttpServer(kernel, { routes: new Map(), fallback: { status: 200, bodyBytes: 500, delayNs: 0 } }),
  );
  const results = new Map<number, ExchangeResult>();
  const connect = (id: number, atNs: number) =>
    kernel.at(atNs, () =>
      startTcpExchange({
        endpoint: client,
        localAddress: clientAddress,
        remoteAddress: serverAddress,
        remotePort: 80,
        connectionId: id,
        request: { kind: 'http', path: '/', host: 'x' },
        onResult: (result) => results.set(id, result),
      }),
    );
  return { kernel, events, client, server, results, connect };
}

/** What the client last sent on connection `id`, from the trace. */
function lastSentBy(events: readonly TraceEvent[], node: string, id: number): Ipv4Packet | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i] as TraceEvent;
    if (event.kind === 'send' && event.node === node && event.meta.connectionId === id) return event.packet;
  }
  return undefined;
}

/** A segment the server might send (or an old duplicate of one) to the client's TIME-WAIT. */
type Injection =
  | 'fin-again'
  | 'ack-old'
  | 'ack-ahead'
  | 'syn-old'
  | 'syn-new'
  | 'rst-exact'
  | 'rst-off'
  | 'data-ahead'
  | 'data-next'
  | 'no-ack'
  | 'icmp-mtu'
  /** Not a segment: the client's OS stops (a VM stop), every connection gone at once. */
  | 'halt';

const injections: readonly Injection[] = [
  'fin-again',
  'ack-old',
  'ack-ahead',
  'syn-old',
  'syn-new',
  'rst-exact',
  'rst-off',
  'data-ahead',
  'data-next',
  'no-ack',
  'icmp-mtu',
  'halt',
];

/**
 * Sends `what` to the client about connection `id`, made from the last segment the client sent
 * on it (its SND.NXT and RCV.NXT): nothing when it sent none yet.
 */
function inject(world: ReturnType<typeof setup>, id: number, what: Injection): void {
  const { kernel, events, client } = world;
  if (what === 'halt') {
    client.halt();
    return;
  }
  const last = lastSentBy(events, 'client', id);
  if (last === undefined || last.payload.kind !== 'tcp') return;
  const sent = last.payload;
  const meta = { packetId: 0, connectionId: id, createdAtNs: kernel.nowNs };
  if (what === 'icmp-mtu') {
    const icmp = makeIpv4Packet(
      { src: routerAddress, dst: clientAddress, dontFragment: false },
      {
        kind: 'icmp',
        type: IcmpType.DestinationUnreachable,
        code: IcmpUnreachableCode.FragmentationNeeded,
        rest: 1000,
        quote: icmpQuoteOf(last),
        payloadLength: 0,
      },
    );
    client.receive(icmp, meta);
    return;
  }
  const rcvNxt = sent.ack >>> 0;
  const sndNxt = sent.seq >>> 0;
  const plan: Record<
    Exclude<Injection, 'icmp-mtu' | 'halt'>,
    { flags: number; seq: number; ack: number; payloadLength: number }
  > = {
    'fin-again': { flags: TcpFlags.Fin | TcpFlags.Ack, seq: rcvNxt - 1, ack: sndNxt, payloadLength: 0 },
    'ack-old': { flags: TcpFlags.Ack, seq: rcvNxt - 1, ack: sndNxt, payloadLength: 0 },
    'ack-ahead': { flags: TcpFlags.Ack, seq: rcvNxt, ack: sndNxt + 5, payloadLength: 0 },
    'syn-old': { flags: TcpFlags.Syn, seq: rcvNxt - 100, ack: 0, payloadLength: 0 },
    'syn-new': { flags: TcpFlags.Syn, seq: rcvNxt + 100_000, ack: 0, payloadLength: 0 },
    'rst-exact': { flags: TcpFlags.Rst, seq: rcvNxt, ack: 0, payloadLength: 0 },
    'rst-off': { flags: TcpFlags.Rst, seq: rcvNxt + 7, ack: 0, payloadLength: 0 },
    'data-ahead': { flags: TcpFlags.Ack | TcpFlags.Psh, seq: rcvNxt + 10, ack: sndNxt, payloadLength: 5 },
    'data-next': { flags: TcpFlags.Ack | TcpFlags.Psh, seq: rcvNxt, ack: sndNxt, payloadLength: 5 },
    'no-ack': { flags: TcpFlags.Psh, seq: rcvNxt, ack: 0, payloadLength: 5 },
  };
  const { flags, seq, ack, payloadLength } = plan[what];
  const packet = makeIpv4Packet(
    { src: serverAddress, dst: clientAddress },
    {
      kind: 'tcp',
      srcPort: sent.dstPort,
      dstPort: sent.srcPort,
      seq: seq >>> 0,
      ack: ack >>> 0,
      flags,
      window: 65535,
      mss: undefined,
      timestamp:
        sent.timestamp === undefined
          ? undefined
          : { value: sent.timestamp.echoReply + 3, echoReply: sent.timestamp.value },
      payloadLength,
      data: '',
    },
  );
  client.receive(packet, meta);
}

/** The trace as lines that say everything observable about each event. */
function traceLines(events: readonly TraceEvent[]): string[] {
  return events.map((e) => {
    const p = e.packet.payload;
    const tcp =
      p.kind === 'tcp'
        ? ` ${p.srcPort}>${p.dstPort} f${p.flags} s${p.seq} a${p.ack} l${p.payloadLength} ts${p.timestamp?.value}/${p.timestamp?.echoReply}`
        : ` ${p.kind}`;
    return `${e.atNs} ${e.node} ${e.kind} ${e.meta.connectionId}${tcp} ${e.reason ?? ''} ${JSON.stringify(e.note)}`;
  });
}

describe('TIME-WAIT records', () => {
  it('an endpoint keeps no connection object for its connections in TIME-WAIT, and each expires after 60 s', () => {
    const { kernel, client, server, results, connect } = setup(true, { timestamps: true });
    for (let id = 1; id <= 200; id++) connect(id, id * 10 * msNs);
    kernel.runUntil(10 * nsPerSecond);
    expect([...results.values()].filter((r) => r.outcome === 'completed')).toHaveLength(200);
    const open = client.openConnections();
    expect(open).toHaveLength(200);
    expect(open.every((c) => c.state === 'TIME-WAIT')).toBe(true);
    // Not one connection object is held for them: the records are numbers in typed arrays.
    expect(open.filter((c) => c instanceof TcpConnection)).toHaveLength(0);
    expect(client.timeWaitRecordCount).toBe(200);
    expect(server.openConnections()).toHaveLength(0);
    // Each stands for its own expiry event, as its connection's timer did.
    expect(kernel.pendingEvents).toBe(200);
    kernel.runUntil(61 * nsPerSecond);
    const left = client.timeWaitRecordCount;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(200);
    expect(kernel.pendingEvents).toBe(left);
    kernel.runUntil(63 * nsPerSecond);
    expect(client.openConnections()).toHaveLength(0);
    expect(kernel.pendingEvents).toBe(0);
  });

  it('a retransmitted FIN is ACKed from the record, and a SYN beyond RCV.NXT reopens the four-tuple', () => {
    const world = setup(true, { timestamps: true });
    const { kernel, events, client, connect } = world;
    connect(1, 0);
    kernel.runUntil(nsPerSecond);
    expect(client.timeWaitRecordCount).toBe(1);
    const before = events.length;
    kernel.at(2 * nsPerSecond, () => inject(world, 1, 'fin-again'));
    kernel.runUntil(3 * nsPerSecond);
    // The ACK reaches the server, which has forgotten the connection: its RST then ends the
    // client's TIME-WAIT too (RFC 1337's TIME-WAIT assassination, as the connection object did).
    const answered = events.slice(before, before + 2);
    expect(answered.map((e) => [e.node, e.kind, e.note])).toEqual([
      ['client', 'deliver', 'duplicate segment: ACK sent again'],
      ['client', 'send', 'TCP TIME-WAIT'],
    ]);
    const ack = answered[1]?.packet.payload;
    expect(ack?.kind === 'tcp' && ack.flags).toBe(TcpFlags.Ack);
    expect(client.timeWaitRecordCount).toBe(0);
    connect(2, 3 * nsPerSecond);
    kernel.runUntil(3 * nsPerSecond + 100 * msNs);
    expect(client.timeWaitRecordCount).toBe(1);
    // A SYN beyond what the old connection received ends TIME-WAIT (nothing listens on the client: RST).
    kernel.at(4 * nsPerSecond, () => inject(world, 2, 'syn-new'));
    kernel.runUntil(5 * nsPerSecond);
    expect(client.openConnections()).toHaveLength(0);
    expect(
      events.some(
        (e) => e.node === 'client' && e.note === `nothing listens on TCP port ${portOf(events, 2)}: answered RST`,
      ),
    ).toBe(true);
  });

  it('a halt drops the records and frees their ports, with no event left', () => {
    const world = setup(true, { ephemeralPortMin: 50000, ephemeralPortMax: 50002 });
    for (let id = 1; id <= 3; id++) world.connect(id, id * msNs);
    world.kernel.runUntil(nsPerSecond);
    expect(world.client.timeWaitRecordCount).toBe(3);
    expect(world.client.allocateEphemeralPort()).toBeUndefined();
    world.client.halt();
    expect(world.client.openConnections()).toEqual([]);
    expect(world.kernel.pendingEvents).toBe(0);
    expect(world.client.allocateEphemeralPort()).toBeDefined();
  });

  it("expires in its own timer's place among events at the same nanosecond", () => {
    // One ephemeral port: a connection can start only once the last one's TIME-WAIT is over.
    const tcp = { timeWaitNs: 2 * nsPerSecond, ephemeralPortMin: 50000, ephemeralPortMax: 50000 };
    const learn = setup(true, tcp);
    learn.connect(1, 0);
    learn.kernel.runUntil(nsPerSecond);
    const enteredNs = learn.events.find((e) => e.node === 'client' && e.note === 'TCP TIME-WAIT')?.atNs as number;
    const expiresNs = enteredNs + 2 * nsPerSecond;
    for (const compact of [true, false]) {
      const world = setup(compact, tcp);
      world.connect(1, 0);
      // Scheduled before connection 1 entered TIME-WAIT: runs before its expiry, finds no port.
      world.connect(2, expiresNs);
      // Scheduled after: runs after the expiry and gets the port.
      world.kernel.at(enteredNs + msNs, () => world.connect(3, expiresNs));
      world.kernel.runUntil(5 * nsPerSecond);
      expect([1, 2, 3].map((id) => world.results.get(id)?.outcome)).toEqual(['completed', 'no-port', 'completed']);
    }
  });

  it('behaves as connection objects in TIME-WAIT do: same trace, events and pending events (property)', {
    timeout: propertyTimeoutMs(),
  }, () => {
    const arbitrary = fc.record({
      timestamps: fc.boolean(),
      starts: fc.array(fc.integer({ min: 0, max: 6000 }), { minLength: 1, maxLength: 8 }),
      pokes: fc.array(
        fc.record({
          atMs: fc.integer({ min: 0, max: 6000 }),
          id: fc.integer({ min: 1, max: 8 }),
          what: fc.constantFrom(...injections),
          /** Scheduled at `atMs` for this much later (about one TIME-WAIT), or at `atMs` when 0. */
          laterMs: fc.oneof(fc.constant(0), fc.integer({ min: 1990, max: 2010 })),
        }),
        { maxLength: 8 },
      ),
      /**
       * Connections scheduled from within the run, `delayMs` after connection `of` started, for
       * about one TIME-WAIT later: often the very nanosecond its TIME-WAIT ends.
       */
      lateStarts: fc.array(
        fc.record({
          of: fc.nat(7),
          delayMs: fc.integer({ min: 0, max: 15 }),
          laterMs: fc.integer({ min: 1990, max: 2005 }),
        }),
        { maxLength: 4 },
      ),
      ports: fc.integer({ min: 1, max: 3 }),
    });
    fc.assert(
      fc.property(arbitrary, ({ timestamps, starts, pokes, lateStarts, ports }) => {
        // Few ephemeral ports and a 2 s TIME-WAIT: later connections wait for (or collide
        // with, to the nanosecond) the expiry of earlier ones.
        const tcp = {
          timestamps,
          timeWaitNs: 2 * nsPerSecond,
          ephemeralPortMin: 50000,
          ephemeralPortMax: 50000 + ports - 1,
        };
        const run = (compact: boolean) => {
          const world = setup(compact, tcp);
          const { kernel } = world;
          starts.forEach((atMs, index) => {
            world.connect(index + 1, atMs * msNs);
          });
          lateStarts.forEach(({ of, delayMs, laterMs }, index) => {
            const atMs = (starts[of % starts.length] as number) + delayMs;
            kernel.at(atMs * msNs, () => world.connect(starts.length + index + 1, kernel.nowNs + laterMs * msNs));
          });
          for (const { atMs, laterMs, id, what } of pokes) {
            kernel.at(atMs * msNs, () => {
              if (laterMs === 0) inject(world, id, what);
              else kernel.after(laterMs * msNs, () => inject(world, id, what));
            });
          }
          const samples: string[] = [];
          for (let t = 0; t <= 10_000; t += 250) {
            const status = world.kernel.runUntil(t * msNs);
            samples.push(
              `${t} ${status.kind} ${world.kernel.eventsRun} ${world.kernel.pendingEvents} ${world.client
                .openConnections()
                .map((c) => `${c.state}:${c.localPort}:${c.connectionId}`)
                .join(',')}`,
            );
          }
          const outcomes = [...world.results]
            .sort(([a], [b]) => a - b)
            .map(([id, r]) => `${id} ${r.outcome} ${r.endedAtNs}`);
          return { trace: traceLines(world.events), samples, outcomes };
        };
        expect(run(true)).toEqual(run(false));
      }),
      { numRuns: 150 },
    );
  });
});

/** The client's port of connection `id`, from its first SYN. */
function portOf(events: readonly TraceEvent[], id: number): number {
  const syn = events.find((e) => e.node === 'client' && e.kind === 'send' && e.meta.connectionId === id);
  return syn?.packet.payload.kind === 'tcp' ? syn.packet.payload.srcPort : -1;
}

describe('TimeWaitRecords', () => {
  it('finds each record by its four-tuple as a Map would, through adds, removals and expiries (property)', {
    timeout: propertyTimeoutMs(),
  }, () => {
    const tuple = fc.tuple(
      fc.constantFrom(0x0a010004, 0xc6120007),
      fc.integer({ min: 1024, max: 65535 }),
      fc.constantFrom(0x0a010005, 0xfffffffe),
      fc.constantFrom(80, 443),
    );
    // Mostly adds, so that many records share the index and probe past each other.
    const operation = fc.oneof(
      {
        arbitrary: fc.record({ kind: fc.constant('add' as const), tuple, afterNs: fc.integer({ min: 0, max: 1 }) }),
        weight: 3,
      },
      { arbitrary: fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }), weight: 1 },
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 300 }), (operations) => {
        const kernel = new Kernel({ seed: 1 });
        const model = new Map<string, number>();
        const expired: number[] = [];
        const records = new TimeWaitRecords(kernel, (id) => expired.push(id));
        const key = (t: readonly number[]) => t.join('|');
        const tuples = new Map<number, readonly [number, number, number, number]>();
        let order = 0;
        for (const op of operations) {
          if (op.kind === 'add') {
            if (model.has(key(op.tuple))) continue;
            kernel.runUntil(kernel.nowNs + op.afterNs);
            for (const id of expired.splice(0)) {
              const t = tuples.get(id) as readonly number[];
              model.delete(key(t));
              tuples.delete(id);
            }
            const [localAddress, localPort, remoteAddress, remotePort] = op.tuple;
            const id = records.add(
              {
                localAddress,
                localPort,
                remoteAddress,
                remotePort,
                connectionId: order,
                passive: false,
                sendNext: 1,
                receiveNext: 2,
                timestampsInUse: false,
                timestampRecent: 0,
                timestampOffset: 0,
                pathMtu: Number.POSITIVE_INFINITY,
              },
              kernel.nowNs + 40,
              kernel.takeSequence(),
              order++,
            );
            model.set(key(op.tuple), id);
            tuples.set(id, op.tuple);
          } else {
            const ids = [...model.values()];
            if (ids.length === 0) continue;
            const id = ids[op.pick % ids.length] as number;
            records.remove(id);
            model.delete(key(tuples.get(id) as readonly number[]));
            tuples.delete(id);
          }
          expect(records.size).toBe(model.size);
          expect(kernel.pendingEvents).toBe(model.size);
          for (const [id, t] of tuples) expect(records.find(t[0], t[1], t[2], t[3])).toBe(id);
        }
        expect(records.find(0x0a010004, 1, 0x0a010005, 80)).toBe(-1);
      }),
      { numRuns: 100 },
    );
  });
});
