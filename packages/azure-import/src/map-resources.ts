/**
 * Azure resources → an lbsim scenario document. Keeps the Azure names, maps every property
 * lbsim models to its scenario key (docs/scenario-format.md names the Azure property beside
 * each key), fills in what Azure decides at deployment (dynamic private IPs) and states what
 * it had to assume (public IPs of a template, listeners in the VMs), and lists everything it
 * read but did not map.
 */
import type { TemplateValue } from './arm-functions.ts';
import { type AzureResource, type ImportNote, ownName } from './azure-resource.ts';
import { parseResourceId } from './azure-resource-id.ts';
import { DynamicAddressPool } from './dynamic-addresses.ts';
import { PropertyReader } from './property-reader.ts';
import { unmappedPropertyReason, unmappedResourceReason } from './unmapped-reasons.ts';

/** A plain scenario document, as YAML would hold it. */
export type ScenarioDocument = Record<string, unknown>;

/** What mapping produced: the scenario, and what to tell the user about it. */
export interface MappedScenario {
  readonly scenario: ScenarioDocument;
  /** Expressions and references that could not be worked out, by JSON path. */
  readonly problems: readonly ImportNote[];
  /** Resources and properties not mapped, by JSON path, with why. */
  readonly unmapped: readonly ImportNote[];
  /** Values lbsim chose because the input does not fix them (dynamic IPs, placeholders, listeners). */
  readonly assumptions: readonly string[];
  /** How many resources were mapped; 0 means nothing importable. */
  readonly mappedResources: number;
}

/** Options of {@link mapResources}. */
export interface MapOptions {
  /** The scenario name. */
  readonly name: string;
  /** Where the resources came from, for the description. */
  readonly source: string;
}

const types = {
  vnet: 'microsoft.network/virtualnetworks',
  subnet: 'microsoft.network/virtualnetworks/subnets',
  nsg: 'microsoft.network/networksecuritygroups',
  nsgRule: 'microsoft.network/networksecuritygroups/securityrules',
  nic: 'microsoft.network/networkinterfaces',
  lb: 'microsoft.network/loadbalancers',
  lbPool: 'microsoft.network/loadbalancers/backendaddresspools',
  lbNatRule: 'microsoft.network/loadbalancers/inboundnatrules',
  lbProbe: 'microsoft.network/loadbalancers/probes',
  lbRule: 'microsoft.network/loadbalancers/loadbalancingrules',
  publicIp: 'microsoft.network/publicipaddresses',
  vm: 'microsoft.compute/virtualmachines',
} as const;

/** The last name of a resource ID (a child's own name), or of a plain name. */
function lastName(id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  const parsed = parseResourceId(id);
  return parsed === undefined ? id.split('/').filter(Boolean).pop() : parsed.names[parsed.names.length - 1];
}

/** The names in a resource ID (parent first), or `[id]` for a plain name. */
function idNames(id: string | undefined): readonly string[] {
  if (id === undefined) return [];
  return parseResourceId(id)?.names ?? [id];
}

const same = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

interface SubnetInfo {
  readonly name: string;
  readonly prefix: string;
  readonly networkSecurityGroup: string | undefined;
}

interface IpConfiguration {
  readonly name: string;
  address: string | undefined;
  readonly dynamic: boolean;
  readonly subnet: string | undefined;
  readonly pools: readonly (readonly string[])[];
  readonly natRules: readonly (readonly string[])[];
  readonly primary: boolean;
}

interface NicInfo {
  readonly resource: AzureResource;
  readonly name: string;
  readonly configurations: readonly IpConfiguration[];
  readonly networkSecurityGroup: string | undefined;
}

interface VmInfo {
  readonly name: string;
  readonly os: 'linux' | 'windows';
  readonly nics: NicInfo[];
  readonly listeners: { protocol: 'Tcp' | 'Udp'; port: number }[];
}

