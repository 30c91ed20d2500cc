/**
 * Network security groups (docs/mechanics.md §2.3, §7.6, [AZ-NSG]): lists of security rules the
 * virtual switch applies to packets to and from a NIC.
 *
 * Rules are processed by priority, lower number first; the first rule that matches decides,
 * and later ones are not looked at. Custom rules have priorities 100–4096; every group also has
 * Azure's default rules at 65000–65500, so some rule always matches:
 *
 * | direction | priority | name                          | source            | destination    | access |
 * |-----------|----------|-------------------------------|-------------------|----------------|--------|
 * | Inbound   | 65000    | AllowVnetInBound              | VirtualNetwork    | VirtualNetwork | Allow  |
 * | Inbound   | 65001    | AllowAzureLoadBalancerInBound | AzureLoadBalancer | *              | Allow  |
 * | Inbound   | 65500    | DenyAllInBound                | *                 | *              | Deny   |
 * | Outbound  | 65000    | AllowVnetOutBound             | VirtualNetwork    | VirtualNetwork | Allow  |
 * | Outbound  | 65001    | AllowInternetOutBound         | *                 | Internet       | Allow  |
 * | Outbound  | 65500    | DenyAllOutBound               | *                 | *              | Deny   |
 *
 * (Names as the Azure API returns them in `defaultSecurityRules`; the documentation's tables
 * spell the first one AllowVNetInBound.)
 */
import {
  compareCodePoints,
  type FiveTuple,
  formatIpv4Prefix,
  IpProtocol,
  type Ipv4Address,
  type Ipv4Prefix,
  prefixContains,
} from '@lbsim/core';
import { type AddressSpace, type ServiceTag, serviceTagContains } from './address-space.ts';

/** Which packets a rule is for, seen from the NIC: arriving (Inbound) or leaving (Outbound). */
export type NsgDirection = 'Inbound' | 'Outbound';

/** What a matching rule does. */
export type NsgAccess = 'Allow' | 'Deny';

/** A rule's protocol (`*`: any). Esp and Ah are accepted as Azure does; lbsim sends neither. */
export type NsgProtocol = 'Tcp' | 'Udp' | 'Icmp' | 'Esp' | 'Ah' | '*';

/** A source or destination of a rule: any address, a prefix, or a service tag. */
export type NsgAddress =
  | { readonly kind: 'any' }
  | { readonly kind: 'prefix'; readonly prefix: Ipv4Prefix }
  | { readonly kind: 'tag'; readonly tag: ServiceTag };

/** An inclusive range of ports. `*` is 0–65535. */
export interface NsgPortRange {
  readonly first: number;
  readonly last: number;
}

/** Every port: a rule's `*`. */
export const anyPort: NsgPortRange = { first: 0, last: 65535 };

/** A security rule. A packet matches when every field matches one of its listed values. */
export interface SecurityRule {
  readonly name: string;
  /** 100–4096 for custom rules, 65000–65500 for the default ones. */
  readonly priority: number;
  readonly direction: NsgDirection;
  readonly access: NsgAccess;
  readonly protocol: NsgProtocol;
  readonly sources: readonly NsgAddress[];
  readonly sourcePorts: readonly NsgPortRange[];
  readonly destinations: readonly NsgAddress[];
  readonly destinationPorts: readonly NsgPortRange[];
  /** Whether it is one of Azure's default rules. */
  readonly isDefault: boolean;
}

const any: NsgAddress = { kind: 'any' };
const tag = (name: ServiceTag): NsgAddress => ({ kind: 'tag', tag: name });

function defaultRule(
  name: string,
  priority: number,
  direction: NsgDirection,
  access: NsgAccess,
  source: NsgAddress,
  destination: NsgAddress,
): SecurityRule {
  return {
    name,
    priority,
    direction,
    access,
    protocol: '*',
    sources: [source],
    sourcePorts: [anyPort],
    destinations: [destination],
    destinationPorts: [anyPort],
    isDefault: true,
  };
}

/** Azure's default security rules ([AZ-NSG]), in priority order per direction. */
export const defaultSecurityRules: readonly SecurityRule[] = [
  defaultRule('AllowVnetInBound', 65000, 'Inbound', 'Allow', tag('VirtualNetwork'), tag('VirtualNetwork')),
  defaultRule('AllowAzureLoadBalancerInBound', 65001, 'Inbound', 'Allow', tag('AzureLoadBalancer'), any),
  defaultRule('DenyAllInBound', 65500, 'Inbound', 'Deny', any, any),
  defaultRule('AllowVnetOutBound', 65000, 'Outbound', 'Allow', tag('VirtualNetwork'), tag('VirtualNetwork')),
  defaultRule('AllowInternetOutBound', 65001, 'Outbound', 'Allow', any, tag('Internet')),
  defaultRule('DenyAllOutBound', 65500, 'Outbound', 'Deny', any, any),
];

