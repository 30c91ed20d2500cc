/**
 * Health probing (docs/mechanics.md §1.4 "DIP health monitoring", §2.3, §7.5): each host's probe
 * engine probes the host's own DIPs from 168.63.129.16. Probe packets enter the Host Agent as
 * if from the network, so the NIC's NSGs and the guest see them like any other packet; what the
 * VMs send back to 168.63.129.16 the Host Agent hands to the prober. A verdict change goes to
 * the manager, which relays it to every Mux after `network.healthLatency`.
 */
import {
  type ControlChannel,
  type ControlReceiver,
  defaultTcpConfig,
  Endpoint,
  type Fabric,
  formatIpv4Address,
  type LoadBalancingRuleConfig,
  type ManagerControlMessage,
} from '@lbsim/core';
import type { HostAgent } from '@lbsim/host-agent';
import {
  defineProbe,
  type ProbeDefinition,
  ProbeEngine,
  type ProbeEvent,
  type ProbeTarget,
  probeSourceAddress,
  type RoleInstanceState,
} from '@lbsim/probe';
import type { HealthChangeRecord } from '../base/run-result.ts';
import { proberName } from '../model/topology-names.ts';
import type { Scenario } from '../schema/scenario.ts';
import { reassemblyTimeoutNs } from './guest.ts';

/** The probing part of the world. */
export interface Probing {
  /** Every verdict change, in time order. */
  readonly changes: readonly HealthChangeRecord[];
  /** Probe engines by host name. */
  readonly engines: ReadonlyMap<string, ProbeEngine>;
  /** Probes what `rules` ask for from now on (after a backend pool changed). */
  sync(rules: readonly LoadBalancingRuleConfig[]): void;
  /** Stops probing the DIPs of a VM that stopped (stopped VMs are not probed, docs/mechanics.md §2.3). */
  pauseVm(vm: string): void;
  /** Probes a VM that started again; its first success marks it up. */
  resumeVm(vm: string): void;
  /**
   * Sets the state a Cloud Services (classic) role instance reports through its guest agent;
   * guest agent probes pass only while it is Ready (docs/mechanics.md §2.3).
   */
  setRoleState(vm: string, state: RoleInstanceState): void;
}

/**
 * The prober's TCP stack. Azure does not document the probers' timestamp behaviour
 * (docs/mechanics.md §3); they are distributed components sharing one source address, so their
 * TSvals do not grow from one probe to the next — modelled, as Linux ≥ 4.10 does it, by a
 * random timestamp offset per connection. Each probe is a single attempt (no SYN retries): the
 * next interval is the retry.
 */
const proberTcpConfig = { ...defaultTcpConfig, timestamps: true, randomTimestampOffsets: true, synRetries: 0 };

/** Builds one probe engine per host and starts probing what `rules` ask for. */
export function buildProbing(
  scenario: Scenario,
  fabric: Fabric,
  hostAgents: ReadonlyMap<string, HostAgent>,
  channel: ControlChannel,
  manager: ControlReceiver<ManagerControlMessage>,
): Probing {
  const definitions = probeDefinitionsOf(scenario);
  const changes: HealthChangeRecord[] = [];
  const engines = new Map<string, ProbeEngine>();
  const roleStates = new Map<string, RoleInstanceState>(
    scenario.hosts.flatMap((host) => host.vms.map((vm) => [vm.name, vm.roleState] as const)),
  );
  const report = (host: string) => (event: ProbeEvent) => {
    const { target, change } = event;
    changes.push({
      atNs: event.atNs,
      host,
      probe: target.probe.name,
      dip: formatIpv4Address(target.dip),
      vm: target.vm,
      from: change.from,
      to: change.to,
      why: change.why,
    });
    const message = { kind: 'dip-health', probe: target.probe.name, dip: target.dip, up: change.to === 'up' } as const;
    channel.send(manager, { ...message, why: change.why }, 0);
  };
  for (const [host, agent] of hostAgents) {
    const name = proberName(host);
    const endpoint = new Endpoint({
      name,
      kernel: fabric.kernel,
      tracer: fabric.tracer,
      random: fabric.kernel.random(`prober:${host}`),
      tcp: proberTcpConfig,
      mtuBytes: scenario.network.mtu,
      reassemblyTimeoutNs,
      output: (packet, meta) => agent.deliverToNic(packet, meta),
    });
    agent.attachHostService(probeSourceAddress, { name, receive: (packet, meta) => endpoint.receive(packet, meta) });
    engines.set(
      host,
      new ProbeEngine({
        kernel: fabric.kernel,
        endpoint,
        onChange: report(host),
        roleStateOf: (target) => roleStates.get(target.vm) ?? 'Ready',
      }),
    );
  }
  const vmDips = new Map<string, number[]>();
  const sync = (rules: readonly LoadBalancingRuleConfig[]) => {
    const byHost = probeTargetsOf(rules, definitions);
    for (const [host, engine] of engines) engine.sync(byHost.get(host) ?? []);
    for (const targets of byHost.values()) {
      for (const target of targets) {
        const dips = vmDips.get(target.vm) ?? [];
        if (!dips.includes(target.dip)) dips.push(target.dip);
        vmDips.set(target.vm, dips);
      }
    }
  };
  const eachDipOf = (vm: string, act: (engine: ProbeEngine, dip: number) => void) => {
    for (const engine of engines.values()) for (const dip of vmDips.get(vm) ?? []) act(engine, dip);
  };
  return {
    changes,
    engines,
    sync,
    pauseVm: (vm) => eachDipOf(vm, (engine, dip) => engine.pause(dip, 'VM stopped')),
    resumeVm: (vm) => eachDipOf(vm, (engine, dip) => engine.resume(dip)),
    setRoleState: (vm, state) => roleStates.set(vm, state),
  };
}

/** Every probe of the scenario as the engine runs it, by `loadBalancer/probe`. */
function probeDefinitionsOf(scenario: Scenario): Map<string, ProbeDefinition> {
  const definitions = new Map<string, ProbeDefinition>();
  for (const lb of scenario.loadBalancers) {
    for (const probe of lb.probes) {
      const name = `${lb.name}/${probe.name}`;
      definitions.set(name, defineProbe({ ...probe, name }));
    }
  }
  return definitions;
}

/**
 * What each host probes: every (DIP, probe) a rule asks for, once, by the host of the DIP.
 * Probes target the DIP even for floating-IP rules (docs/mechanics.md §2.3).
 */
function probeTargetsOf(
  rules: readonly LoadBalancingRuleConfig[],
  definitions: ReadonlyMap<string, ProbeDefinition>,
): Map<string, ProbeTarget[]> {
  const byHost = new Map<string, ProbeTarget[]>();
  const seen = new Set<string>();
  for (const rule of rules) {
    const probe = rule.probe === undefined ? undefined : definitions.get(rule.probe);
    if (probe === undefined) continue;
    for (const backend of rule.backends) {
      const key = `${probe.name}|${backend.dip}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const targets = byHost.get(backend.host) ?? [];
      targets.push({ dip: backend.dip, vm: backend.vm, probe });
      byHost.set(backend.host, targets);
    }
  }
  return byHost;
}