/** Maps `resources` (every source's reader produces them) to a scenario document. */
export function mapResources(resources: readonly AzureResource[], options: MapOptions): MappedScenario {
  const reader = new PropertyReader();
  const unmapped: ImportNote[] = [];
  const assumptions: string[] = [];
  const mapped = new Set<AzureResource>();
  const markMapped = (resource: AzureResource) => {
    mapped.add(resource);
    return resource;
  };
  const ofType = (type: string) => resources.filter((resource) => resource.type.toLowerCase() === type);

  // Virtual network and subnets: one virtual network per scenario.
  const vnets = ofType(types.vnet);
  const vnet = vnets[0];
  for (const other of vnets.slice(1)) {
    unmapped.push({
      path: other.path,
      message: `a scenario has one virtual network; ${ownName(other)} is not imported`,
    });
  }
  const subnets: SubnetInfo[] = [];
  const addSubnet = (resource: AzureResource, base: (string | number)[], name: string) => {
    const prefix =
      reader.text(resource, [...base, 'properties', 'addressPrefix']) ??
      reader.text(resource, [...base, 'properties', 'addressPrefixes', 0]);
    const nsgId = reader.text(resource, [...base, 'properties', 'networkSecurityGroup', 'id']);
    if (prefix === undefined) return;
    if (!subnets.some((subnet) => same(subnet.name, name))) {
      subnets.push({ name, prefix, networkSecurityGroup: lastName(nsgId) });
    }
  };
  if (vnet !== undefined) {
    mapped.add(vnet);
    reader.list(vnet, ['properties', 'subnets']).forEach((_, i) => {
      const name = reader.text(vnet, ['properties', 'subnets', i, 'name']);
      if (name !== undefined) addSubnet(vnet, ['properties', 'subnets', i], name);
    });
  }
  for (const subnet of ofType(types.subnet)) {
    if (vnet !== undefined && !same(subnet.names[0], ownName(vnet))) continue;
    mapped.add(subnet);
    addSubnet(subnet, [], ownName(subnet));
  }
  const addressSpace =
    vnet === undefined
      ? []
      : reader
          .list(vnet, ['properties', 'addressSpace', 'addressPrefixes'])
          .filter((p): p is string => typeof p === 'string');
  if (vnet !== undefined) reader.mark(vnet, ['properties', 'addressSpace', 'addressPrefixes']);
  const subnetNamed = (name: string | undefined) => subnets.find((subnet) => same(subnet.name, name));

  // Network security groups and their rules (inline or child resources).
  const nsgs = ofType(types.nsg).map((resource) => {
    mapped.add(resource);
    reader.mark(resource, ['properties', 'defaultSecurityRules']);
    const rules = reader
      .list(resource, ['properties', 'securityRules'])
      .map((_, i) => securityRule(reader, resource, ['properties', 'securityRules', i], unmapped))
      .filter((rule) => rule !== undefined);
    return { name: ownName(resource), securityRules: rules };
  });
  for (const child of ofType(types.nsgRule)) {
    const nsg = nsgs.find((candidate) => same(candidate.name, child.names[0]));
    if (nsg === undefined) continue;
    mapped.add(child);
    const rule = securityRule(reader, child, [], unmapped);
    if (rule !== undefined) nsg.securityRules.push(rule);
  }

  // NICs, in resource order.
  const nics: NicInfo[] = ofType(types.nic).map((resource) => {
    mapped.add(resource);
    const configurations = reader.list(resource, ['properties', 'ipConfigurations']).map((_, i): IpConfiguration => {
      const base = ['properties', 'ipConfigurations', i, 'properties'];
      const method = reader.text(resource, [...base, 'privateIPAllocationMethod']);
      const address = reader.text(resource, [...base, 'privateIPAddress']);
      const ids = (key: string) =>
        reader.list(resource, [...base, key]).map((_, j) => idNames(reader.text(resource, [...base, key, j, 'id'])));
      return {
        name: reader.text(resource, ['properties', 'ipConfigurations', i, 'name']) ?? `ipconfig${i + 1}`,
        address: same(method, 'Dynamic') && address === undefined ? undefined : address,
        dynamic: address === undefined,
        subnet: lastName(reader.text(resource, [...base, 'subnet', 'id'])),
        pools: ids('loadBalancerBackendAddressPools'),
        natRules: ids('loadBalancerInboundNatRules'),
        primary: reader.boolean(resource, [...base, 'primary']) ?? i === 0,
      };
    });
    return {
      resource,
      name: ownName(resource),
      configurations,
      networkSecurityGroup: lastName(reader.text(resource, ['properties', 'networkSecurityGroup', 'id'])),
    };
  });
  const primaryConfiguration = (nic: NicInfo) =>
    nic.configurations.find((configuration) => configuration.primary) ?? nic.configurations[0];
  for (const nic of nics) {
    nic.configurations.forEach((configuration, i) => {
      if (configuration !== primaryConfiguration(nic)) {
        unmapped.push({
          path: `${nic.resource.path}.properties.ipConfigurations[${i}]`,
          message: 'a NIC has one IP configuration in lbsim: only the primary one is imported',
        });
      }
    });
  }

  // Public IPs: the address when the input has it (az output, Terraform state), else a placeholder.
  const publicIps = new Map<string, string>();
  let placeholderPublic = 10;
  for (const resource of ofType(types.publicIp)) {
    mapped.add(resource);
    const address = reader.text(resource, ['properties', 'ipAddress']);
    reader.mark(resource, ['properties', 'publicIPAllocationMethod']);
    reader.mark(resource, ['properties', 'publicIPAddressVersion']);
    reader.mark(resource, ['properties', 'idleTimeoutInMinutes']);
    reader.mark(resource, ['sku']);
    if (address !== undefined) publicIps.set(ownName(resource).toLowerCase(), address);
  }
  const publicAddress = (id: string | undefined): string => {
    const name = lastName(id) ?? 'frontend';
    const known = publicIps.get(name.toLowerCase());
    if (known !== undefined) return known;
    const address = `198.51.100.${placeholderPublic}`;
    placeholderPublic += 1;
    publicIps.set(name.toLowerCase(), address);
    assumptions.push(
      `public IP ${name} has no address until Azure allocates one: lbsim uses the documentation address ${address} (RFC 5737) in its place`,
    );
    return address;
  };

  // Load balancers (frontends first: internal ones take part in address allocation).
  const lbs = ofType(types.lb);
  const staticAddresses = new DynamicAddressPool();
  for (const nic of nics)
    for (const c of nic.configurations) if (c.address !== undefined) staticAddresses.reserve(c.address);
  const frontendsOf = new Map<
    AzureResource,
    { name: string; ip: string | undefined; subnet?: string; publicIp?: string; dynamic: boolean }[]
  >();
  for (const lb of lbs) {
    frontendsOf.set(
      lb,
      reader.list(lb, ['properties', 'frontendIPConfigurations']).map((_, i) => {
        const base = ['properties', 'frontendIPConfigurations', i];
        const name = reader.text(lb, [...base, 'name']) ?? `frontend${i + 1}`;
        const publicId = reader.text(lb, [...base, 'properties', 'publicIPAddress', 'id']);
        reader.mark(lb, [...base, 'properties', 'privateIPAllocationMethod']);
        if (publicId !== undefined) return { name, ip: undefined, publicIp: publicId, dynamic: false };
        const ip = reader.text(lb, [...base, 'properties', 'privateIPAddress']);
        if (ip !== undefined) staticAddresses.reserve(ip);
        const subnet = lastName(reader.text(lb, [...base, 'properties', 'subnet', 'id']));
        return { name, ip, ...(subnet === undefined ? {} : { subnet }), dynamic: ip === undefined };
      }),
    );
  }
  // Dynamic private IPs, in resource order.
  for (const resource of resources) {
    const nic = nics.find((candidate) => candidate.resource === resource);
    for (const configuration of nic?.configurations ?? []) {
      if (configuration.address !== undefined) continue;
      const prefix = subnetNamed(configuration.subnet)?.prefix;
      const address = prefix === undefined ? undefined : staticAddresses.allocate(prefix);
      configuration.address = address;
      if (address !== undefined && configuration === primaryConfiguration(nic as NicInfo)) {
        assumptions.push(
          `NIC ${nic?.name}: Dynamic private IP → ${address} (the first free address of ${configuration.subnet} ${prefix} from .4, in resource order)`,
        );
      }
    }
    for (const frontend of frontendsOf.get(resource) ?? []) {
      if (!frontend.dynamic) continue;
      const prefix = subnetNamed(frontend.subnet)?.prefix;
      frontend.ip = prefix === undefined ? undefined : staticAddresses.allocate(prefix);
      if (frontend.ip !== undefined) {
        assumptions.push(
          `frontend ${frontend.name}: Dynamic private IP → ${frontend.ip} (first free of ${frontend.subnet} ${prefix} from .4)`,
        );
      }
    }
  }

  // VMs: the VM resources, then a VM for each NIC no VM claims.
  const vms: VmInfo[] = [];
  const claimed = new Set<NicInfo>();
  for (const resource of ofType(types.vm)) {
    mapped.add(resource);
    const nicIds = reader.list(resource, ['properties', 'networkProfile', 'networkInterfaces']).map((_, i) => ({
      name: lastName(reader.text(resource, ['properties', 'networkProfile', 'networkInterfaces', i, 'id'])),
      primary: reader.boolean(resource, [
        'properties',
        'networkProfile',
        'networkInterfaces',
        i,
        'properties',
        'primary',
      ]),
    }));
    const ordered = [...nicIds.filter((n) => n.primary === true), ...nicIds.filter((n) => n.primary !== true)];
    const vmNics = ordered
      .map((entry) => nics.find((nic) => same(nic.name, entry.name)))
      .filter((nic): nic is NicInfo => nic !== undefined && !claimed.has(nic));
    for (const nic of vmNics) claimed.add(nic);
    if (vmNics.length === 0) {
      unmapped.push({
        path: resource.path,
        message: `VM ${ownName(resource)}: none of its NICs is in the input, so it is not imported`,
      });
      continue;
    }
    vms.push({ name: ownName(resource), os: vmOs(reader, resource), nics: vmNics, listeners: [] });
  }
  for (const nic of nics) {
    if (claimed.has(nic)) continue;
    // az prints the VM a NIC is attached to; the VM itself may not be in the input.
    const attached = lastName(reader.text(nic.resource, ['properties', 'virtualMachine', 'id']));
    const existing = vms.find((vm) => same(vm.name, attached));
    if (existing !== undefined) {
      existing.nics.push(nic);
      continue;
    }
    const name = attached ?? `${nic.name}-vm`;
    vms.push({ name, os: 'linux', nics: [nic], listeners: [] });
    assumptions.push(
      attached === undefined
        ? `NIC ${nic.name} belongs to no VM in the input: lbsim gives it a Linux VM named ${name}`
        : `VM ${name} (NIC ${nic.name}) is not in the input: lbsim assumes Linux`,
    );
  }
  const memberOf = (nicName: string | undefined, configuration?: string): string | undefined => {
    for (const vm of vms) {
      const index = vm.nics.findIndex((nic) => same(nic.name, nicName));
      if (index === -1) continue;
      const nic = vm.nics[index] as NicInfo;
      if (configuration !== undefined && !same(primaryConfiguration(nic)?.name, configuration)) return undefined;
      return index === 0 ? vm.name : `${vm.name}/${nic.name}`;
    }
    return undefined;
  };
  const vmByMember = (member: string) => vms.find((vm) => vm.name === member.split('/')[0]);

  // Load balancers.
  const loadBalancers = lbs.map((lb) => {
    mapped.add(lb);
    const lbName = ownName(lb);
    const frontends = (frontendsOf.get(lb) ?? []).map((frontend) =>
      frontend.publicIp !== undefined
        ? { name: frontend.name, ip: publicAddress(frontend.publicIp) }
        : {
            name: frontend.name,
            ip: frontend.ip ?? '0.0.0.0',
            ...(frontend.subnet === undefined ? {} : { subnet: frontend.subnet }),
          },
    );
    const internal = (frontendsOf.get(lb) ?? []).some((frontend) => frontend.publicIp === undefined);
    const childrenOf = (type: string) => ofType(type).filter((child) => same(child.names[0], lbName));
    // Pools: from the LB (IP configurations it lists, IP-based entries), its child resources, and the NICs.
    const poolResources: { resource: AzureResource; base: (string | number)[] }[] = [
      ...reader
        .list(lb, ['properties', 'backendAddressPools'])
        .map((_, i) => ({ resource: lb, base: ['properties', 'backendAddressPools', i] })),
      ...childrenOf(types.lbPool).map((resource) => ({ resource, base: [] as (string | number)[] })),
    ];
    const backendPools = poolResources.map(({ resource, base }) => {
      mapped.add(resource);
      const name = base.length === 0 ? ownName(resource) : (reader.text(resource, [...base, 'name']) ?? 'pool');
      const members: string[] = [];
      const add = (member: string | undefined) => {
        if (member !== undefined && !members.includes(member)) members.push(member);
      };
      reader.list(resource, [...base, 'properties', 'backendIPConfigurations']).forEach((_, j) => {
        const names = idNames(reader.text(resource, [...base, 'properties', 'backendIPConfigurations', j, 'id']));
        add(memberOf(names[0], names[1]));
      });
      reader.list(resource, [...base, 'properties', 'loadBalancerBackendAddresses']).forEach((_, j) => {
        const entry = [...base, 'properties', 'loadBalancerBackendAddresses', j, 'properties'];
        const configurationId = reader.text(resource, [...entry, 'networkInterfaceIPConfiguration', 'id']);
        const address = reader.text(resource, [...entry, 'ipAddress']);
        const byId = configurationId === undefined ? undefined : memberOf(idNames(configurationId)[0]);
        const byAddress = vms.flatMap((vm) =>
          vm.nics.filter((nic) => primaryConfiguration(nic)?.address === address).map((nic) => memberOf(nic.name)),
        )[0];
        if (byId === undefined && byAddress === undefined) {
          unmapped.push({
            path: `${resource.path}.${base.join('.')}.properties.loadBalancerBackendAddresses[${j}]`.replace('..', '.'),
            message: `backend address ${address ?? configurationId ?? '?'} matches no imported NIC`,
          });
        }
        add(byId ?? byAddress);
      });
      for (const nic of nics) {
        const configuration = primaryConfiguration(nic);
        if (configuration?.pools.some((pool) => same(pool[0], lbName) && same(pool[1], name))) add(memberOf(nic.name));
      }
      return { name, members };
    });
    const probes = [
      ...reader.list(lb, ['properties', 'probes']).map((_, i) => probe(reader, lb, ['properties', 'probes', i])),
      ...childrenOf(types.lbProbe).map((resource) => probe(reader, markMapped(resource), [])),
    ];
    const rules = [
      ...reader
        .list(lb, ['properties', 'loadBalancingRules'])
        .map((_, i) => rule(reader, lb, ['properties', 'loadBalancingRules', i])),
      ...childrenOf(types.lbRule).map((resource) => rule(reader, markMapped(resource), [])),
    ];
    const natSources = [
      ...reader
        .list(lb, ['properties', 'inboundNatRules'])
        .map((_, i) => ({ resource: lb, base: ['properties', 'inboundNatRules', i] as (string | number)[] })),
      ...childrenOf(types.lbNatRule).map((resource) => ({
        resource: markMapped(resource),
        base: [] as (string | number)[],
      })),
    ];
    const inboundNatRules = natSources.flatMap(({ resource, base }) => {
      const name = base.length === 0 ? ownName(resource) : (reader.text(resource, [...base, 'name']) ?? 'nat');
      const p = [...base, 'properties'];
      const backendId = idNames(reader.text(resource, [...p, 'backendIPConfiguration', 'id']));
      const fromNic = nics.find((nic) =>
        primaryConfiguration(nic)?.natRules.some((id) => same(id[0], lbName) && same(id[1], name)),
      );
      const target = memberOf(backendId[0]) ?? (fromNic === undefined ? undefined : memberOf(fromNic.name));
      const frontendPort = reader.number(resource, [...p, 'frontendPort']);
      const backendPort = reader.number(resource, [...p, 'backendPort']);
      const frontend = lastName(reader.text(resource, [...p, 'frontendIPConfiguration', 'id']));
      if (target === undefined || frontendPort === undefined || backendPort === undefined || frontend === undefined) {
        unmapped.push({
          path: `${resource.path}${base.length === 0 ? '' : `.${formatKeys(base)}`}`,
          message: `inbound NAT rule ${name} has no target VM${frontendPort === undefined ? ' or a frontend port range (NAT rule V2)' : ''} in the input; not imported`,
        });
        reader.mark(resource, base);
        return [];
      }
      return [
        {
          name,
          frontend,
          target,
          protocol: reader.text(resource, [...p, 'protocol']) === 'Udp' ? 'Udp' : 'Tcp',
          frontendPort,
          backendPort,
          ...optional('enableFloatingIP', reader.boolean(resource, [...p, 'enableFloatingIP'])),
          ...optional('idleTimeoutInMinutes', reader.number(resource, [...p, 'idleTimeoutInMinutes'])),
          ...optional('enableTcpReset', reader.boolean(resource, [...p, 'enableTcpReset'])),
        },
      ];
    });
    const outboundRules = reader.list(lb, ['properties', 'outboundRules']).map((_, i) => {
      const p = ['properties', 'outboundRules', i, 'properties'];
      return {
        name: reader.text(lb, ['properties', 'outboundRules', i, 'name']) ?? `outbound${i + 1}`,
        frontends: reader
          .list(lb, [...p, 'frontendIPConfigurations'])
          .map((_, j) => lastName(reader.text(lb, [...p, 'frontendIPConfigurations', j, 'id'])))
          .filter((name): name is string => name !== undefined),
        backendPool: lastName(reader.text(lb, [...p, 'backendAddressPool', 'id'])),
        ...optional('protocol', reader.text(lb, [...p, 'protocol'])),
        ...optional('allocatedOutboundPorts', reader.number(lb, [...p, 'allocatedOutboundPorts'])),
        ...optional('idleTimeoutInMinutes', reader.number(lb, [...p, 'idleTimeoutInMinutes'])),
        ...optional('enableTcpReset', reader.boolean(lb, [...p, 'enableTcpReset'])),
      };
    });
    return {
      name: lbName,
      type: internal ? 'internal' : 'public',
      sku: lbSku(reader, lb, assumptions),
      frontends,
      backendPools,
      ...(probes.length === 0 ? {} : { probes }),
      ...(rules.length === 0 ? {} : { rules }),
      ...(inboundNatRules.length === 0 ? {} : { inboundNatRules }),
      ...(outboundRules.length === 0 ? {} : { outboundRules }),
    };
  });

  // Listeners: the template does not say what runs in a VM; assume each rule's backend port
  // (and its probe's port) and each NAT rule's backend port is served.
  for (const lb of loadBalancers) {
    const listen = (member: string, protocol: string, port: number) => {
      const vm = vmByMember(member);
      if (vm === undefined || port === 0) return;
      const p = protocol === 'Udp' ? 'Udp' : 'Tcp';
      if (!vm.listeners.some((l) => l.port === port && l.protocol === p)) vm.listeners.push({ protocol: p, port });
    };
    for (const r of lb.rules ?? []) {
      const pool = lb.backendPools.find((candidate) => same(candidate.name, r.backendPool));
      const pr = lb.probes?.find((candidate) => same(candidate.name, r.probe));
      for (const member of pool?.members ?? []) {
        if (r.protocol === 'All') continue;
        listen(member, r.protocol, r.backendPort ?? 0);
        if (pr !== undefined) listen(member, 'Tcp', pr.port ?? 0);
      }
    }
    for (const nat of lb.inboundNatRules ?? []) listen(nat.target, nat.protocol, nat.backendPort);
  }
  if (vms.some((vm) => vm.listeners.length > 0)) {
    assumptions.push(
      "listeners: the input does not say what runs in the VMs, so each serves the backend ports of its rules (and their probes' ports): an HTTP app on TCP, echo on UDP",
    );
  }

  // Resources not mapped at all.
  for (const resource of resources) {
    if (!mapped.has(resource))
      unmapped.push({
        path: resource.path,
        message: `${resource.type} ${resource.names.join('/')}: ${unmappedResourceReason(resource.type)}`,
      });
  }
  for (const resource of resources) {
    if (mapped.has(resource)) unmapped.push(...reader.unmappedProperties(resource, unmappedPropertyReason));
  }

  const hostVms = vms.map((vm) => ({
    name: vm.name,
    ...(vm.os === 'windows' ? { os: 'windows' } : {}),
    nics: vm.nics.map((nic) => {
      const configuration = primaryConfiguration(nic);
      const subnet =
        configuration?.subnet !== undefined && subnetNamed(configuration.subnet) !== undefined
          ? subnetNamed(configuration.subnet)?.name
          : undefined;
      return {
        name: nic.name,
        ip: configuration?.address ?? '0.0.0.0',
        ...(subnet === undefined ? {} : { subnet }),
        ...(nic.networkSecurityGroup === undefined ? {} : { networkSecurityGroup: nic.networkSecurityGroup }),
      };
    }),
    ...(vm.listeners.length === 0
      ? {}
      : { listeners: vm.listeners.map((l) => ({ protocol: l.protocol, port: l.port })) }),
  }));
  for (const vm of vms) {
    for (const nic of vm.nics) {
      if (primaryConfiguration(nic)?.address === undefined) {
        unmapped.push({
          path: nic.resource.path,
          message: `NIC ${nic.name} has no private IP lbsim could work out (its subnet is not in the input); give the virtual network too`,
        });
      }
    }
  }

  const scenario: ScenarioDocument = {
    name: options.name,
    description: `Imported by lbsim import from ${options.source}.`,
    seed: 1,
    duration: '30s',
    ...(vnet === undefined
      ? {}
      : {
          virtualNetwork: {
            name: ownName(vnet),
            addressSpace,
            subnets: subnets.map((subnet) => ({
              name: subnet.name,
              addressPrefix: subnet.prefix,
              ...(subnet.networkSecurityGroup === undefined
                ? {}
                : { networkSecurityGroup: subnet.networkSecurityGroup }),
            })),
          },
        }),
    ...(nsgs.length === 0 ? {} : { networkSecurityGroups: nsgs }),
    vms: hostVms,
    loadBalancers,
  };
  return {
    scenario,
    problems: reader.problems,
    unmapped: unmapped.filter((note, i) => unmapped.findIndex((other) => other.path === note.path) === i),
    assumptions,
    mappedResources: mapped.size,
  };
}

