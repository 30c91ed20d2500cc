/**
 * The traffic generator: schedules each traffic item's connections and remembers what became
 * of them. Connection ids are handed out in the order connections start (1, 2, 3, …), which
 * the kernel's total event order makes the same in every run.
 *
 * Connections are scheduled one at a time: each start schedules the next of its item. A
 * traffic item may ask for ten million connections; scheduling them all up front held ten
 * million events in memory before the first ran, beyond the reach of the event budget.
 *
 * The folder run/ takes a built world and gives what happened: the traffic generator (this
 * file), the scheduled scenario events (scenario-events.ts) and the run's trace sink
 * (run-observer.ts, with guest-replies.ts and describe-packet.ts). ../run-scenario.ts composes
 * build/, run/, expect/ and explain/ into runScenario().
 */
import {
  type Endpoint,
  type ExchangeResult,
  exchangeOutcomes,
  ipv4,
  startFtpExchange,
  startRdGatewayExchange,
  startTcpExchange,
  startUdpExchange,
  type TcpRequest,
} from '@lbsim/core';
import type { World } from '../build/build.ts';
import type { Scenario } from '../schema/scenario.ts';
import { splitTarget } from '../schema/traffic.ts';

/** A started connection and a way to read its result. */
export interface StartedConnection {
  readonly id: number;
  readonly traffic: number;
  readonly startedAtNs: number;
  /** The result so far: the final one once the exchange ended. */
  result(): ExchangeResult;
}

/** No value in an integer column (a number that is never a port or an HTTP status). */
const absent = -1;

/**
 * The run's started connections, in start order (connection `id` is index + 1), as a
 * fixed-size numeric record each in typed arrays: traffic item, start, and once the exchange
 * ended its outcome, end, handshake time, HTTP status and local port. Only running exchanges
 * are kept as objects (their closures hold the exchange's state): a run keeps every
 * connection for its summary, a million in a scale run, and a record here is 42 bytes.
 */
export class StartedConnections implements Iterable<StartedConnection> {
  private count = 0;
  private traffics = new Uint32Array(1024);
  private startedAt = new Float64Array(1024);
  /** Index into `exchangeOutcomes` plus one once the exchange ended; 0 while it runs. */
  private outcomes = new Uint8Array(1024);
  private endedAt = new Float64Array(1024);
  /** NaN: never established. */
  private establishedAt = new Float64Array(1024);
  private httpStatuses = new Int32Array(1024);
  private localPorts = new Int32Array(1024);
  /** The running exchanges, by index. */
  private readonly live = new Map<number, () => ExchangeResult>();

  /** Connections started. */
  get length(): number {
    return this.count;
  }

  /** Adds a connection started now for traffic item `traffic`; returns its index. */
  add(traffic: number, startedAtNs: number): number {
    if (this.count === this.traffics.length) this.grow();
    const index = this.count++;
    this.traffics[index] = traffic;
    this.startedAt[index] = startedAtNs;
    return index;
  }

  /** Follows a running exchange; ignored when it already ended (no local port was free). */
  follow(index: number, live: () => ExchangeResult): void {
    if (this.outcomes[index] === 0) this.live.set(index, live);
  }

  /** Records the final result and lets go of the exchange. */
  end(index: number, final: ExchangeResult): void {
    this.outcomes[index] = exchangeOutcomes.indexOf(final.outcome) + 1;
    this.endedAt[index] = final.endedAtNs;
    this.establishedAt[index] = final.establishedAtNs ?? Number.NaN;
    this.httpStatuses[index] = final.httpStatus ?? absent;
    this.localPorts[index] = final.localPort ?? absent;
    this.live.delete(index);
  }

  /** Traffic item of the connection at `index`. */
  trafficOf(index: number): number {
    return this.traffics[index] as number;
  }

  /** Start of the connection at `index`, ns. */
  startedAtNsOf(index: number): number {
    return this.startedAt[index] as number;
  }

  /** The result so far of the connection at `index`: the final one once its exchange ended. */
  resultOf(index: number): ExchangeResult {
    const outcome = exchangeOutcomes[(this.outcomes[index] as number) - 1];
    if (outcome === undefined) {
      const live = this.live.get(index);
      if (live === undefined) throw new Error(`connection ${index + 1} was never started`);
      return live();
    }
    const establishedAtNs = this.establishedAt[index] as number;
    const httpStatus = this.httpStatuses[index] as number;
    const localPort = this.localPorts[index] as number;
    return {
      outcome,
      endedAtNs: this.endedAt[index] as number,
      establishedAtNs: Number.isNaN(establishedAtNs) ? undefined : establishedAtNs,
      httpStatus: httpStatus === absent ? undefined : httpStatus,
      localPort: localPort === absent ? undefined : localPort,
    };
  }

