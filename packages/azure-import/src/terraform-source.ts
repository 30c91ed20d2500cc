/**
 * Reading `terraform show -json` (state, or a saved plan's `planned_values`) with the azurerm
 * provider's resources: each is turned into the ARM shape the mapper reads. References between
 * resources are resource IDs in a state; in a plan the IDs are not known yet, so the reference
 * is taken from the configuration's expression (`azurerm_lb.web.id`) instead.
 * Attributes of these resources lbsim does not map are listed by Terraform address.
 */
import type { TemplateValue } from './arm-functions.ts';
import type { AzureResource, ImportNote } from './azure-resource.ts';
import { formatResourceId, parseResourceId } from './azure-resource-id.ts';

/** Whether `document` is `terraform show -json` output. */
export function isTerraformShow(document: unknown): boolean {
  if (typeof document !== 'object' || document === null) return false;
  const object = document as Record<string, unknown>;
  return 'format_version' in object && ('values' in object || 'planned_values' in object);
}

interface TfResource {
  readonly address: string;
  readonly type: string;
  readonly values: Record<string, unknown>;
}

function collectModule(module: unknown, into: TfResource[]): void {
  if (typeof module !== 'object' || module === null) return;
  const object = module as Record<string, unknown>;
  for (const resource of (object['resources'] ?? []) as Record<string, unknown>[]) {
    if (resource['mode'] !== undefined && resource['mode'] !== 'managed') continue;
    into.push({
      address: String(resource['address']),
      type: String(resource['type']),
      values: (resource['values'] ?? {}) as Record<string, unknown>,
    });
  }
  for (const child of (object['child_modules'] ?? []) as unknown[]) collectModule(child, into);
}

/** `address → attribute → referenced address` from a plan's configuration. */
function configurationReferences(document: Record<string, unknown>): Map<string, Map<string, string>> {
  const references = new Map<string, Map<string, string>>();
  const configuration = document['configuration'] as Record<string, unknown> | undefined;
  const root = configuration?.['root_module'] as Record<string, unknown> | undefined;
  for (const resource of (root?.['resources'] ?? []) as Record<string, unknown>[]) {
    const attributes = new Map<string, string>();
    const expressions = (resource['expressions'] ?? {}) as Record<string, unknown>;
    const visit = (key: string, expression: unknown) => {
      if (Array.isArray(expression)) {
        for (const item of expression)
          if (typeof item === 'object' && item !== null) for (const [k, v] of Object.entries(item)) visit(k, v);
        return;
      }
      if (typeof expression !== 'object' || expression === null) return;
      const refs = (expression as Record<string, unknown>)['references'];
      if (Array.isArray(refs) && typeof refs[refs.length - 1] === 'string')
        attributes.set(key, refs[refs.length - 1] as string);
    };
    for (const [key, expression] of Object.entries(expressions)) visit(key, expression);
    references.set(String(resource['address']), attributes);
  }
  return references;
}

const mappedAttributes: Readonly<Record<string, readonly string[]>> = {
  azurerm_virtual_network: ['name', 'address_space', 'subnet'],
  azurerm_subnet: ['name', 'virtual_network_name', 'address_prefixes'],
  azurerm_subnet_network_security_group_association: ['subnet_id', 'network_security_group_id'],
  azurerm_network_security_group: ['name', 'security_rule'],
  azurerm_network_security_rule: [
    'name',
    'network_security_group_name',
    'priority',
    'direction',
    'access',
    'protocol',
    'source_port_range',
    'source_port_ranges',
    'destination_port_range',
    'destination_port_ranges',
    'source_address_prefix',
    'source_address_prefixes',
    'destination_address_prefix',
    'destination_address_prefixes',
    'description',
  ],
  azurerm_network_interface: ['name', 'ip_configuration'],
  azurerm_network_interface_backend_address_pool_association: [
    'network_interface_id',
    'ip_configuration_name',
    'backend_address_pool_id',
  ],
  azurerm_network_interface_security_group_association: ['network_interface_id', 'network_security_group_id'],
  azurerm_network_interface_nat_rule_association: ['network_interface_id', 'ip_configuration_name', 'nat_rule_id'],
  azurerm_public_ip: ['name', 'ip_address', 'allocation_method', 'sku'],
  azurerm_lb: ['name', 'sku', 'frontend_ip_configuration'],
  azurerm_lb_backend_address_pool: ['name', 'loadbalancer_id'],
  azurerm_lb_backend_address_pool_address: ['name', 'backend_address_pool_id', 'ip_address'],
  azurerm_lb_probe: [
    'name',
    'loadbalancer_id',
    'protocol',
    'port',
    'request_path',
    'interval_in_seconds',
    'number_of_probes',
    'probe_threshold',
  ],
  azurerm_lb_rule: [
    'name',
    'loadbalancer_id',
    'frontend_ip_configuration_name',
    'protocol',
    'frontend_port',
    'backend_port',
    'backend_address_pool_ids',
    'probe_id',
    'enable_floating_ip',
    'idle_timeout_in_minutes',
    'load_distribution',
    'disable_outbound_snat',
    'enable_tcp_reset',
    'floating_ip_enabled',
    'tcp_reset_enabled',
  ],
  azurerm_lb_nat_rule: [
    'name',
    'loadbalancer_id',
    'frontend_ip_configuration_name',
    'protocol',
    'frontend_port',
    'backend_port',
    'enable_floating_ip',
    'idle_timeout_in_minutes',
    'enable_tcp_reset',
    'floating_ip_enabled',
    'tcp_reset_enabled',
  ],
  azurerm_lb_outbound_rule: [
    'name',
    'loadbalancer_id',
    'frontend_ip_configuration',
    'backend_address_pool_id',
    'protocol',
    'allocated_outbound_ports',
    'idle_timeout_in_minutes',
    'enable_tcp_reset',
    'tcp_reset_enabled',
  ],
  azurerm_linux_virtual_machine: ['name', 'network_interface_ids'],
  azurerm_windows_virtual_machine: ['name', 'network_interface_ids'],
};

