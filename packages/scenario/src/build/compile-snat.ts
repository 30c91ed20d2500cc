/**
 * Outbound SNAT of the scenario in the manager's terms (core/control `SnatConfiguration`),
 * over the pool members as they stand (docs/mechanics.md §2.8, [AZ-OUTRULES, AZ-OUT-2018]):
 *
 * - an outbound rule gives each member of its pool SNAT through its frontends, for its
 *   protocols (`All`: TCP and UDP), with `allocatedOutboundPorts` ports (0 or absent: the
 *   default table by pool size), its idle timeout and `enableTcpReset`;
 * - a public load balancer's load-balancing rules give default outbound SNAT to their pool,
 *   only for their own protocols, through their frontends, unless `disableOutboundSnat`;
 * - a NIC behind a Standard load balancer (a pool member or inbound NAT target) without SNAT
 *   for a protocol has no outbound connectivity for it: an internal load balancer gives none,
 *   and neither do inbound NAT rules alone;
 * - a NIC that is in several pools takes the first policy, in scenario order.
 */
import {
  IpProtocol,
  ipv4,
  nsPerMinute,
  type OutboundBlocked,
  type SnatConfiguration,
  type SnatPolicy,
} from '@lbsim/core';
import { defaultOutboundIdleTimeoutNs, defaultOutboundPorts, defaultSnatPorts } from '../model/snat-budget.ts';
import { indexVms, resolveMember, type VmRef } from '../model/topology-names.ts';
import type { Scenario } from '../schema/scenario.ts';
import type { PoolMembership } from './pool-membership.ts';

type LoadBalancer = Scenario['loadBalancers'][number];
type Protocol = 'Tcp' | 'Udp' | 'All';

const protocolNumbers = { Tcp: IpProtocol.Tcp, Udp: IpProtocol.Udp } as const;

/** A NIC as SNAT needs it. */
interface SnatNic {
  readonly dip: number;
  readonly host: string;
  readonly vm: string;
}

/** Protocol numbers of a rule's protocol. */
function protocolsOf(protocol: Protocol): number[] {
  return protocol === 'All' ? [IpProtocol.Tcp, IpProtocol.Udp] : [protocolNumbers[protocol]];
}

function protocolName(protocol: number): string {
  return protocol === IpProtocol.Tcp ? 'TCP' : 'UDP';
}

function nicOf(member: string, vms: ReadonlyMap<string, VmRef>): SnatNic | undefined {
  const resolved = resolveMember(member, vms);
  if (!resolved.ok) return undefined;
  const nic = resolved.vm.vm.nics[resolved.nicIndex];
  return nic === undefined ? undefined : { dip: ipv4(nic.ip), host: resolved.vm.host, vm: resolved.vm.vm.name };
}

/** The SNAT configuration of the scenario with pools as they stand. */
export function compileSnat(scenario: Scenario, membership: PoolMembership): SnatConfiguration {
  const vms = indexVms(scenario);
  const policies = new Map<string, SnatPolicy>();
  const behind = new Map<number, { readonly nic: SnatNic; readonly loadBalancers: LoadBalancer[] }>();
  const add = (policy: SnatPolicy) => {
    const key = `${policy.dip}|${policy.protocol}`;
    if (!policies.has(key)) policies.set(key, policy);
  };
  for (const lb of scenario.loadBalancers) {
    const nicsOfPool = (pool: string) =>
      membership.members(lb.name, pool).flatMap((member) => nicOf(member.name, vms) ?? []);
    const targets = [
      ...lb.backendPools.flatMap((pool) => nicsOfPool(pool.name)),
      ...lb.inboundNatRules.flatMap((rule) => nicOf(rule.target, vms) ?? []),
    ];
    for (const nic of targets) {
      const entry = behind.get(nic.dip) ?? { nic, loadBalancers: [] };
      if (!entry.loadBalancers.includes(lb)) entry.loadBalancers.push(lb);
      behind.set(nic.dip, entry);
    }
    if (lb.type === 'internal') continue;
    for (const policy of outboundRulePolicies(lb, nicsOfPool)) add(policy);
    for (const policy of defaultOutboundPolicies(lb, nicsOfPool)) add(policy);
  }
  const blocked: OutboundBlocked[] = [];
  for (const { nic, loadBalancers } of behind.values()) {
    for (const protocol of [IpProtocol.Tcp, IpProtocol.Udp]) {
      if (policies.has(`${nic.dip}|${protocol}`)) continue;
      blocked.push({ dip: nic.dip, host: nic.host, protocol, why: whyNoOutbound(nic, protocol, loadBalancers) });
    }
  }
  return { policies: [...policies.values()], blocked };
}

