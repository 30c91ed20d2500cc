/**
 * Addresses Azure refuses (the virtual network FAQ,
 * https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq, and
 * special-addresses.ts):
 * - no NIC, frontend IP or Internet client in a special-purpose range (loopback, multicast, …);
 * - no address space overlapping multicast, broadcast, loopback or link-local ranges, and a
 *   warning for one holding 168.63.129.16, the platform address probes come from
 *   (docs/mechanics.md §2.3: don't use the range containing it);
 * - subnets that overlap no other subnet and are at least a /29 (Azure's smallest);
 * - no NIC or internal frontend on the five addresses Azure keeps in each subnet: the network
 *   address, .1 (default gateway), .2 and .3 (Azure DNS) and the last (broadcast).
 * Malformed prefixes are reported by references.ts and skipped here.
 */
import {
  azurePlatformAddress,
  formatIpv4Address,
  type Ipv4Prefix,
  parseIpv4Address,
  parseIpv4Prefix,
  prefixContains,
} from '@lbsim/core';
import type { DocumentPath } from '../base/diagnostic.ts';
import type { PathIssue } from '../base/path-issue.ts';
import type { Scenario } from '../schema/scenario.ts';
import { prefixesOverlap, specialRangeOf, specialRanges } from './special-addresses.ts';

type Subnet = NonNullable<Scenario['virtualNetwork']>['subnets'][number];

/** Ranges the FAQ says an address space cannot overlap. */
const refusedInAddressSpace = new Set(['255.255.255.255/32', '127.0.0.0/8', '169.254.0.0/16', '224.0.0.0/4']);

/** Azure's smallest IPv4 subnet is a /29 (VNet FAQ). */
const longestSubnetPrefix = 29;

/** Runs the checks; returns errors and warnings with document paths. */
export function validateAzureAddresses(scenario: Scenario): PathIssue[] {
  return [...addressIssues(scenario), ...virtualNetworkIssues(scenario), ...subnetSlotIssues(scenario)];
}

/** Errors for NIC, frontend and client addresses in special-purpose ranges. */
function addressIssues(scenario: Scenario): PathIssue[] {
  const issues: PathIssue[] = [];
  const check = (text: string, role: string, path: DocumentPath) => {
    const address = parseIpv4Address(text);
    const special = address === undefined ? undefined : specialRangeOf(address);
    if (special !== undefined) {
      issues.push({
        severity: 'error',
        path,
        message: `${text} is ${special.kind} (${special.text}); Azure refuses it as ${role}`,
      });
    }
  };
  scenario.hosts.forEach((host, h) => {
    host.vms.forEach((vm, v) => {
      vm.nics.forEach((nic, n) => {
        check(nic.ip, 'a NIC address', ['hosts', h, 'vms', v, 'nics', n, 'ip']);
      });
    });
  });
  scenario.loadBalancers.forEach((lb, i) => {
    lb.frontends.forEach((frontend, f) => {
      check(frontend.ip, 'a frontend IP', ['loadBalancers', i, 'frontends', f, 'ip']);
    });
  });
  scenario.clients.forEach((client, c) => {
    const address = parseIpv4Address(client.ip);
    const special = address === undefined ? undefined : specialRangeOf(address);
    if (special !== undefined) {
      issues.push({
        severity: 'error',
        path: ['clients', c, 'ip'],
        message: `${client.ip} is ${special.kind} (${special.text}); an Internet client needs an address the Internet routes`,
      });
    }
  });
  return issues;
}

