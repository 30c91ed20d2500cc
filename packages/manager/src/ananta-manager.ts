/**
 * The Ananta Manager (docs/mechanics.md §1.5, [ANANTA §3.5]): the control plane. It compiles load
 * balancers into the VIP map every Mux of the pool gets and the NAT rules each Host Agent gets
 * for its own DIPs, pushes them through the control channel with a latency, relays the
 * health Host Agents report to every Mux (docs/mechanics.md §1.4, [ANANTA §3.4.3]), and allocates
 * SNAT ports (`snat-allocator.ts`): it programs every Mux with a range before the Host Agent
 * that asked for it learns of it, so return traffic always finds its DIP ([ANANTA §3.2.3]).
 */
import {
  type ControlChannel,
  type ControlReceiver,
  type DipHealth,
  emptySnatConfiguration,
  type HostAgentControlMessage,
  type LoadBalancingRuleConfig,
  type ManagerControlMessage,
  type MuxControlMessage,
  type NatRule,
  nsPerMs,
  nsPerSecond,
  type SnatConfiguration,
  type SnatPolicy,
  type SnatPortRange,
  type VipMapRule,
} from '@lbsim/core';
import { SnatAllocator, type SnatAllocatorOptions, snatPoolKey } from './snat-allocator.ts';

/** Settings of the manager's SNAT port allocation. */
export interface SnatManagerOptions extends SnatAllocatorOptions {
  /** A requested range with no flow for this long goes back to the manager, ns (told to Host Agents). */
  readonly rangeReturnIdleNs: number;
}

/**
 * Defaults: 35 ms of processing, so with the 10 ms control latency each way a request is
 * answered in 55 ms as Ananta measured for a normal tenant (docs/mechanics.md §1.8, [ANANTA
 * §5.1.2]); one range preallocated per DIP and protocol ([ANANTA §3.5.1] preallocates "a set
 * of port ranges", how many is not published); a DIP asking again within 1 s gets more
 * ranges; requested ranges idle for 2 minutes go back (Ananta's timeout is configurable and
 * unpublished).
 */
export const defaultSnatManagerOptions: SnatManagerOptions = {
  processingNs: 35 * nsPerMs,
  preallocatedPorts: 8,
  demandWindowNs: nsPerSecond,
  rangeReturnIdleNs: 120 * nsPerSecond,
};

/** Options of an {@link AnantaManager}. */
export interface AnantaManagerOptions {
  readonly channel: ControlChannel;
  /** Time from the manager deciding to a Mux or Host Agent applying, ns. */
  readonly configLatencyNs: number;
  /** Time from a health report reaching the manager to every Mux applying it, ns. */
  readonly healthLatencyNs: number;
  /** The Mux pool; more can join with {@link AnantaManager.addMux}. */
  readonly muxes: readonly ControlReceiver<MuxControlMessage>[];
  /** Host Agents by host name. */
  readonly hostAgents: ReadonlyMap<string, ControlReceiver<HostAgentControlMessage>>;
  /** SNAT port allocation settings; {@link defaultSnatManagerOptions} when absent. */
  readonly snat?: SnatManagerOptions;
}

/** A health change the manager relayed. */
export interface HealthRecord {
  /** When the manager received it, ns. */
  readonly atNs: number;
  readonly probe: string;
  readonly dip: number;
  readonly up: boolean;
  readonly why: string;
}

/** Compiles rules into the Muxes' VIP map. */
export function compileVipMap(rules: readonly LoadBalancingRuleConfig[]): VipMapRule[] {
  return rules.map((rule) => ({
    name: rule.name,
    endpoint: rule.endpoint,
    distribution: rule.distribution,
    dips: rule.backends.map((backend) => ({
      dip: backend.dip,
      weight: backend.weight,
      adminState: backend.adminState,
    })),
    idleTimeoutNs: rule.idleTimeoutNs,
    probe: rule.probe,
    noHealthyBackends: rule.noHealthyBackends,
  }));
}

