/**
 * The topology picture's graph, before layout: the network's nodes (clients, the edge router,
 * Muxes, Host Agents, VMs) joined by the links packets take, and each load balancer's
 * configuration (frontends, rules, backend pools, probes, inbound NAT and outbound rules)
 * with the NSGs, joined by what refers to what. In the simulated network every Mux and every
 * Host Agent hangs off the edge router: a Mux's IP-in-IP packet to a host crosses the router
 * (Ananta paper §3.2.2), so Muxes are never drawn between the router and the hosts.
 */
import { formatDurationNs, type Ipv4Prefix, parseIpv4Address, parseIpv4Prefix, prefixContains } from '@lbsim/core';
import type { RunResult, Scenario, Topology } from '@lbsim/scenario';

/** What a box of the picture is. */
export type TopologyNodeKind =
  | 'client'
  | 'router'
  | 'mux'
  | 'host'
  | 'guest'
  | 'frontend'
  | 'rule'
  | 'pool'
  | 'probe'
  | 'nat-rule'
  | 'outbound-rule'
  | 'nsg';

/** A box: its kind, a unique id, its name and the lines under it. */
export interface TopologyNode {
  /** Unique in the graph: `<kind>:<name>` (load-balancer parts also name their load balancer). */
  readonly id: string;
  readonly kind: TopologyNodeKind;
  readonly title: string;
  readonly details: readonly string[];
  /** The load balancer whose box holds it, if any. */
  readonly group: string | undefined;
  /** Why it is marked failed (a Mux that failed during the run), else undefined. */
  readonly failure: string | undefined;
}

/**
 * A line between two boxes: `link` is a network link packets cross; `config` is a reference
 * in the configuration (a rule's frontend, pool and probe; a pool's members; an NSG's NICs).
 */
export interface TopologyEdge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly kind: 'link' | 'config';
}

/** A load balancer's box around its parts. */
export interface TopologyGroup {
  readonly id: string;
  readonly title: string;
}

/** The graph to lay out. */
export interface TopologyGraph {
  readonly nodes: readonly TopologyNode[];
  readonly edges: readonly TopologyEdge[];
  readonly groups: readonly TopologyGroup[];
}

/** What the run says about each Mux: when it failed or came back, and whether it ended down. */
export function muxFailuresOf(scenario: Scenario, result: RunResult | undefined): Map<string, string> {
  const notes = new Map<string, string[]>();
  const add = (mux: string, note: string) => notes.set(mux, [...(notes.get(mux) ?? []), note]);
  for (const event of scenario.events) {
    if (event.action === 'fail-mux') add(event.mux, `failed at ${formatDurationNs(event.at)}`);
    if (event.action === 'restore-mux') add(event.mux, `restored at ${formatDurationNs(event.at)}`);
  }
  for (const mux of result?.muxes ?? []) if (!mux.running) add(mux.name, 'down at the end');
  return new Map(
    [...notes.entries()]
      .filter(([, list]) => list.some((note) => note.startsWith('failed')))
      .map(([mux, list]) => [mux, list.join(', ')]),
  );
}

const vmId = (name: string) => `vm:${name}`;
const lbPartId = (kind: string, lb: string, name: string) => `${kind}:${lb}/${name}`;