/** Problems with the address space and the subnets' prefixes. */
function virtualNetworkIssues(scenario: Scenario): PathIssue[] {
  const vnet = scenario.virtualNetwork;
  if (vnet === undefined) return [];
  const issues: PathIssue[] = [];
  const platform = formatIpv4Address(azurePlatformAddress);
  vnet.addressSpace.forEach((text, index) => {
    const prefix = parseIpv4Prefix(text);
    if (prefix === undefined) return;
    const path = ['virtualNetwork', 'addressSpace', index];
    for (const special of specialRanges) {
      if (refusedInAddressSpace.has(special.text) && prefixesOverlap(prefix, special.prefix)) {
        issues.push({
          severity: 'error',
          path,
          message: `${text} overlaps ${special.text} (the ${special.name} range); Azure refuses it in an address space`,
        });
      }
    }
    if (prefixContains(prefix, azurePlatformAddress)) {
      issues.push({
        severity: 'warning',
        path,
        message: `${text} holds ${platform}, Azure's platform address (health probes, DNS, DHCP); Azure advises not to use the range containing it (docs/mechanics.md §2.3)`,
      });
    }
  });
  const seen: { readonly subnet: Subnet; readonly prefix: Ipv4Prefix }[] = [];
  vnet.subnets.forEach((subnet, index) => {
    const prefix = parseIpv4Prefix(subnet.addressPrefix);
    if (prefix === undefined) return;
    const path = ['virtualNetwork', 'subnets', index, 'addressPrefix'];
    if (prefix.length > longestSubnetPrefix) {
      issues.push({
        severity: 'error',
        path,
        message: `${subnet.addressPrefix} is smaller than Azure's smallest subnet, a /${longestSubnetPrefix} (Azure keeps 5 addresses of each subnet)`,
      });
    }
    const other = seen.find((earlier) => prefixesOverlap(earlier.prefix, prefix));
    if (other !== undefined) {
      issues.push({
        severity: 'error',
        path,
        message: `${subnet.addressPrefix} overlaps subnet "${other.subnet.name}" (${other.subnet.addressPrefix}); Azure refuses overlapping subnets`,
      });
    }
    seen.push({ subnet, prefix });
  });
  return issues;
}

/** What Azure keeps the address at `offset` (from the network address) of a subnet for, if it does. */
function reservedSlot(prefix: Ipv4Prefix, address: number): string | undefined {
  if (prefix.length > 30) return undefined;
  const offset = (address - prefix.network) >>> 0;
  const last = 2 ** (32 - prefix.length) - 1;
  if (offset === 0) return 'the network address';
  if (offset === 1) return 'the default gateway';
  if (offset === 2 || offset === 3) return 'Azure DNS';
  if (offset === last) return 'the broadcast address';
  return undefined;
}

/** The subnet `name` names, else the first whose prefix holds `address`. */
function subnetHolding(subnets: readonly Subnet[], name: string | undefined, address: number) {
  for (const subnet of subnets) {
    const prefix = parseIpv4Prefix(subnet.addressPrefix);
    if (prefix === undefined) continue;
    if (name !== undefined ? subnet.name === name : prefixContains(prefix, address)) return { subnet, prefix };
  }
  return undefined;
}

/** Errors for NICs and internal frontends on an address Azure keeps in their subnet. */
function subnetSlotIssues(scenario: Scenario): PathIssue[] {
  const subnets = scenario.virtualNetwork?.subnets ?? [];
  if (subnets.length === 0) return [];
  const issues: PathIssue[] = [];
  const check = (text: string, subnetName: string | undefined, path: DocumentPath) => {
    const address = parseIpv4Address(text);
    if (address === undefined) return;
    const found = subnetHolding(subnets, subnetName, address);
    if (found === undefined || !prefixContains(found.prefix, address)) return;
    const slot = reservedSlot(found.prefix, address);
    if (slot !== undefined) {
      issues.push({
        severity: 'error',
        path,
        message: `${text} is ${slot} of subnet "${found.subnet.name}" (${found.subnet.addressPrefix}); Azure keeps the first four addresses and the last of each subnet`,
      });
    }
  };
  scenario.hosts.forEach((host, h) => {
    host.vms.forEach((vm, v) => {
      vm.nics.forEach((nic, n) => {
        check(nic.ip, nic.subnet, ['hosts', h, 'vms', v, 'nics', n, 'ip']);
      });
    });
  });
  scenario.loadBalancers.forEach((lb, i) => {
    if (lb.type !== 'internal') return;
    lb.frontends.forEach((frontend, f) => {
      check(frontend.ip, frontend.subnet, ['loadBalancers', i, 'frontends', f, 'ip']);
    });
  });
  return issues;
}