/** Attributes that are bookkeeping or read elsewhere: never listed as unmapped. */
const quietAttributes = new Set(['id', 'resource_group_name', 'location', 'timeouts', 'tags', 'guid']);

/** The resources of a `terraform show -json` document, and its unmapped attributes. */
export function readTerraformResources(document: Record<string, unknown>): {
  resources: AzureResource[];
  notes: ImportNote[];
} {
  const tf: TfResource[] = [];
  const values = (document['values'] ?? document['planned_values']) as Record<string, unknown> | undefined;
  collectModule(values?.['root_module'], tf);
  const references = configurationReferences(document);
  const notes: ImportNote[] = [];
  const byAddress = new Map(tf.map((resource) => [resource.address, resource]));
  const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

  /** The names an ID attribute points at: from the ID, else from the plan's reference. */
  const target = (resource: TfResource, attribute: string, value?: unknown): readonly string[] => {
    const id = str(value ?? resource.values[attribute]);
    if (id !== undefined) return parseResourceId(id)?.names ?? [id];
    // The configuration names resources without their count/for_each index, and so do its
    // references: an instance refers to the instance of the same index, else to the resource.
    const index = /\[[^\]]*\]$/.exec(resource.address)?.[0] ?? '';
    const reference = (
      references.get(resource.address) ??
      references.get(resource.address.slice(0, resource.address.length - index.length))
    )
      ?.get(attribute)
      ?.replace(/\.id$/, '');
    const referenced =
      reference === undefined
        ? undefined
        : (byAddress.get(`${reference}${index}`) ?? byAddress.get(reference) ?? byAddress.get(`${reference}[0]`));
    if (referenced === undefined) return [];
    const lb = referenced.type.startsWith('azurerm_lb_') ? target(referenced, 'loadbalancer_id') : [];
    return [...lb, String(referenced.values['name'])];
  };
  const lastOf = (names: readonly string[]) => names[names.length - 1];
  const ref = (type: string, names: readonly string[]) => ({ id: formatResourceId(type, names) });

  for (const resource of tf) {
    const mapped = mappedAttributes[resource.type];
    if (mapped === undefined) {
      if (resource.type.startsWith('azurerm_'))
        notes.push({ path: resource.address, message: `${resource.type} is not imported by lbsim` });
      continue;
    }
    for (const [key, value] of Object.entries(resource.values)) {
      const empty = value === null || value === false || (Array.isArray(value) && value.length === 0) || value === '';
      if (!mapped.includes(key) && !quietAttributes.has(key) && !empty) {
        notes.push({ path: `${resource.address}.${key}`, message: 'lbsim does not simulate this attribute' });
      }
    }
  }

  const of = (type: string) => tf.filter((resource) => resource.type === type);
  const resources: AzureResource[] = [];
  const v = (resource: TfResource, key: string) => resource.values[key];

  // Virtual networks and subnets.
  const subnetNsg = new Map<string, string>();
  for (const association of of('azurerm_subnet_network_security_group_association')) {
    const subnet = lastOf(target(association, 'subnet_id'));
    const nsg = lastOf(target(association, 'network_security_group_id'));
    if (subnet !== undefined && nsg !== undefined) subnetNsg.set(subnet.toLowerCase(), nsg);
  }
  const subnetBody = (name: string, prefix: unknown, inlineNsg?: string) => {
    const nsg = subnetNsg.get(name.toLowerCase()) ?? inlineNsg;
    return {
      name,
      properties: {
        addressPrefix: (Array.isArray(prefix) ? prefix[0] : prefix) as TemplateValue,
        ...(nsg === undefined ? {} : { networkSecurityGroup: ref('Microsoft.Network/networkSecurityGroups', [nsg]) }),
      },
    };
  };
  for (const vnet of of('azurerm_virtual_network')) {
    const inline = ((v(vnet, 'subnet') ?? []) as Record<string, unknown>[]).map((subnet) =>
      subnetBody(
        String(subnet['name']),
        subnet['address_prefixes'] ?? subnet['address_prefix'],
        lastOf(target(vnet, '', subnet['security_group'])),
      ),
    );
    resources.push({
      type: 'Microsoft.Network/virtualNetworks',
      names: [String(v(vnet, 'name'))],
      path: vnet.address,
      flattened: true,
      body: {
        name: String(v(vnet, 'name')),
        properties: {
          addressSpace: { addressPrefixes: (v(vnet, 'address_space') ?? []) as TemplateValue },
          subnets: inline,
        },
      },
    });
  }
  for (const subnet of of('azurerm_subnet')) {
    const body = subnetBody(String(v(subnet, 'name')), v(subnet, 'address_prefixes'));
    resources.push({
      type: 'Microsoft.Network/virtualNetworks/subnets',
      names: [String(v(subnet, 'virtual_network_name')), body.name],
      path: subnet.address,
      flattened: true,
      body,
    });
  }

  // NSGs.
  const securityRule = (rule: Record<string, unknown>) => {
    const keys: [string, string][] = [
      ['priority', 'priority'],
      ['direction', 'direction'],
      ['access', 'access'],
      ['protocol', 'protocol'],
      ['source_port_range', 'sourcePortRange'],
      ['source_port_ranges', 'sourcePortRanges'],
      ['destination_port_range', 'destinationPortRange'],
      ['destination_port_ranges', 'destinationPortRanges'],
      ['source_address_prefix', 'sourceAddressPrefix'],
      ['source_address_prefixes', 'sourceAddressPrefixes'],
      ['destination_address_prefix', 'destinationAddressPrefix'],
      ['destination_address_prefixes', 'destinationAddressPrefixes'],
    ];
    const properties: Record<string, TemplateValue> = {};
    for (const [from, to] of keys) {
      const value = rule[from];
      if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0))
        continue;
      properties[to] = value as TemplateValue;
    }
    return { name: String(rule['name']), properties };
  };
  for (const nsg of of('azurerm_network_security_group')) {
    const name = String(v(nsg, 'name'));
    const rules = ((v(nsg, 'security_rule') ?? []) as Record<string, unknown>[]).map(securityRule);
    resources.push({
      type: 'Microsoft.Network/networkSecurityGroups',
      names: [name],
      path: nsg.address,
      flattened: true,
      body: { name, properties: { securityRules: rules } },
    });
  }
  for (const rule of of('azurerm_network_security_rule')) {
    const body = securityRule(rule.values);
    resources.push({
      type: 'Microsoft.Network/networkSecurityGroups/securityRules',
      names: [String(v(rule, 'network_security_group_name')), body.name],
      path: rule.address,
      flattened: true,
      body,
    });
  }

  // Public IPs.
  for (const ip of of('azurerm_public_ip')) {
    const name = String(v(ip, 'name'));
    const address = str(v(ip, 'ip_address'));
    resources.push({
      type: 'Microsoft.Network/publicIPAddresses',
      names: [name],
      path: ip.address,
      flattened: true,
      body: { name, properties: address === undefined ? {} : { ipAddress: address } },
    });
  }

  // Load balancers with their child resources folded in.
  for (const lb of of('azurerm_lb')) {
    const lbName = String(v(lb, 'name'));
    const belongs = (child: TfResource) => {
      const names = target(child, 'loadbalancer_id');
      return names.length > 0 && lastOf(names)?.toLowerCase() === lbName.toLowerCase();
    };
    const child = (type: string, name: string) => ref(`Microsoft.Network/loadBalancers/${type}`, [lbName, name]);
    const frontends = ((v(lb, 'frontend_ip_configuration') ?? []) as Record<string, unknown>[]).map((frontend) => {
      const publicIp = lastOf(target(lb, 'public_ip_address_id', frontend['public_ip_address_id']));
      const subnet = target(lb, 'subnet_id', frontend['subnet_id']);
      return {
        name: String(frontend['name']),
        properties:
          publicIp !== undefined
            ? { publicIPAddress: ref('Microsoft.Network/publicIPAddresses', [publicIp]) }
            : {
                ...(str(frontend['private_ip_address']) === undefined
                  ? {}
                  : { privateIPAddress: String(frontend['private_ip_address']) }),
                ...(subnet.length === 0
                  ? {}
                  : {
                      subnet: ref(
                        'Microsoft.Network/virtualNetworks/subnets',
                        subnet.length === 1 ? ['', subnet[0] as string] : subnet,
                      ),
                    }),
              },
      };
    });
    const pools = of('azurerm_lb_backend_address_pool')
      .filter(belongs)
      .map((pool) => {
        const name = String(v(pool, 'name'));
        const addresses = of('azurerm_lb_backend_address_pool_address')
          .filter((entry) => lastOf(target(entry, 'backend_address_pool_id'))?.toLowerCase() === name.toLowerCase())
          .map((entry) => ({
            name: String(v(entry, 'name')),
            properties: { ipAddress: String(v(entry, 'ip_address')) },
          }));
        return { name, properties: addresses.length === 0 ? {} : { loadBalancerBackendAddresses: addresses } };
      });
    const flag = (r: TfResource, old: string, renamed: string) =>
      (v(r, renamed) ?? v(r, old)) as TemplateValue | undefined;
    const defined = (object: Record<string, TemplateValue | undefined>) =>
      Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined && value !== null)) as Record<
        string,
        TemplateValue
      >;
    const probes = of('azurerm_lb_probe')
      .filter(belongs)
      .map((probe) => ({
        name: String(v(probe, 'name')),
        properties: defined({
          protocol: v(probe, 'protocol') as TemplateValue,
          port: v(probe, 'port') as TemplateValue,
          requestPath: str(v(probe, 'request_path')),
          intervalInSeconds: v(probe, 'interval_in_seconds') as TemplateValue,
          numberOfProbes: v(probe, 'number_of_probes') as TemplateValue,
          probeThreshold: v(probe, 'probe_threshold') as TemplateValue,
        }),
      }));
    const rules = of('azurerm_lb_rule')
      .filter(belongs)
      .map((rule) => {
        const pool = lastOf(
          target(rule, 'backend_address_pool_ids', ((v(rule, 'backend_address_pool_ids') ?? []) as unknown[])[0]),
        );
        const probe = lastOf(target(rule, 'probe_id'));
        return {
          name: String(v(rule, 'name')),
          properties: defined({
            frontendIPConfiguration: child(
              'frontendIPConfigurations',
              String(v(rule, 'frontend_ip_configuration_name')),
            ),
            ...(pool === undefined ? {} : { backendAddressPool: child('backendAddressPools', pool) }),
            ...(probe === undefined ? {} : { probe: child('probes', probe) }),
            protocol: v(rule, 'protocol') as TemplateValue,
            frontendPort: v(rule, 'frontend_port') as TemplateValue,
            backendPort: v(rule, 'backend_port') as TemplateValue,
            enableFloatingIP: flag(rule, 'enable_floating_ip', 'floating_ip_enabled'),
            idleTimeoutInMinutes: v(rule, 'idle_timeout_in_minutes') as TemplateValue,
            loadDistribution: v(rule, 'load_distribution') as TemplateValue,
            disableOutboundSnat: v(rule, 'disable_outbound_snat') as TemplateValue,
            enableTcpReset: flag(rule, 'enable_tcp_reset', 'tcp_reset_enabled'),
          }),
        };
      });
    const natRules = of('azurerm_lb_nat_rule')
      .filter(belongs)
      .map((rule) => ({
        name: String(v(rule, 'name')),
        properties: defined({
          frontendIPConfiguration: child('frontendIPConfigurations', String(v(rule, 'frontend_ip_configuration_name'))),
          protocol: v(rule, 'protocol') as TemplateValue,
          frontendPort: v(rule, 'frontend_port') as TemplateValue,
          backendPort: v(rule, 'backend_port') as TemplateValue,
          enableFloatingIP: flag(rule, 'enable_floating_ip', 'floating_ip_enabled'),
          idleTimeoutInMinutes: v(rule, 'idle_timeout_in_minutes') as TemplateValue,
          enableTcpReset: flag(rule, 'enable_tcp_reset', 'tcp_reset_enabled'),
        }),
      }));
    const outboundRules = of('azurerm_lb_outbound_rule')
      .filter(belongs)
      .map((rule) => ({
        name: String(v(rule, 'name')),
        properties: defined({
          frontendIPConfigurations: ((v(rule, 'frontend_ip_configuration') ?? []) as Record<string, unknown>[]).map(
            (f) => child('frontendIPConfigurations', String(f['name'])),
          ),
          backendAddressPool: child('backendAddressPools', lastOf(target(rule, 'backend_address_pool_id')) ?? ''),
          protocol: v(rule, 'protocol') as TemplateValue,
          allocatedOutboundPorts: v(rule, 'allocated_outbound_ports') as TemplateValue,
          idleTimeoutInMinutes: v(rule, 'idle_timeout_in_minutes') as TemplateValue,
          enableTcpReset: flag(rule, 'enable_tcp_reset', 'tcp_reset_enabled'),
        }),
      }));
    resources.push({
      type: 'Microsoft.Network/loadBalancers',
      names: [lbName],
      path: lb.address,
      flattened: true,
      body: {
        name: lbName,
        sku: { name: String(v(lb, 'sku') ?? 'Standard') },
        properties: {
          frontendIPConfigurations: frontends,
          backendAddressPools: pools,
          probes,
          loadBalancingRules: rules,
          inboundNatRules: natRules,
          outboundRules,
        },
      },
    });
  }

  // NICs, with their associations folded in.
  for (const nic of of('azurerm_network_interface')) {
    const name = String(v(nic, 'name'));
    const forNic = (type: string) =>
      of(type).filter(
        (association) => lastOf(target(association, 'network_interface_id'))?.toLowerCase() === name.toLowerCase(),
      );
    const nsg = lastOf(
      forNic('azurerm_network_interface_security_group_association').flatMap((a) =>
        target(a, 'network_security_group_id'),
      ),
    );
    const configurations = ((v(nic, 'ip_configuration') ?? []) as Record<string, unknown>[]).map((configuration, i) => {
      const configurationName = String(configuration['name']);
      const ofConfiguration = (type: string, attribute: string) =>
        forNic(type)
          .filter((a) => String(v(a, 'ip_configuration_name')) === configurationName)
          .map((a) => ({
            id: formatResourceId(
              `Microsoft.Network/loadBalancers/${attribute}`,
              target(a, attribute === 'backendAddressPools' ? 'backend_address_pool_id' : 'nat_rule_id'),
            ),
          }));
      const subnet = target(nic, 'subnet_id', configuration['subnet_id']);
      const address = str(configuration['private_ip_address']);
      return {
        name: configurationName,
        properties: {
          ...(address === undefined ? { privateIPAllocationMethod: 'Dynamic' } : { privateIPAddress: address }),
          ...(subnet.length === 0
            ? {}
            : {
                subnet: ref(
                  'Microsoft.Network/virtualNetworks/subnets',
                  subnet.length === 1 ? ['', subnet[0] as string] : subnet,
                ),
              }),
          primary: (configuration['primary'] as boolean | undefined) ?? i === 0,
          loadBalancerBackendAddressPools: ofConfiguration(
            'azurerm_network_interface_backend_address_pool_association',
            'backendAddressPools',
          ),
          loadBalancerInboundNatRules: ofConfiguration(
            'azurerm_network_interface_nat_rule_association',
            'inboundNatRules',
          ),
        },
      };
    });
    resources.push({
      type: 'Microsoft.Network/networkInterfaces',
      names: [name],
      path: nic.address,
      flattened: true,
      body: {
        name,
        properties: {
          ipConfigurations: configurations,
          ...(nsg === undefined ? {} : { networkSecurityGroup: ref('Microsoft.Network/networkSecurityGroups', [nsg]) }),
        },
      },
    });
  }

  // VMs.
  for (const vm of [...of('azurerm_linux_virtual_machine'), ...of('azurerm_windows_virtual_machine')]) {
    const name = String(v(vm, 'name'));
    const ids = (v(vm, 'network_interface_ids') ?? []) as unknown[];
    const nicNames =
      ids.length > 0
        ? ids.map((id) => lastOf(target(vm, 'network_interface_ids', id)) ?? '')
        : [lastOf(target(vm, 'network_interface_ids')) ?? ''];
    resources.push({
      type: 'Microsoft.Compute/virtualMachines',
      names: [name],
      path: vm.address,
      flattened: true,
      body: {
        name,
        properties: {
          networkProfile: {
            networkInterfaces: nicNames.filter(Boolean).map((nic) => ref('Microsoft.Network/networkInterfaces', [nic])),
          },
          ...(vm.type === 'azurerm_windows_virtual_machine'
            ? { storageProfile: { osDisk: { osType: 'Windows' } } }
            : {}),
        },
      },
    });
  }
  return { resources, notes };
}
