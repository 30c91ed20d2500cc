/**
 * Flows as the ends see them, for properties of flow symmetry: per connection, the request as
 * the client sent it, every TCP/UDP packet that came back to the client, and every TCP/UDP
 * packet that reached a VM on the other side (after the Host Agent's NAT), joined with the
 * load-balancing rule the traffic aimed at. A trace sink keeping only those tuples, so it
 * stays cheap on long runs.
 *
 * The client of a connection is the node that sent its first packet (the traffic item's
 * `from`: an Internet client or a VM). ICMP and IP fragments without ports are left out: they
 * carry no 5-tuple of the flow.
 */
import {
  type FiveTuple,
  fiveTupleOf,
  IpProtocol,
  type Ipv4Packet,
  ipv4,
  isFragment,
  type LoadDistribution,
  type TraceEvent,
  type TraceSink,
} from '@lbsim/core';
import type { ConnectionSummary, RunResult } from '../base/run-result.ts';
import type { Scenario } from '../schema/scenario.ts';
import { splitTarget } from '../schema/traffic.ts';

/** The load-balancing rule a traffic item is aimed at (its frontend IP, protocol and port). */
export interface TargetRule {
  readonly loadBalancer: string;
  readonly rule: string;
  /** The frontend IP. */
  readonly vip: number;
  readonly frontendPort: number;
  /** The port the backend VMs listen on (for an HA-ports rule, the frontend port). */
  readonly backendPort: number;
  /** IP protocol number (6, 17). */
  readonly protocol: number;
  readonly floatingIp: boolean;
  readonly distribution: LoadDistribution;
  /** The backend pool's name. */
  readonly backendPool: string;
}

/** A packet that reached a VM on the server side. */
export interface GuestArrival {
  /** The VM's node name. */
  readonly vm: string;
  readonly tuple: FiveTuple;
}

/** One connection seen from both ends. */
export interface FlowRecord {
  /** The run's summary of the connection (outcome, DIPs, Muxes, drops). */
  readonly connection: ConnectionSummary;
  /** The node that opened it. */
  readonly client: string;
  /** Its first packet as the client sent it; `undefined` if it never sent one. */
  readonly request: FiveTuple | undefined;
  /** Every TCP/UDP packet of the connection that arrived at the client, in order. */
  readonly replies: readonly FiveTuple[];
  /** Every TCP/UDP packet of the connection that arrived at a VM other than the client, in order. */
  readonly atGuests: readonly GuestArrival[];
  /** The rule the traffic item aims at, or `undefined` (a target that is no load-balancing rule). */
  readonly rule: TargetRule | undefined;
}

interface Seen {
  client: string;
  request: FiveTuple | undefined;
  readonly replies: FiveTuple[];
  readonly atGuests: GuestArrival[];
}

const protocolNumbers = { Tcp: IpProtocol.Tcp, Udp: IpProtocol.Udp } as const;

/** The 5-tuple of a TCP or UDP packet that carries its ports, else `undefined`. */
function portedTuple(packet: Ipv4Packet): FiveTuple | undefined {
  const kind = packet.payload.kind;
  if ((kind !== 'tcp' && kind !== 'udp') || isFragment(packet)) return undefined;
  return fiveTupleOf(packet);
}

/** Records flows during a run: subscribe it (`runScenario(s, { sinks: [observer] })`), then call {@link records}. */
export class FlowObserver implements TraceSink {
  private readonly seen = new Map<number, Seen>();
  private readonly vms: ReadonlySet<string>;

  constructor(private readonly scenario: Scenario) {
    this.vms = new Set(scenario.hosts.flatMap((host) => host.vms.map((vm) => vm.name)));
  }

  record(event: TraceEvent): void {
    const id = event.meta.connectionId;
    if (id === 0) return;
    let seen = this.seen.get(id);
    if (seen === undefined) {
      if (event.kind !== 'send') return;
      seen = { client: event.node, request: portedTuple(event.packet), replies: [], atGuests: [] };
      this.seen.set(id, seen);
      return;
    }
    if (event.kind !== 'receive') return;
    const tuple = portedTuple(event.packet);
    if (tuple === undefined) return;
    if (event.node === seen.client) seen.replies.push(tuple);
    else if (this.vms.has(event.node)) seen.atGuests.push({ vm: event.node, tuple });
  }

  /** Every connection of `result` (the run this observer watched), in id order. */
  records(result: RunResult): FlowRecord[] {
    return result.connections.map((connection) => {
      const seen = this.seen.get(connection.id);
      const item = this.scenario.traffic[connection.traffic];
      return {
        connection,
        client: seen?.client ?? item?.from ?? '',
        request: seen?.request,
        replies: seen?.replies ?? [],
        atGuests: seen?.atGuests ?? [],
        rule: item === undefined ? undefined : targetRule(this.scenario, item.to, item.protocol),
      };
    });
  }
}

/**
 * The load-balancing rule that serves `to` (`address:port`) for `protocol`: the rule for the
 * exact port, else an HA-ports rule of the frontend; `undefined` when none does.
 */
export function targetRule(scenario: Scenario, to: string, protocol: 'Tcp' | 'Udp'): TargetRule | undefined {
  const target = splitTarget(to);
  const address = ipv4(target.address);
  let haPorts: TargetRule | undefined;
  for (const lb of scenario.loadBalancers) {
    for (const rule of lb.rules) {
      const frontend = lb.frontends.find((f) => f.name === rule.frontend);
      if (frontend === undefined || ipv4(frontend.ip) !== address) continue;
      if (rule.protocol !== protocol && rule.protocol !== 'All') continue;
      const found: TargetRule = {
        loadBalancer: lb.name,
        rule: rule.name,
        vip: address,
        frontendPort: target.port,
        backendPort: rule.backendPort === 0 ? target.port : rule.backendPort,
        protocol: protocolNumbers[protocol],
        floatingIp: rule.enableFloatingIP,
        distribution: rule.loadDistribution,
        backendPool: rule.backendPool,
      };
      if (rule.frontendPort === target.port) return found;
      if (rule.frontendPort === 0) haPorts = found;
    }
  }
  return haPorts;
}