  /** The connection at `index` as an object (made on each call). */
  at(index: number): StartedConnection | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return {
      id: index + 1,
      traffic: this.trafficOf(index),
      startedAtNs: this.startedAtNsOf(index),
      result: () => this.resultOf(index),
    };
  }

  /** Each connection, mapped in start order. */
  map<T>(f: (connection: StartedConnection, index: number) => T): T[] {
    const mapped: T[] = [];
    for (let i = 0; i < this.count; i++) mapped.push(f(this.at(i) as StartedConnection, i));
    return mapped;
  }

  *[Symbol.iterator](): Iterator<StartedConnection> {
    for (let i = 0; i < this.count; i++) yield this.at(i) as StartedConnection;
  }

  private grow(): void {
    const size = this.traffics.length * 2;
    const grown = <A extends Uint32Array | Float64Array | Uint8Array | Int32Array>(
      array: A,
      make: (n: number) => A,
    ): A => {
      const next = make(size);
      next.set(array);
      return next;
    };
    this.traffics = grown(this.traffics, (n) => new Uint32Array(n));
    this.startedAt = grown(this.startedAt, (n) => new Float64Array(n));
    this.outcomes = grown(this.outcomes, (n) => new Uint8Array(n));
    this.endedAt = grown(this.endedAt, (n) => new Float64Array(n));
    this.establishedAt = grown(this.establishedAt, (n) => new Float64Array(n));
    this.httpStatuses = grown(this.httpStatuses, (n) => new Int32Array(n));
    this.localPorts = grown(this.localPorts, (n) => new Int32Array(n));
  }
}

/**
 * Schedules all traffic of the world's scenario; returns the list connections are added to.
 * Starting more than `maxConnections` stops the run instead (the kernel's `stopForLimit`): each
 * connection is kept for the summary, and memory-budget.ts says how many fit in the heap.
 */
export function scheduleTraffic(world: World, maxConnections = Number.POSITIVE_INFINITY): StartedConnections {
  const started = new StartedConnections();
  let nextConnectionId = 1;
  const { kernel, scenario } = world;
  scenario.traffic.forEach((item, index) => {
    const target = splitTarget(item.to);
    const remoteAddress = ipv4(target.address);
    const source = sourceOf(world, item.from, remoteAddress);
    const startExchange = exchangeStarter(item, source, remoteAddress, target.port);
    const start = () => {
      const id = nextConnectionId++;
      const record = started.add(index, kernel.nowNs);
      started.follow(
        record,
        startExchange(id, (final) => started.end(record, final)),
      );
    };
    /** Schedules connection `k` of the item, which schedules connection `k + 1` when it starts. */
    const schedule = (k: number) => {
      const atNs = item.startAt + k * item.every;
      if (k >= item.connections || atNs > scenario.duration) return;
      kernel.at(atNs, () => {
        if (started.length >= maxConnections) {
          kernel.stopForLimit('connections', maxConnections);
          return;
        }
        schedule(k + 1);
        start();
      });
    };
    schedule(0);
  });
  return started;
}

/**
 * How connections of `item` start: given a connection id and where to report its result,
 * starts the exchange and returns how to read its result so far. What is the same for every
 * connection of the item (the request, the exchange's settings) is made once here, and each
 * connection's options are one object literal of a fixed shape: spreading shared parts into
 * them per connection cost a scale run more than the rest of starting a connection.
 */
function exchangeStarter(
  item: Scenario['traffic'][number],
  source: { readonly endpoint: Endpoint; readonly address: number },
  remoteAddress: number,
  remotePort: number,
): (connectionId: number, onResult: (final: ExchangeResult) => void) => () => ExchangeResult {
  const endpoint = source.endpoint;
  const localAddress = source.address;
  if (item.protocol === 'Udp') {
    const payloadBytes = item.requestBytes;
    const timeoutNs = item.timeout;
    return (connectionId, onResult) =>
      startUdpExchange({
        endpoint,
        localAddress,
        remoteAddress,
        remotePort,
        connectionId,
        onResult,
        payloadBytes,
        timeoutNs,
      });
  }
  if (item.app === 'ftp') {
    const file = item.path;
    return (connectionId, onResult) =>
      startFtpExchange({ endpoint, localAddress, remoteAddress, remotePort, connectionId, onResult, file });
  }
  if (item.app === 'rd-gateway') {
    return (connectionId, onResult) =>
      startRdGatewayExchange({ endpoint, localAddress, remoteAddress, remotePort, connectionId, onResult });
  }
  const request: TcpRequest =
    item.app === 'http' ? { kind: 'http', path: item.path, host: item.to } : { kind: 'echo', bytes: item.requestBytes };
  const requests = item.requests;
  const idleBetweenNs = item.idleBetween;
  // One options literal whether or not keepalive is set: every exchange's options have one shape.
  const keepaliveIntervalNs = item.keepalive;
  return (connectionId, onResult) =>
    startTcpExchange({
      endpoint,
      localAddress,
      remoteAddress,
      remotePort,
      connectionId,
      onResult,
      request,
      requests,
      idleBetweenNs,
      keepaliveIntervalNs,
    }).result;
}

/**
 * The endpoint and local address of a traffic source. A VM connects from the address of the NIC
 * its route to the destination uses, as an OS picks the source of a new connection.
 */
function sourceOf(
  world: World,
  name: string,
  destination: number,
): { readonly endpoint: Endpoint; readonly address: number } {
  const client = world.clients.get(name);
  if (client !== undefined) return { endpoint: client.endpoint, address: client.address };
  const vm = world.vms.get(name);
  if (vm !== undefined) return { endpoint: vm.endpoint, address: vm.sourceAddressFor(destination) };
  throw new Error(`traffic source ${name} does not exist: validation should have caught this`);
}
