/**
 * What explanations look up in a scenario: what kind of node a trace vantage point is, which
 * VM and NIC own a DIP, which load-balancing rule a packet to a frontend meets, and what a VM
 * listens on. Pure lookups over the validated scenario; nothing is built or run.
 */

import { indexVms, muxName, proberName, resolveMember, routerName, type VmRef } from '../model/topology-names.ts';
import { memberName } from '../schema/load-balancer.ts';
import type { Scenario } from '../schema/scenario.ts';
import { splitTarget } from '../schema/traffic.ts';

type LoadBalancer = Scenario['loadBalancers'][number];
type Rule = LoadBalancer['rules'][number];
type Probe = LoadBalancer['probes'][number];
type Vm = Scenario['hosts'][number]['vms'][number];

/** What a trace vantage point is. */
export type NodeKind = 'client' | 'router' | 'mux' | 'host' | 'vm' | 'prober' | 'unknown';

/** A NIC in a backend pool: the DIP, its VM and NIC name. */
export interface PoolNic {
  /** Dotted quad. */
  readonly dip: string;
  readonly vm: Vm;
  readonly nic: string;
  /** 0 for the primary NIC. */
  readonly nicIndex: number;
}

/** A load-balancing rule with what it refers to. */
export interface RuleFacts {
  /** `loadBalancer/rule`, as notes and the summary name it. */
  readonly name: string;
  readonly loadBalancer: LoadBalancer;
  readonly rule: Rule;
  readonly frontendIp: string;
  /** Its probe, if it has one. */
  readonly probe: Probe | undefined;
  /** `loadBalancer/probe`, as health changes name it. */
  readonly probeName: string | undefined;
  /** Its backend pool's NICs as the scenario declares them (before any pool event). */
  readonly members: readonly PoolNic[];
}

/** Lookups over one scenario. */
export interface ScenarioIndex {
  readonly scenario: Scenario;
  /** The kind of a trace vantage point by name. */
  kindOf(node: string): NodeKind;
  /** The VM by name. */
  vm(name: string): Vm | undefined;
  /** The NIC that has `dip` (dotted quad). */
  nicOf(dip: string): PoolNic | undefined;
  /** The rule that takes `protocol` packets to `address:port`: its own port, else an HA-ports rule. */
  ruleAt(address: string, protocol: 'Tcp' | 'Udp', port: number): RuleFacts | undefined;
  /** The rule a traffic item's packets meet first (at its destination address and port). */
  ruleOfTraffic(traffic: number): RuleFacts | undefined;
  /** Every rule probed by `loadBalancer/probe`. */
  rulesProbedBy(probeName: string): RuleFacts[];
  /** Whether the VM declares a listener for `protocol` on `port` (it runs from the start). */
  declaresListener(vm: string, protocol: 'Tcp' | 'Udp', port: number): boolean;
  /** The address a traffic item's connections come from: the client's, or the VM's primary NIC's. */
  sourceOf(traffic: number): string | undefined;
}

/** Builds the lookups of `scenario`. */
export function indexScenario(scenario: Scenario): ScenarioIndex {
  const vms = indexVms(scenario);
  const kinds = nodeKindsOf(scenario, vms);
  const nics = nicsByAddress(vms);
  const rules = scenario.loadBalancers.flatMap((lb) => lb.rules.map((rule) => factsOfRule(lb, rule, vms)));
  const ruleAt = (address: string, protocol: 'Tcp' | 'Udp', port: number) =>
    rules.find((r) => r.frontendIp === address && r.rule.protocol === protocol && r.rule.frontendPort === port) ??
    rules.find((r) => r.frontendIp === address && r.rule.protocol === 'All');
  return {
    scenario,
    kindOf: (node) => kinds.get(node) ?? 'unknown',
    vm: (name) => vms.get(name)?.vm,
    nicOf: (dip) => nics.get(dip),
    ruleAt,
    ruleOfTraffic: (traffic) => {
      const item = scenario.traffic[traffic];
      if (item === undefined) return undefined;
      const target = splitTarget(item.to);
      return ruleAt(target.address, item.protocol, target.port);
    },
    rulesProbedBy: (probeName) => rules.filter((r) => r.probeName === probeName),
    declaresListener: (vm, protocol, port) =>
      (vms.get(vm)?.vm.listeners ?? []).some((listener) => listener.protocol === protocol && listener.port === port),
    sourceOf: (traffic) => {
      const from = scenario.traffic[traffic]?.from;
      return (
        scenario.clients.find((client) => client.name === from)?.ip ??
        (from === undefined ? undefined : vms.get(from)?.vm.nics[0]?.ip)
      );
    },
  };
}

function nodeKindsOf(scenario: Scenario, vms: ReadonlyMap<string, VmRef>): Map<string, NodeKind> {
  const kinds = new Map<string, NodeKind>([[routerName, 'router']]);
  for (let i = 0; i < scenario.network.muxes; i++) kinds.set(muxName(i), 'mux');
  for (const host of scenario.hosts) {
    kinds.set(host.name, 'host');
    kinds.set(proberName(host.name), 'prober');
  }
  for (const name of vms.keys()) kinds.set(name, 'vm');
  for (const client of scenario.clients) kinds.set(client.name, 'client');
  return kinds;
}

function nicsByAddress(vms: ReadonlyMap<string, VmRef>): Map<string, PoolNic> {
  const nics = new Map<string, PoolNic>();
  for (const ref of vms.values()) {
    ref.vm.nics.forEach((nic, nicIndex) => {
      nics.set(nic.ip, { dip: nic.ip, vm: ref.vm, nic: ref.nicNames[nicIndex] ?? nic.ip, nicIndex });
    });
  }
  return nics;
}

function factsOfRule(lb: LoadBalancer, rule: Rule, vms: ReadonlyMap<string, VmRef>): RuleFacts {
  const probe = lb.probes.find((candidate) => candidate.name === rule.probe);
  const pool = lb.backendPools.find((candidate) => candidate.name === rule.backendPool);
  const members = (pool?.members ?? []).flatMap((member) => {
    const resolved = resolveMember(memberName(member), vms);
    if (!resolved.ok) return [];
    const nic = resolved.vm.vm.nics[resolved.nicIndex];
    if (nic === undefined) return [];
    const name = resolved.vm.nicNames[resolved.nicIndex] ?? nic.ip;
    return [{ dip: nic.ip, vm: resolved.vm.vm, nic: name, nicIndex: resolved.nicIndex }];
  });
  return {
    name: `${lb.name}/${rule.name}`,
    loadBalancer: lb,
    rule,
    frontendIp: lb.frontends.find((frontend) => frontend.name === rule.frontend)?.ip ?? '',
    probe,
    probeName: probe === undefined ? undefined : `${lb.name}/${probe.name}`,
    members,
  };
}