/** Compiles rules into each host's NAT rules, by host name. */
export function compileNatRules(rules: readonly LoadBalancingRuleConfig[]): Map<string, NatRule[]> {
  const byHost = new Map<string, NatRule[]>();
  for (const rule of rules) {
    for (const backend of rule.backends) {
      const list = byHost.get(backend.host) ?? [];
      list.push({
        name: rule.name,
        endpoint: rule.endpoint,
        dip: backend.dip,
        backendPort: rule.backendPort,
        floatingIp: rule.floatingIp,
        idleTimeoutNs: rule.idleTimeoutNs,
        enableTcpReset: rule.enableTcpReset,
      });
      byHost.set(backend.host, list);
    }
  }
  return byHost;
}

/** The manager of one Mux pool. */
export class AnantaManager implements ControlReceiver<ManagerControlMessage> {
  readonly name = 'manager';
  /** Every health change relayed, in order. */
  readonly healthLog: HealthRecord[] = [];
  /** SNAT port allocation: its counters and what each DIP holds. */
  readonly snat: SnatAllocator;
  private rules: readonly LoadBalancingRuleConfig[] = [];
  private readonly muxes: ControlReceiver<MuxControlMessage>[];
  private readonly health = new Map<string, DipHealth>();
  private readonly snatOptions: SnatManagerOptions;

  constructor(private readonly options: AnantaManagerOptions) {
    this.muxes = [...options.muxes];
    this.snatOptions = options.snat ?? defaultSnatManagerOptions;
    this.snat = new SnatAllocator(this.snatOptions);
  }

  /** The rules last configured. */
  get configuredRules(): readonly LoadBalancingRuleConfig[] {
    return this.rules;
  }

  /**
   * Applies a new configuration: every Mux and Host Agent gets its part after the latency.
   * @param snat outbound SNAT policies; new ones are preallocated ports, DIPs that lost theirs
   *   give their ranges back
   */
  configure(rules: readonly LoadBalancingRuleConfig[], snat: SnatConfiguration = emptySnatConfiguration): void {
    this.rules = rules;
    const { channel, configLatencyNs } = this.options;
    for (const mux of this.muxes) channel.send(mux, this.vipMapMessage(), configLatencyNs);
    const natRules = compileNatRules(rules);
    for (const [host, agent] of this.options.hostAgents) {
      channel.send(agent, { kind: 'nat-rules', rules: natRules.get(host) ?? [] }, configLatencyNs);
    }
    this.configureSnat(snat, rules);
  }

  /** A Host Agent reports a probe's new verdict, asks for SNAT ports or gives some back. */
  receiveControl(message: ManagerControlMessage): void {
    if (message.kind === 'snat-request') {
      this.serveSnatRequest(message);
      return;
    }
    if (message.kind === 'snat-release') {
      const freed = this.snat.release(message.dip, message.ranges);
      if (freed.length > 0) this.sendToMuxes({ kind: 'snat-ranges', replace: false, add: [], remove: freed });
      return;
    }
    const { probe, dip, up, why } = message;
    this.health.set(`${probe}|${dip}`, { probe, dip, up });
    this.healthLog.push({ atNs: this.options.channel.nowNs, probe, dip, up, why });
    for (const mux of this.muxes)
      this.options.channel.send(mux, { kind: 'dip-health', probe, dip, up }, this.options.healthLatencyNs);
  }

  /**
   * Sends the current VIP map and health to one Mux: a Mux that restarts gets the manager's
   * state before it announces routes (docs/mechanics.md §1.3, [ANANTA §3.3.1]).
   */
  resync(mux: ControlReceiver<MuxControlMessage>): void {
    const { channel, configLatencyNs } = this.options;
    channel.send(mux, this.vipMapMessage(), configLatencyNs);
    channel.send(mux, { kind: 'snat-ranges', replace: true, add: this.snat.owners(), remove: [] }, configLatencyNs);
  }