/** The policies of a public load balancer's outbound rules. */
function outboundRulePolicies(lb: LoadBalancer, nicsOfPool: (pool: string) => SnatNic[]): SnatPolicy[] {
  const frontendIp = frontendIpsOf(lb);
  return lb.outboundRules.flatMap((rule) => {
    const nics = nicsOfPool(rule.backendPool);
    const allocated = rule.allocatedOutboundPorts ?? 0;
    const portLimit = allocated > 0 ? allocated : defaultSnatPorts(nics.length);
    const frontends = rule.frontends.flatMap((name) => frontendIp.get(name) ?? []);
    return nics.flatMap((nic) =>
      protocolsOf(rule.protocol).map((protocol) => ({
        name: `${lb.name}/${rule.name}`,
        dip: nic.dip,
        host: nic.host,
        vm: nic.vm,
        protocol,
        frontends,
        portLimit,
        idleTimeoutNs: rule.idleTimeoutInMinutes * nsPerMinute,
        enableTcpReset: rule.enableTcpReset && protocol === IpProtocol.Tcp,
      })),
    );
  });
}

/**
 * Default outbound through a public load balancer's load-balancing rules: per (pool,
 * protocol), the frontends of its rules that leave outbound SNAT on, in rule order.
 */
function defaultOutboundPolicies(lb: LoadBalancer, nicsOfPool: (pool: string) => SnatNic[]): SnatPolicy[] {
  const frontendIp = frontendIpsOf(lb);
  const groups = new Map<string, { pool: string; protocol: number; rule: string; frontends: number[] }>();
  for (const rule of lb.rules) {
    if (rule.disableOutboundSnat) continue;
    const vip = frontendIp.get(rule.frontend);
    if (vip === undefined) continue;
    for (const protocol of protocolsOf(rule.protocol)) {
      const key = `${rule.backendPool}|${protocol}`;
      const group = groups.get(key) ?? { pool: rule.backendPool, protocol, rule: rule.name, frontends: [] };
      if (!group.frontends.includes(vip)) group.frontends.push(vip);
      groups.set(key, group);
    }
  }
  return [...groups.values()].flatMap((group) => {
    const nics = nicsOfPool(group.pool);
    const portLimit = defaultOutboundPorts(nics.length, group.frontends.length);
    return nics.map((nic) => ({
      name: `${lb.name}/${group.rule} (default outbound)`,
      dip: nic.dip,
      host: nic.host,
      vm: nic.vm,
      protocol: group.protocol,
      frontends: group.frontends,
      portLimit,
      idleTimeoutNs: defaultOutboundIdleTimeoutNs,
      enableTcpReset: false,
    }));
  });
}

function frontendIpsOf(lb: LoadBalancer): Map<string, number> {
  return new Map(lb.frontends.map((frontend) => [frontend.name, ipv4(frontend.ip)]));
}

/** Why a NIC behind Standard load balancers has no outbound connectivity for a protocol, with the fix. */
function whyNoOutbound(nic: SnatNic, protocol: number, loadBalancers: readonly LoadBalancer[]): string {
  const name = protocolName(protocol);
  const publicLb = loadBalancers.find((lb) => lb.type === 'public');
  if (publicLb !== undefined) {
    return `${nic.vm} is behind public load balancer "${publicLb.name}", which gives it no outbound ${name}: a Standard load balancer SNATs only the protocols of its load-balancing rules, and none with disableOutboundSnat or through inbound NAT rules (add an outbound rule with protocol ${name === 'TCP' ? 'Tcp' : 'Udp'} or All)`;
  }
  const lb = loadBalancers[0]?.name ?? '';
  return `${nic.vm} is behind internal load balancer "${lb}", which gives no outbound connectivity (add an outbound rule on a public load balancer for its NIC, a NAT gateway or a public IP)`;
}