const protocolNumbers: Readonly<Record<NsgProtocol, number | undefined>> = {
  Tcp: IpProtocol.Tcp,
  Udp: IpProtocol.Udp,
  Icmp: IpProtocol.Icmp,
  Esp: 50,
  Ah: 51,
  '*': undefined,
};

function addressMatches(match: NsgAddress, address: Ipv4Address, virtualNetwork: AddressSpace): boolean {
  switch (match.kind) {
    case 'any':
      return true;
    case 'prefix':
      return prefixContains(match.prefix, address);
    case 'tag':
      return serviceTagContains(match.tag, address, virtualNetwork);
  }
}

/**
 * Whether `port` lies in one of the ranges. A packet without ports (ICMP) matches only `*`, as
 * port ranges apply to TCP and UDP.
 */
function portMatches(ranges: readonly NsgPortRange[], port: number, hasPorts: boolean): boolean {
  if (!hasPorts) return ranges.some((range) => range.first === 0 && range.last === 65535);
  return ranges.some((range) => port >= range.first && port <= range.last);
}

/** Whether `rule` matches a packet with `tuple` travelling in `direction`. */
export function securityRuleMatches(
  rule: SecurityRule,
  direction: NsgDirection,
  tuple: FiveTuple,
  virtualNetwork: AddressSpace,
): boolean {
  if (rule.direction !== direction) return false;
  const protocol = protocolNumbers[rule.protocol];
  if (protocol !== undefined && protocol !== tuple.protocol) return false;
  const hasPorts = tuple.protocol === IpProtocol.Tcp || tuple.protocol === IpProtocol.Udp;
  return (
    rule.sources.some((match) => addressMatches(match, tuple.srcAddress, virtualNetwork)) &&
    rule.destinations.some((match) => addressMatches(match, tuple.dstAddress, virtualNetwork)) &&
    portMatches(rule.sourcePorts, tuple.srcPort, hasPorts) &&
    portMatches(rule.destinationPorts, tuple.dstPort, hasPorts)
  );
}

/** Formats a rule's address list for notes: `*`, `10.0.0.0/24`, `Internet`. */
export function formatNsgAddresses(addresses: readonly NsgAddress[]): string {
  return addresses
    .map((address) =>
      address.kind === 'any' ? '*' : address.kind === 'tag' ? address.tag : formatIpv4Prefix(address.prefix),
    )
    .join(',');
}

/**
 * A network security group: its custom rules (replaceable while the run goes on, as an
 * operator edits them) and the default rules. One group may be associated with many NICs and
 * subnets; a change applies to all of them, for new flows only (see `nsg-flow-records.ts`).
 */
export class NetworkSecurityGroup {
  private custom: readonly SecurityRule[];

  /**
   * @param rules custom rules; names and (direction, priority) pairs are unique, as Azure
   *   requires (the scenario loader checks)
   */
  constructor(
    readonly name: string,
    rules: readonly SecurityRule[],
  ) {
    this.custom = sortRules(rules);
  }

  /** The custom rules by priority. */
  get rules(): readonly SecurityRule[] {
    return this.custom;
  }

  /** Adds a rule, or replaces the rule of the same name. */
  setRule(rule: SecurityRule): void {
    this.custom = sortRules([...this.custom.filter((existing) => existing.name !== rule.name), rule]);
  }

  /** Removes the rule named `name`; returns whether there was one. */
  deleteRule(name: string): boolean {
    const remaining = this.custom.filter((rule) => rule.name !== name);
    const removed = remaining.length !== this.custom.length;
    this.custom = remaining;
    return removed;
  }

  /**
   * The rule that decides a packet: the first match by priority among the custom rules, then
   * the default rules (the last of which matches everything).
   */
  evaluate(direction: NsgDirection, tuple: FiveTuple, virtualNetwork: AddressSpace): SecurityRule {
    for (const rule of this.custom) if (securityRuleMatches(rule, direction, tuple, virtualNetwork)) return rule;
    const defaults = defaultSecurityRules.filter((rule) => rule.direction === direction);
    // The last default rule (DenyAll…) matches every packet, so the search always ends there.
    return defaults.find((rule) => securityRuleMatches(rule, direction, tuple, virtualNetwork)) ?? denyAll(defaults);
  }
}

function denyAll(defaults: readonly SecurityRule[]): SecurityRule {
  return defaults[defaults.length - 1] as SecurityRule;
}

function sortRules(rules: readonly SecurityRule[]): readonly SecurityRule[] {
  return [...rules].sort((a, b) => a.priority - b.priority || compareCodePoints(a.name, b.name));
}