function formatKeys(path: readonly (string | number)[]): string {
  return path
    .map((part) => (typeof part === 'number' ? `[${part}]` : part))
    .join('.')
    .replace(/\.\[/g, '[');
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * The SKU: as given, else Basic, Azure's default for a load balancer without one. A Basic one
 * is said to be retired, with the way to upgrade: lbsim runs it as Basic (open without an NSG).
 */
function lbSku(reader: PropertyReader, lb: AzureResource, assumptions: string[]): 'Basic' | 'Standard' {
  const given = reader.text(lb, ['sku', 'name']);
  const sku = given === undefined || same(given, 'Basic') ? 'Basic' : 'Standard';
  if (given === undefined) {
    assumptions.push(
      `load balancer ${ownName(lb)} gives no sku: Basic, Azure's default (https://learn.microsoft.com/azure/templates/microsoft.network/loadbalancers)`,
    );
  }
  if (sku === 'Basic') assumptions.push(basicUpgradeNote(ownName(lb)));
  return sku;
}

/** What the import says of a Basic load balancer: retired, how lbsim runs it, how to upgrade. */
function basicUpgradeNote(name: string): string {
  return `load balancer ${name} is Basic, retired on 30 September 2025: lbsim runs it as Basic (backends open to inbound flows without an NSG). To upgrade, set sku Standard on the load balancer and its public IPs and add an NSG that allows your clients (Standard is closed until one does); Azure's guidance: https://learn.microsoft.com/azure/load-balancer/load-balancer-basic-upgrade-guidance`;
}

function vmOs(reader: PropertyReader, vm: AzureResource): 'linux' | 'windows' {
  const publisher = reader.text(vm, ['properties', 'storageProfile', 'imageReference', 'publisher']) ?? '';
  const offer = reader.text(vm, ['properties', 'storageProfile', 'imageReference', 'offer']) ?? '';
  const osType = reader.text(vm, ['properties', 'storageProfile', 'osDisk', 'osType']) ?? '';
  const windowsConfiguration = reader.get(vm, ['properties', 'osProfile', 'windowsConfiguration']);
  return /windows/i.test(`${publisher} ${offer} ${osType}`) || windowsConfiguration !== undefined ? 'windows' : 'linux';
}

function probe(reader: PropertyReader, resource: AzureResource, base: (string | number)[]) {
  const p = [...base, 'properties'];
  const protocol = reader.text(resource, [...p, 'protocol']) ?? 'Tcp';
  return {
    name: (base.length === 0 ? ownName(resource) : reader.text(resource, [...base, 'name'])) ?? 'probe',
    protocol: same(protocol, 'Http') ? 'Http' : same(protocol, 'Https') ? 'Https' : 'Tcp',
    port: reader.number(resource, [...p, 'port']),
    ...optional('requestPath', reader.text(resource, [...p, 'requestPath'])),
    ...optional('intervalInSeconds', reader.number(resource, [...p, 'intervalInSeconds'])),
    ...optional('numberOfProbes', reader.number(resource, [...p, 'numberOfProbes'])),
    ...optional('probeThreshold', reader.number(resource, [...p, 'probeThreshold'])),
    ...optional('noHealthyBackendsBehavior', reader.text(resource, [...p, 'noHealthyBackendsBehavior'])),
  };
}

function rule(reader: PropertyReader, resource: AzureResource, base: (string | number)[]) {
  const p = [...base, 'properties'];
  const protocol = reader.text(resource, [...p, 'protocol']) ?? 'Tcp';
  const pool =
    reader.text(resource, [...p, 'backendAddressPool', 'id']) ??
    reader.text(resource, [...p, 'backendAddressPools', 0, 'id']);
  return {
    name: (base.length === 0 ? ownName(resource) : reader.text(resource, [...base, 'name'])) ?? 'rule',
    frontend: lastName(reader.text(resource, [...p, 'frontendIPConfiguration', 'id'])),
    backendPool: lastName(pool),
    ...optional('probe', lastName(reader.text(resource, [...p, 'probe', 'id']))),
    protocol: same(protocol, 'Udp') ? 'Udp' : same(protocol, 'All') ? 'All' : 'Tcp',
    frontendPort: reader.number(resource, [...p, 'frontendPort']),
    backendPort: reader.number(resource, [...p, 'backendPort']) ?? reader.number(resource, [...p, 'frontendPort']),
    ...optional('loadDistribution', reader.text(resource, [...p, 'loadDistribution'])),
    ...optional('enableFloatingIP', reader.boolean(resource, [...p, 'enableFloatingIP'])),
    ...optional('idleTimeoutInMinutes', reader.number(resource, [...p, 'idleTimeoutInMinutes'])),
    ...optional('enableTcpReset', reader.boolean(resource, [...p, 'enableTcpReset'])),
    ...optional('disableOutboundSnat', reader.boolean(resource, [...p, 'disableOutboundSnat'])),
  };
}

const supportedServiceTags = ['*', 'virtualnetwork', 'azureloadbalancer', 'internet'];

function securityRule(
  reader: PropertyReader,
  resource: AzureResource,
  base: (string | number)[],
  unmapped: ImportNote[],
): Record<string, unknown> | undefined {
  const p = [...base, 'properties'];
  const name = (base.length === 0 ? ownName(resource) : reader.text(resource, [...base, 'name'])) ?? 'rule';
  const single = (key: string) => reader.get(resource, [...p, key]);
  const rule: Record<string, unknown> = { name };
  for (const key of ['priority', 'direction', 'access', 'protocol']) {
    const value = single(key);
    if (value !== undefined) rule[key] = key === 'priority' ? Number(value) : value;
  }
  if (typeof rule['protocol'] === 'string') {
    const protocol = rule['protocol'] as string;
    rule['protocol'] = protocol === '*' ? '*' : protocol.charAt(0).toUpperCase() + protocol.slice(1).toLowerCase();
  }
  for (const key of ['sourceAddressPrefix', 'sourcePortRange', 'destinationAddressPrefix', 'destinationPortRange']) {
    const value = single(key);
    const plural = reader.list(resource, [...p, `${key}es`.replace('Rangees', 'Ranges')]);
    if (plural.length > 0) rule[`${key}es`.replace('Rangees', 'Ranges')] = plural;
    else if (value !== undefined && value !== '') rule[key] = value;
  }
  const prefixes = [
    'sourceAddressPrefix',
    'sourceAddressPrefixes',
    'destinationAddressPrefix',
    'destinationAddressPrefixes',
  ]
    .flatMap((key) => {
      const value = rule[key];
      return Array.isArray(value) ? value : value === undefined ? [] : [value];
    })
    .filter((prefix): prefix is string => typeof prefix === 'string');
  const tag = prefixes.find(
    (prefix) => !/^[\d./]+$/.test(prefix) && !supportedServiceTags.includes(prefix.toLowerCase()),
  );
  const path = `${resource.path}${base.length === 0 ? '' : `.${formatKeys(base)}`}`;
  if (tag !== undefined) {
    unmapped.push({
      path,
      message: `NSG rule ${name} uses the service tag ${tag}, which lbsim does not model (only VirtualNetwork, AzureLoadBalancer, Internet); rule not imported`,
    });
    return undefined;
  }
  for (const prefix of prefixes) {
    const canonical = supportedServiceTags.find((tagName) => tagName === prefix.toLowerCase());
    if (canonical !== undefined && canonical !== '*') {
      for (const key of Object.keys(rule)) {
        if (rule[key] === prefix)
          rule[key] = {
            virtualnetwork: 'VirtualNetwork',
            azureloadbalancer: 'AzureLoadBalancer',
            internet: 'Internet',
          }[canonical];
      }
    }
  }
  return rule;
}

export type { TemplateValue };