/** The graph of `scenario`'s world, with the Muxes in `muxFailures` marked failed. */
export function topologyGraphOf(
  scenario: Scenario,
  topology: Topology,
  muxFailures: ReadonlyMap<string, string>,
): TopologyGraph {
  const nodes: TopologyNode[] = [];
  const edges: TopologyEdge[] = [];
  const node = (
    id: string,
    kind: TopologyNodeKind,
    title: string,
    details: readonly string[],
    group?: string,
    failure?: string,
  ) => nodes.push({ id, kind, title, details, group, failure });
  const edge = (from: string, to: string, kind: TopologyEdge['kind']) =>
    edges.push({ id: `e${edges.length}`, from, to, kind });

  const router = `router:${topology.router}`;
  for (const client of topology.clients) {
    node(`client:${client.name}`, 'client', client.name, [client.address]);
    edge(`client:${client.name}`, router, 'link');
  }
  node(router, 'router', topology.router, [`edge router, ECMP over ${topology.muxes.length} Muxes`]);
  for (const mux of topology.muxes) {
    const failure = muxFailures.get(mux.name);
    node(
      `mux:${mux.name}`,
      'mux',
      mux.name,
      [mux.address, ...(failure === undefined ? [] : [failure])],
      undefined,
      failure,
    );
    edge(router, `mux:${mux.name}`, 'link');
  }
  for (const host of topology.hosts) {
    node(`host:${host.name}`, 'host', host.name, ['Host Agent']);
    edge(router, `host:${host.name}`, 'link');
    for (const vm of host.vms) {
      node(
        vmId(vm.name),
        'guest',
        vm.name,
        vm.nics.map((nic) => nic.address),
      );
      edge(`host:${host.name}`, vmId(vm.name), 'link');
    }
  }

  const groups = scenario.loadBalancers.map((lb) => ({
    id: `lb:${lb.name}`,
    title: `${lb.name}: ${lb.type} ${lb.sku} load balancer`,
  }));
  for (const lb of scenario.loadBalancers) {
    const group = `lb:${lb.name}`;
    for (const frontend of lb.frontends) {
      node(lbPartId('frontend', lb.name, frontend.name), 'frontend', `frontend ${frontend.name}`, [frontend.ip], group);
    }
    for (const probe of lb.probes) {
      const target = `${probe.protocol}:${probe.port}${probe.requestPath === undefined ? '' : ` ${probe.requestPath}`}`;
      node(
        lbPartId('probe', lb.name, probe.name),
        'probe',
        `probe ${probe.name}`,
        [`${target} every ${probe.intervalInSeconds} s`],
        group,
      );
    }
    for (const pool of lb.backendPools) {
      const id = lbPartId('pool', lb.name, pool.name);
      node(
        id,
        'pool',
        `pool ${pool.name}`,
        [`${pool.members.length} ${pool.members.length === 1 ? 'member' : 'members'}`],
        group,
      );
      for (const member of pool.members) {
        const name = typeof member === 'string' ? member : member.name;
        edge(id, vmId(name.split('/')[0] ?? name), 'config');
      }
    }
    for (const rule of lb.rules) {
      const id = lbPartId('rule', lb.name, rule.name);
      const ports =
        rule.protocol === 'All' ? 'HA ports' : `${rule.protocol} ${rule.frontendPort} → ${rule.backendPort}`;
      node(id, 'rule', `rule ${rule.name}`, [`${ports}${rule.enableFloatingIP ? ', floating IP' : ''}`], group);
      edge(lbPartId('frontend', lb.name, rule.frontend), id, 'config');
      if (rule.probe !== undefined) edge(lbPartId('probe', lb.name, rule.probe), id, 'config');
      edge(id, lbPartId('pool', lb.name, rule.backendPool), 'config');
    }
    for (const rule of lb.inboundNatRules) {
      const id = lbPartId('nat-rule', lb.name, rule.name);
      node(
        id,
        'nat-rule',
        `inbound NAT ${rule.name}`,
        [`${rule.protocol} ${rule.frontendPort} → ${rule.backendPort}`],
        group,
      );
      edge(lbPartId('frontend', lb.name, rule.frontend), id, 'config');
    }
    for (const rule of lb.outboundRules) {
      const id = lbPartId('outbound-rule', lb.name, rule.name);
      node(id, 'outbound-rule', `outbound ${rule.name}`, [`SNAT for pool ${rule.backendPool}`], group);
      for (const frontend of rule.frontends) edge(lbPartId('frontend', lb.name, frontend), id, 'config');
      edge(id, lbPartId('pool', lb.name, rule.backendPool), 'config');
    }
  }

  for (const nsg of scenario.networkSecurityGroups) {
    const id = `nsg:${nsg.name}`;
    const vms = vmsUnderNsg(scenario, nsg.name);
    const rules = nsg.securityRules.length;
    node(id, 'nsg', `NSG ${nsg.name}`, [`${rules} ${rules === 1 ? 'rule' : 'rules'}`]);
    for (const vm of vms) edge(id, vmId(vm), 'config');
  }
  const known = new Set(nodes.map((n) => n.id));
  return { nodes, edges: edges.filter((e) => known.has(e.from) && known.has(e.to)), groups };
}

/**
 * VMs with a NIC the NSG applies to: associated with the NIC or with its subnet (its named
 * subnet, else the first whose prefix holds its IP), as in
 * https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview
 */
function vmsUnderNsg(scenario: Scenario, nsg: string): string[] {
  const subnets = (scenario.virtualNetwork?.subnets ?? []).map((subnet) => ({
    ...subnet,
    prefix: parseIpv4Prefix(subnet.addressPrefix) as Ipv4Prefix | undefined,
  }));
  const subnetOf = (nic: { readonly ip: string; readonly subnet?: string | undefined }) => {
    if (nic.subnet !== undefined) return subnets.find((subnet) => subnet.name === nic.subnet);
    const address = parseIpv4Address(nic.ip);
    return address === undefined
      ? undefined
      : subnets.find((subnet) => subnet.prefix !== undefined && prefixContains(subnet.prefix, address));
  };
  return scenario.hosts.flatMap((host) =>
    host.vms
      .filter((vm) =>
        vm.nics.some((nic) => nic.networkSecurityGroup === nsg || subnetOf(nic)?.networkSecurityGroup === nsg),
      )
      .map((vm) => vm.name),
  );
}
