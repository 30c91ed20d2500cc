/**
 * The traffic generator: schedules each traffic item's connections and remembers what became
 * of them. Connection ids are handed out in the order connections start (1, 2, 3, …), which
 * the kernel's total event order makes the same in every run.
 *
 * Connections are scheduled one at a time: each start schedules the next of its item. A
 * traffic item may ask for ten million connections; scheduling them all up front held ten
 * million events in memory before the first ran, beyond the reach of the event budget.
 */
import {
  type Endpoint,
  type ExchangeResult,
  ipv4,
  startFtpExchange,
  startTcpExchange,
  startUdpExchange,
} from '@lbsim/core';
import type { World } from './build.ts';
import { splitTarget } from './schema/traffic.ts';

/** A started connection and a way to read its result. */
export interface StartedConnection {
  readonly id: number;
  readonly traffic: number;
  readonly startedAtNs: number;
  readonly result: () => ExchangeResult;
}

/** Schedules all traffic of the world's scenario; returns the list connections are added to. */
export function scheduleTraffic(world: World): StartedConnection[] {
  const started: StartedConnection[] = [];
  let nextConnectionId = 1;
  const { kernel, scenario } = world;
  scenario.traffic.forEach((item, index) => {
    const target = splitTarget(item.to);
    const remoteAddress = ipv4(target.address);
    const source = sourceOf(world, item.from, remoteAddress);
    const start = () => {
      const id = nextConnectionId++;
      const common = {
        endpoint: source.endpoint,
        localAddress: source.address,
        remoteAddress,
        remotePort: target.port,
        connectionId: id,
        onResult: () => {},
      };
      const result =
        item.protocol === 'Udp'
          ? startUdpExchange({ ...common, payloadBytes: item.requestBytes, timeoutNs: item.timeout })
          : item.app === 'ftp'
            ? startFtpExchange({ ...common, file: item.path })
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
      started.push({ id, traffic: index, startedAtNs: kernel.nowNs, result });
    };
    /** Schedules connection `k` of the item, which schedules connection `k + 1` when it starts. */
    const schedule = (k: number) => {
      const atNs = item.startAt + k * item.every;
      if (k >= item.connections || atNs > scenario.duration) return;
      kernel.at(atNs, () => {
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
