/**
 * Rules of the scenario in the manager's terms (core/control): load-balancing rules,
 * HA-ports rules and inbound NAT rules, over the pool members as they stand.
 */
import { type BackendConfig, IpProtocol, ipv4, type LoadBalancingRuleConfig, nsPerMinute } from '@lbsim/core';
import { indexVms, resolveMember, type VmRef } from '../model/topology-names.ts';
import type { Scenario } from '../schema/scenario.ts';
import type { PoolMember, PoolMembership } from './pool-membership.ts';

const protocolNumbers = { Tcp: IpProtocol.Tcp, Udp: IpProtocol.Udp } as const;

/**
 * Every rule of every load balancer:
 * - a load-balancing rule per protocol (an HA-ports rule, protocol All and port 0, becomes one
 *   TCP and one UDP rule on port 0, which match any port: docs/mechanics.md §2.9);
 * - an inbound NAT rule as a rule with one backend (port forwarding uses the same hashing,
 *   docs/mechanics.md §2.10).
 */
export function compileRules(scenario: Scenario, membership: PoolMembership): LoadBalancingRuleConfig[] {
  const vms = indexVms(scenario);
  const rules: LoadBalancingRuleConfig[] = [];
  for (const lb of scenario.loadBalancers) {
    const frontendIp = (name: string) => {
      const frontend = lb.frontends.find((f) => f.name === name);
      return frontend === undefined ? undefined : ipv4(frontend.ip);
    };
    for (const rule of lb.rules) {
      const vip = frontendIp(rule.frontend);
      if (vip === undefined) continue;
      const backends = backendsOf(membership.members(lb.name, rule.backendPool), vms);
      const probe = lb.probes.find((candidate) => candidate.name === rule.probe);
      const protocols = rule.protocol === 'All' ? (['Tcp', 'Udp'] as const) : [rule.protocol];
      for (const protocol of protocols) {
        rules.push({
          name: `${lb.name}/${rule.name}`,
          endpoint: { vip, protocol: protocolNumbers[protocol], port: rule.frontendPort },
          backendPort: rule.backendPort,
          distribution: rule.loadDistribution,
          floatingIp: rule.enableFloatingIP,
          idleTimeoutNs: rule.idleTimeoutInMinutes * nsPerMinute,
          // Azure sends no TCP reset for HA-ports rules of internal load balancers (§2.6).
          enableTcpReset: rule.enableTcpReset && rule.protocol !== 'All',
          probe: probe === undefined ? undefined : `${lb.name}/${probe.name}`,
          noHealthyBackends: probe?.noHealthyBackendsBehavior ?? 'AllProbedDown',
          backends,
        });
      }
    }
    for (const rule of lb.inboundNatRules) {
      const vip = frontendIp(rule.frontend);
      if (vip === undefined) continue;
      rules.push({
        name: `${lb.name}/${rule.name}`,
        endpoint: { vip, protocol: protocolNumbers[rule.protocol], port: rule.frontendPort },
        backendPort: rule.backendPort,
        distribution: 'Default',
        floatingIp: rule.enableFloatingIP,
        idleTimeoutNs: rule.idleTimeoutInMinutes * nsPerMinute,
        enableTcpReset: rule.enableTcpReset,
        // Inbound NAT rules need no probe (docs/mechanics.md §2.3).
        probe: undefined,
        noHealthyBackends: 'AllProbedDown',
        // Admin state does not apply to inbound NAT rules (docs/mechanics.md §2.3).
        backends: backendsOf([{ name: rule.target, weight: 1, adminState: 'None' }], vms),
      });
    }
  }
  return rules;
}

function backendsOf(members: readonly PoolMember[], vms: ReadonlyMap<string, VmRef>): BackendConfig[] {
  return members.flatMap((member) => {
    const resolved = resolveMember(member.name, vms);
    if (!resolved.ok) return [];
    const nic = resolved.vm.vm.nics[resolved.nicIndex];
    if (nic === undefined) return [];
    return [
      {
        dip: ipv4(nic.ip),
        host: resolved.vm.host,
        vm: resolved.vm.vm.name,
        weight: member.weight,
        adminState: member.adminState,
      },
    ];
  });
}
