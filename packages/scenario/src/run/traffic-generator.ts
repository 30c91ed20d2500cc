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
  ipv4,
  startFtpExchange,
  startRdGatewayExchange,
  startTcpExchange,
  startUdpExchange,
} from '@lbsim/core';
import type { World } from '../build/build.ts';
import { splitTarget } from '../schema/traffic.ts';

/** A started connection and a way to read its result. */
export interface StartedConnection {
  readonly id: number;
  readonly traffic: number;
  readonly startedAtNs: number;
  /** The result so far: the final one once the exchange ended. */
  result(): ExchangeResult;
}

/**
 * A started connection that keeps only its final result once its exchange ends: the live
 * exchange's closure holds the exchange's whole state (handlers, reader, options), and the
 * run keeps one record per connection, a million in a scale run.
 */
class StartedConnectionRecord implements StartedConnection {
  private final: ExchangeResult | undefined;
  private live: (() => ExchangeResult) | undefined;

  constructor(
    readonly id: number,
    readonly traffic: number,
    readonly startedAtNs: number,
  ) {}

  /** Follows a running exchange; ignored when it already ended (no local port was free). */
  follow(live: () => ExchangeResult): void {
    if (this.final === undefined) this.live = live;
  }

  /** Records the final result and lets go of the exchange. */
  end(final: ExchangeResult): void {
    this.final = final;
    this.live = undefined;
  }

  result(): ExchangeResult {
    const result = this.final ?? this.live?.();
    if (result === undefined) throw new Error(`connection ${this.id} was never started`);
    return result;
  }
}

/**
 * Schedules all traffic of the world's scenario; returns the list connections are added to.
 * Starting more than `maxConnections` stops the run instead (the kernel's `stopForLimit`): each
 * connection is kept for the summary, and memory-budget.ts says how many fit in the heap.
 */
export function scheduleTraffic(world: World, maxConnections = Number.POSITIVE_INFINITY): StartedConnection[] {
  const started: StartedConnection[] = [];
  let nextConnectionId = 1;
  const { kernel, scenario } = world;
  scenario.traffic.forEach((item, index) => {
    const target = splitTarget(item.to);
    const remoteAddress = ipv4(target.address);
    const source = sourceOf(world, item.from, remoteAddress);
    const start = () => {
      const id = nextConnectionId++;
      const record = new StartedConnectionRecord(id, index, kernel.nowNs);
      const common = {
        endpoint: source.endpoint,
        localAddress: source.address,
        remoteAddress,
        remotePort: target.port,
        connectionId: id,
        onResult: (final: ExchangeResult) => record.end(final),
      };
      const live =
        item.protocol === 'Udp'
          ? startUdpExchange({ ...common, payloadBytes: item.requestBytes, timeoutNs: item.timeout })
          : item.app === 'ftp'
            ? startFtpExchange({ ...common, file: item.path })
            : item.app === 'rd-gateway'
              ? startRdGatewayExchange(common)
              : startTcpExchange({
                  ...common,
                  requests: item.requests,
                  idleBetweenNs: item.idleBetween,
                  ...(item.keepalive === undefined ? {} : { keepaliveIntervalNs: item.keepalive }),
                  request:
                    item.app === 'http'
                      ? { kind: 'http', path: item.path, host: item.to }
                      : { kind: 'echo', bytes: item.requestBytes },
                }).result;
      record.follow(live);
      started.push(record);
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
