/**
 * Network security groups of the scenario in the Host Agent's terms: one
 * `NetworkSecurityGroup` object per group, shared by every NIC and subnet associated with it
 * (so a rule change reaches all of them), and each NIC's `NicSecurity`.
 */
import { parseIpv4Prefix } from '@lbsim/core';
import {
  type AddressSpace,
  NetworkSecurityGroup,
  NicSecurity,
  type NsgAddress,
  type NsgPortRange,
  type SecurityRule,
  type ServiceTag,
} from '@lbsim/host-agent';
import { subnetOfNic } from '../model/virtual-network-space.ts';
import { nsgServiceTags, parsePortRange, type SecurityRuleInput } from '../schema/network-security-group.ts';
import type { Scenario } from '../schema/scenario.ts';

type Nic = Scenario['hosts'][number]['vms'][number]['nics'][number];

function toAddress(text: string): NsgAddress {
  if (text === '*') return { kind: 'any' };
  if ((nsgServiceTags as readonly string[]).includes(text)) return { kind: 'tag', tag: text as ServiceTag };
  const prefix = parseIpv4Prefix(text);
  if (prefix === undefined) throw new Error(`address prefix ${text}: validation should have caught this`);
  return { kind: 'prefix', prefix };
}

function toPortRange(value: string | number): NsgPortRange {
  return parsePortRange(value) ?? { first: 0, last: 65535 };
}

/** A validated scenario rule as a Host Agent rule; omitted prefixes and ranges are `*`. */
export function toSecurityRule(rule: SecurityRuleInput): SecurityRule {
  return {
    name: rule.name,
    priority: rule.priority,
    direction: rule.direction,
    access: rule.access,
    protocol: rule.protocol,
    sources: (rule.sourceAddressPrefixes ?? [rule.sourceAddressPrefix ?? '*']).map(toAddress),
    sourcePorts: (rule.sourcePortRanges ?? [rule.sourcePortRange ?? '*']).map(toPortRange),
    destinations: (rule.destinationAddressPrefixes ?? [rule.destinationAddressPrefix ?? '*']).map(toAddress),
    destinationPorts: (rule.destinationPortRanges ?? [rule.destinationPortRange ?? '*']).map(toPortRange),
    isDefault: false,
  };
}

/** Every group of the scenario by name. */
export function buildSecurityGroups(scenario: Scenario): Map<string, NetworkSecurityGroup> {
  return new Map(
    scenario.networkSecurityGroups.map((group) => [
      group.name,
      new NetworkSecurityGroup(group.name, group.securityRules.map(toSecurityRule)),
    ]),
  );
}

/** The groups guarding one NIC: its subnet's and its own. */
export function nicSecurityOf(
  scenario: Scenario,
  groups: ReadonlyMap<string, NetworkSecurityGroup>,
  nic: Nic,
  nicName: string,
  virtualNetwork: AddressSpace,
): NicSecurity {
  const subnet = subnetOfNic(scenario, nic);
  const subnetGroup = subnet?.networkSecurityGroup === undefined ? undefined : groups.get(subnet.networkSecurityGroup);
  const nicGroup = nic.networkSecurityGroup === undefined ? undefined : groups.get(nic.networkSecurityGroup);
  return new NicSecurity(
    subnetGroup === undefined || subnet === undefined
      ? undefined
      : { group: subnetGroup, scope: `subnet ${subnet.name}` },
    nicGroup === undefined ? undefined : { group: nicGroup, scope: `NIC ${nicName}` },
    virtualNetwork,
  );
}
