/**
 * The nodes of a scenario's world as data: the router, Muxes, Host Agents with their VMs,
 * Internet clients and load-balancer frontends, with the names the builder gives them and
 * their addresses. Output formats use it to know what each trace vantage point is (captures,
 * the report's topology picture) without reaching into the built world.
 */
import { formatIpv4Address } from '@lbsim/core';
import { hostAgentName, indexVms, muxName, routerName } from '../model/topology-names.ts';
import type { Scenario } from '../schema/scenario.ts';
import { muxAddressBase } from './mux-pool.ts';

/** A node with one address: an Internet client or a Mux. */
export interface TopologyEndpoint {
  /** Node name, as in the trace. */
  readonly name: string;
  /** Dotted quad. */
  readonly address: string;
}

/** A VM: its NICs (the first is primary) and loopback addresses. */
export interface TopologyVm {
  readonly name: string;
  readonly nics: readonly TopologyEndpoint[];
  /** Dotted quads on loopback (floating-IP frontends). */
  readonly loopbacks: readonly string[];
}

/** A host: its Host Agent's node name and its VMs. */
export interface TopologyHost {
  /** The Host Agent's node name. */
  readonly name: string;
  readonly vms: readonly TopologyVm[];
}

/** A frontend IP of a load balancer. */
export interface TopologyFrontend {
  readonly loadBalancer: string;
  readonly name: string;
  readonly address: string;
  readonly type: 'public' | 'internal';
}

/** Every node of a world, in the order the builder creates them. */
export interface Topology {
  /** The edge router's node name. */
  readonly router: string;
  readonly muxes: readonly TopologyEndpoint[];
  readonly hosts: readonly TopologyHost[];
  readonly clients: readonly TopologyEndpoint[];
  readonly frontends: readonly TopologyFrontend[];
}

/**
 * Describes the world `buildWorld(scenario)` builds: node names from topology-names.ts and
 * addresses as the builder assigns them (Muxes from 100.127.0.1 up). Pure: no world is built.
 */
export function describeTopology(scenario: Scenario): Topology {
  const vmIndex = indexVms(scenario);
  return {
    router: routerName,
    muxes: Array.from({ length: scenario.network.muxes }, (_, i) => ({
      name: muxName(i),
      address: formatIpv4Address(muxAddressBase + i),
    })),
    hosts: scenario.hosts.map((host) => ({
      name: hostAgentName(host.name),
      vms: host.vms.map((vm) => {
        const nicNames = vmIndex.get(vm.name)?.nicNames ?? [];
        return {
          name: vm.name,
          nics: vm.nics.map((nic, i) => ({ name: nicNames[i] ?? nic.ip, address: nic.ip })),
          loopbacks: [...vm.loopbacks],
        };
      }),
    })),
    clients: scenario.clients.map((client) => ({ name: client.name, address: client.ip })),
    frontends: scenario.loadBalancers.flatMap((lb) =>
      lb.frontends.map((frontend) => ({
        loadBalancer: lb.name,
        name: frontend.name,
        address: frontend.ip,
        type: lb.type,
      })),
    ),
  };
}
