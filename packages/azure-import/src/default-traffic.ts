/**
 * The default `traffic:` and `expect:` of an imported scenario: one Internet client per rule of
 * a public frontend, one calling VM in the virtual network per rule of an internal one, each
 * opening a few connections after the first probe round; and an expectation that they
 * complete, for the user to edit. Added VMs and clients are named `lbsim-…` so they stand out.
 */
import { DynamicAddressPool } from './dynamic-addresses.ts';
import type { ScenarioDocument } from './map-resources.ts';

interface RuleLike {
  readonly name: string;
  readonly frontend?: string;
  readonly protocol?: string;
  readonly frontendPort?: number;
}

/** The scenario with clients, callers, traffic and expectations added; and what was added, in words. */
export function addDefaultTraffic(scenario: ScenarioDocument): { scenario: ScenarioDocument; added: string[] } {
  const added: string[] = [];
  const clients: { name: string; ip: string }[] = [];
  const traffic: Record<string, unknown>[] = [];
  const vms = [
    ...((scenario['vms'] ?? []) as { name: string; nics: { name?: string; ip: string; subnet?: string }[] }[]),
  ];
  const pool = new DynamicAddressPool();
  for (const vm of vms) for (const nic of vm.nics) pool.reserve(nic.ip);
  const subnets =
    (scenario['virtualNetwork'] as { subnets?: { name: string; addressPrefix: string }[] } | undefined)?.subnets ?? [];
  const loadBalancers = (scenario['loadBalancers'] ?? []) as {
    name: string;
    type: string;
    frontends: { name: string; ip: string; subnet?: string }[];
    rules?: RuleLike[];
    inboundNatRules?: RuleLike[];
  }[];
  for (const lb of loadBalancers) for (const frontend of lb.frontends) pool.reserve(frontend.ip);
  let callerName: string | undefined;
  for (const lb of loadBalancers) {
    for (const rule of [...(lb.rules ?? []), ...(lb.inboundNatRules ?? [])]) {
      const frontend = lb.frontends.find((candidate) => candidate.name === rule.frontend);
      if (frontend === undefined || rule.protocol === 'All' || rule.frontendPort === undefined) continue;
      let from: string;
      if (lb.type === 'internal') {
        if (callerName === undefined) {
          const subnet = subnets.find((candidate) => candidate.name === frontend.subnet) ?? subnets[0];
          const ip = subnet === undefined ? undefined : pool.allocate(subnet.addressPrefix);
          if (subnet === undefined || ip === undefined) continue;
          callerName = 'lbsim-caller';
          vms.push({ name: callerName, nics: [{ name: 'lbsim-caller-nic', ip, subnet: subnet.name }] });
          added.push(`a VM lbsim-caller at ${ip} in ${subnet.name}, calling the internal frontends`);
        }
        from = callerName;
      } else {
        const name = `lbsim-client-${clients.length + 1}`;
        const ip = `203.0.113.${10 + clients.length}`;
        clients.push({ name, ip });
        added.push(`an Internet client ${name} at ${ip} (RFC 5737 documentation address) for ${lb.name}/${rule.name}`);
        from = name;
      }
      traffic.push({
        name: `to-${lb.name}-${rule.name}`.slice(0, 80),
        from,
        to: `${frontend.ip}:${rule.frontendPort}`,
        ...(rule.protocol === 'Udp' ? { protocol: 'Udp' } : {}),
        connections: 10,
        startAt: '2s',
        every: '500ms',
      });
    }
  }
  const expect = traffic.map((item) => ({ traffic: item['name'], outcome: 'completed' }));
  return {
    scenario: {
      ...scenario,
      vms,
      ...(clients.length === 0 ? {} : { clients }),
      ...(traffic.length === 0 ? {} : { traffic, expect }),
    },
    added,
  };
}