  /** A new Mux joins the pool and is given the VIP map. */
  addMux(mux: ControlReceiver<MuxControlMessage>): void {
    this.muxes.push(mux);
    this.resync(mux);
  }

  /**
   * Sends each Host Agent its DIPs' SNAT policies, the Muxes the preallocated and revoked
   * ranges, and the Host Agents their preallocated ranges — Muxes first, so no range reaches a
   * Host Agent before the Muxes can route its return traffic.
   */
  private configureSnat(snat: SnatConfiguration, rules: readonly LoadBalancingRuleConfig[]): void {
    const { channel, configLatencyNs } = this.options;
    const change = this.snat.configure(snat, rulePortsOf(rules));
    const add = change.preallocated.flatMap(({ policy, ranges }) =>
      ranges.map((range) => ({ range, dip: policy.dip })),
    );
    const remove = change.revoked.map((owner) => owner.range);
    if (add.length > 0 || remove.length > 0) this.sendToMuxes({ kind: 'snat-ranges', replace: false, add, remove });
    for (const [host, agent] of this.options.hostAgents) {
      const message: HostAgentControlMessage = {
        kind: 'snat-policies',
        policies: snat.policies.filter((policy) => policy.host === host),
        blocked: snat.blocked.filter((entry) => entry.host === host),
        rangeReturnIdleNs: this.snatOptions.rangeReturnIdleNs,
      };
      channel.send(agent, message, configLatencyNs);
    }
    for (const { policy, ranges } of change.preallocated)
      this.sendGrant(policy, ranges, true, undefined, configLatencyNs);
  }

  /**
   * Serves a SNAT request: after the processing time, the Muxes learn the new ranges and then
   * the Host Agent gets them (or a refusal). A request dropped as a duplicate gets no answer.
   */
  private serveSnatRequest(request: Extract<ManagerControlMessage, { kind: 'snat-request' }>): void {
    const { dip, protocol } = request;
    const outcome = this.snat.request(dip, protocol, this.options.channel.nowNs);
    if (outcome.kind === 'dropped') return;
    const policy = { dip, protocol, host: request.host };
    const latencyNs = this.snatOptions.processingNs + this.options.configLatencyNs;
    if (outcome.kind === 'refused') {
      this.sendGrant(policy, [], false, outcome.why, latencyNs);
      return;
    }
    const add = outcome.ranges.map((range) => ({ range, dip }));
    this.sendToMuxes({ kind: 'snat-ranges', replace: false, add, remove: [] }, latencyNs);
    this.sendGrant(policy, outcome.ranges, false, undefined, latencyNs);
  }

  private sendGrant(
    policy: Pick<SnatPolicy, 'dip' | 'host' | 'protocol'>,
    ranges: readonly SnatPortRange[],
    preallocated: boolean,
    refusal: string | undefined,
    latencyNs: number,
  ): void {
    const agent = this.options.hostAgents.get(policy.host);
    if (agent === undefined) return;
    const { dip, protocol } = policy;
    this.options.channel.send(agent, { kind: 'snat-grant', dip, protocol, ranges, preallocated, refusal }, latencyNs);
  }

  private sendToMuxes(message: MuxControlMessage, latencyNs = this.options.configLatencyNs): void {
    for (const mux of this.muxes) this.options.channel.send(mux, message, latencyNs);
  }

  private vipMapMessage(): MuxControlMessage {
    return { kind: 'vip-map', rules: compileVipMap(this.rules), health: [...this.health.values()] };
  }
}

/** Frontend ports of the rules per frontend IP and protocol: each takes its range of 8 from SNAT. */
function rulePortsOf(rules: readonly LoadBalancingRuleConfig[]): Map<string, number[]> {
  const ports = new Map<string, number[]>();
  for (const rule of rules) {
    const key = snatPoolKey(rule.endpoint.vip, rule.endpoint.protocol);
    const list = ports.get(key) ?? [];
    list.push(rule.endpoint.port);
    ports.set(key, list);
  }
  return ports;
}
