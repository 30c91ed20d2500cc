/**
 * Checks between sections of a scenario that the schema cannot express: names are unique and
 * every reference names something that exists, addresses do not clash and lie in their
 * subnets, and rules are combinations Azure accepts. Every problem is reported, not just the
 * first.
 */

import {
  azurePlatformAddress,
  formatIpv4Address,
  ipv4,
  parseIpv4Address,
  parseIpv4Prefix,
  prefixContains,
} from '@lbsim/core';
import { type DocumentPath, quoted } from '../base/diagnostic.ts';
import { didYouMean } from '../base/did-you-mean.ts';
import type { PathIssue } from '../base/path-issue.ts';
import { indexVms, infrastructurePrefix, muxName, resolveMember, routerName } from '../model/topology-names.ts';
import { listenerApp } from '../schema/host.ts';
import { memberName } from '../schema/load-balancer.ts';
import type { Scenario } from '../schema/scenario.ts';
import { splitTarget } from '../schema/traffic.ts';
import { validateAddressPlacement } from './address-placement.ts';
import { validateAzureAddresses } from './azure-addresses.ts';
import { validateEvents } from './events.ts';
import { validateGuests } from './guests.ts';
import { validateOutbound } from './outbound.ts';
import { validateSecurityGroups } from './security-groups.ts';

/** The address of Azure's platform services and probe source, dotted (docs/mechanics.md §2.3). */
const platformAddressText = formatIpv4Address(azurePlatformAddress);

const udpOutcomes = new Set(['answered', 'lost', 'pending', 'no-port']);
const tcpOnlyOutcomes = new Set(['completed', 'established', 'refused', 'reset', 'timed-out', 'incomplete']);

/** Runs every check; returns errors and warnings with document paths. */
export function validateReferences(scenario: Scenario): PathIssue[] {
  const issues: PathIssue[] = [];
  const error = (path: DocumentPath, message: string) => issues.push({ severity: 'error', path, message });
  const warning = (path: DocumentPath, message: string) => issues.push({ severity: 'warning', path, message });

  const nodeNames = new Map<string, string>();
  const claimName = (name: string, kind: string, path: DocumentPath) => {
    const previous = nodeNames.get(name);
    if (previous !== undefined) error(path, `the name "${name}" is already used by ${previous}`);
    else nodeNames.set(name, `${kind} "${name}"`);
  };
  claimName(routerName, 'the router', []);
  for (let i = 0; i < scenario.network.muxes; i++) claimName(muxName(i), 'a Mux', []);

  const infrastructure = parseIpv4Prefix(infrastructurePrefix) as NonNullable<ReturnType<typeof parseIpv4Prefix>>;
  const addresses = new Map<number, string>();
  const claimAddress = (text: string, owner: string, path: DocumentPath) => {
    const address = ipv4(text);
    if (text === platformAddressText) {
      error(path, `${platformAddressText} is Azure's platform address (probe source); it cannot be assigned`);
      return;
    }
    if (prefixContains(infrastructure, address)) {
      error(path, `${text} is in ${infrastructurePrefix}, which lbsim gives the Muxes and the edge router`);
      return;
    }
    const previous = addresses.get(address);
    if (previous !== undefined) error(path, `${text} is already the address of ${previous}`);
    else addresses.set(address, owner);
  };

  const subnets = new Map<string, { readonly prefix: string; readonly path: DocumentPath }>();
  const vnet = scenario.virtualNetwork;
  if (vnet !== undefined) {
    const spaces = vnet.addressSpace.map((text) => parseIpv4Prefix(text));
    vnet.addressSpace.forEach((text, index) => {
      if (parseIpv4Prefix(text) === undefined)
        error(['virtualNetwork', 'addressSpace', index], `${text} has host bits set`);
    });
    vnet.subnets.forEach((subnet, index) => {
      const path = ['virtualNetwork', 'subnets', index];
      if (subnets.has(subnet.name)) error([...path, 'name'], `duplicate subnet name "${subnet.name}"`);
      subnets.set(subnet.name, { prefix: subnet.addressPrefix, path });
      const prefix = parseIpv4Prefix(subnet.addressPrefix);
      if (prefix === undefined) {
        error([...path, 'addressPrefix'], `${subnet.addressPrefix} has host bits set (use the network address)`);
        return;
      }
      // A malformed address-space prefix is reported above; judging subnets against the rest would mislead.
      if (spaces.includes(undefined)) return;
      const inSpace = spaces.some(
        (space) => space !== undefined && space.length <= prefix.length && prefixContains(space, prefix.network),
      );
      if (!inSpace)
        error(
          [...path, 'addressPrefix'],
          `${subnet.addressPrefix} is outside the address space ${vnet.addressSpace.join(', ')}`,
        );
    });
  }
  const checkSubnet = (subnetName: string | undefined, ip: string, path: DocumentPath) => {
    if (subnetName === undefined) return;
    if (vnet === undefined) {
      error([...path, 'subnet'], `subnet "${subnetName}" given but the scenario has no virtualNetwork`);
      return;
    }
    const subnet = subnets.get(subnetName);
    if (subnet === undefined) {
      error([...path, 'subnet'], `unknown subnet "${subnetName}"${didYouMean(subnetName, [...subnets.keys()])}`);
      return;
    }
    const prefix = parseIpv4Prefix(subnet.prefix);
    if (prefix !== undefined && !prefixContains(prefix, ipv4(ip))) {
      error([...path, 'ip'], `${ip} is outside subnet "${subnetName}" (${subnet.prefix})`);
    }
  };

  scenario.hosts.forEach((host, h) => {
    claimName(host.name, 'host', ['hosts', h, 'name']);
    host.vms.forEach((vm, v) => {
      const vmPath = ['hosts', h, 'vms', v];
      claimName(vm.name, 'VM', [...vmPath, 'name']);
      const nicNames = new Set<string>();
      vm.nics.forEach((nic, n) => {
        const nicName = nic.name ?? `${vm.name}-nic${n}`;
        if (nicNames.has(nicName)) error([...vmPath, 'nics', n, 'name'], `duplicate NIC name "${nicName}"`);
        nicNames.add(nicName);
        claimAddress(nic.ip, `NIC ${nicName} of VM "${vm.name}"`, [...vmPath, 'nics', n, 'ip']);
        checkSubnet(nic.subnet, nic.ip, [...vmPath, 'nics', n]);
      });
      validateListeners(vm.listeners, [...vmPath, 'listeners'], error);
    });
  });
  scenario.clients.forEach((client, c) => {
    claimName(client.name, 'client', ['clients', c, 'name']);
    claimAddress(client.ip, `client "${client.name}"`, ['clients', c, 'ip']);
    const listenersPath = ['clients', c, 'listeners'];
    validateListeners(client.listeners, listenersPath, error);
    client.listeners.forEach((listener, l) => {
      if (listener.address !== undefined && listener.address !== client.ip) {
        error(
          [...listenersPath, l, 'address'],
          `an Internet host has one address, ${client.ip}; a listener cannot bind ${listener.address}`,
        );
      }
    });
  });

  const vms = indexVms(scenario);
  const vmNames = [...vms.keys()];
  const frontendAddresses = new Set<string>();
  const lbNames = new Set<string>();
  scenario.loadBalancers.forEach((lb, i) => {
    const lbPath = ['loadBalancers', i];
    if (lbNames.has(lb.name)) error([...lbPath, 'name'], `duplicate load balancer name "${lb.name}"`);
    lbNames.add(lb.name);
    const frontends = uniqueNames(lb.frontends, [...lbPath, 'frontends'], 'frontend', error);
    const pools = uniqueNames(lb.backendPools, [...lbPath, 'backendPools'], 'backend pool', error);
    const probes = uniqueNames(lb.probes, [...lbPath, 'probes'], 'probe', error);
    uniqueNames(lb.rules, [...lbPath, 'rules'], 'rule', error);
    lb.frontends.forEach((frontend, f) => {
      const path = [...lbPath, 'frontends', f];
      if (frontendAddresses.has(frontend.ip)) error([...path, 'ip'], `${frontend.ip} is already a frontend IP`);
      else claimAddress(frontend.ip, `frontend "${frontend.name}" of load balancer "${lb.name}"`, [...path, 'ip']);
      frontendAddresses.add(frontend.ip);
      if (lb.type === 'public' && frontend.subnet !== undefined) {
        error([...path, 'subnet'], 'a public frontend has no subnet (only internal load balancers take one)');
      }
      checkSubnet(frontend.subnet, frontend.ip, path);
    });
    const poolMembers = new Map<string, number>();
    lb.backendPools.forEach((pool, p) => {
      const seen = new Set<string>();
      pool.members.forEach((entry, m) => {
        const path = [...lbPath, 'backendPools', p, 'members', m];
        const member = memberName(entry);
        const resolved = resolveMember(member, vms);
        if (!resolved.ok) error(path, `${resolved.reason}${didYouMean(resolved.vmName, vmNames)}`);
        if (seen.has(member)) error(path, `${quoted(member)} is listed twice`);
        seen.add(member);
      });
      poolMembers.set(pool.name, pool.members.length);
    });
    const endpoints = new Set<string>();
    const backendPorts = new Map<string, string>();
    lb.rules.forEach((rule, r) => {
      const path = [...lbPath, 'rules', r];
      if (!frontends.has(rule.frontend)) {
        error([...path, 'frontend'], `unknown frontend "${rule.frontend}"${didYouMean(rule.frontend, [...frontends])}`);
      }
      if (!pools.has(rule.backendPool)) {
        error(
          [...path, 'backendPool'],
          `unknown backend pool "${rule.backendPool}"${didYouMean(rule.backendPool, [...pools])}`,
        );
      }
      if (rule.probe !== undefined && !probes.has(rule.probe)) {
        error([...path, 'probe'], `unknown probe "${rule.probe}"${didYouMean(rule.probe, [...probes])}`);
      }
      if (rule.protocol === 'All' && lb.type !== 'internal') {
        error([...path, 'protocol'], 'HA-ports rules (protocol All) exist only on internal load balancers');
      }
      const protocols = rule.protocol === 'All' ? ['Tcp', 'Udp'] : [rule.protocol];
      for (const protocol of protocols) {
        const key = `${rule.frontend}|${protocol}|${rule.frontendPort}`;
        if (endpoints.has(key)) {
          error(
            [...path, 'frontendPort'],
            `frontend "${rule.frontend}" already has a ${protocol} rule on port ${rule.frontendPort}`,
          );
        }
        endpoints.add(key);
        if (!rule.enableFloatingIP) {
          // Without floating IP each rule must map to a unique (DIP, port) (docs/mechanics.md §2.11).
          const backendKey = `${rule.backendPool}|${protocol}|${rule.backendPort}`;
          const other = backendPorts.get(backendKey);
          if (other !== undefined) {
            error(
              [...path, 'backendPort'],
              `rule "${other}" already sends ${protocol} to port ${rule.backendPort} of pool "${rule.backendPool}"; without floating IP each rule needs its own backend port`,
            );
          }
          backendPorts.set(backendKey, rule.name);
        }
      }
      if (pools.has(rule.backendPool) && poolMembers.get(rule.backendPool) === 0) {
        warning(
          [...path, 'backendPool'],
          `backend pool "${rule.backendPool}" is empty: every connection to this rule fails`,
        );
      }
    });
    lb.inboundNatRules.forEach((rule, r) => {
      const path = [...lbPath, 'inboundNatRules', r];
      const key = `${rule.frontend}|${rule.protocol}|${rule.frontendPort}`;
      if (endpoints.has(key)) {
        error(
          [...path, 'frontendPort'],
          `frontend "${rule.frontend}" already has a ${rule.protocol} rule on port ${rule.frontendPort}`,
        );
      }
      endpoints.add(key);
      if (!frontends.has(rule.frontend))
        error([...path, 'frontend'], `unknown frontend "${rule.frontend}"${didYouMean(rule.frontend, [...frontends])}`);
      const resolved = resolveMember(rule.target, vms);
      if (!resolved.ok) error([...path, 'target'], `${resolved.reason}${didYouMean(resolved.vmName, vmNames)}`);
    });
    lb.outboundRules.forEach((rule, r) => {
      const path = [...lbPath, 'outboundRules', r];
      if (lb.type === 'internal')
        error(path, 'an internal load balancer has no outbound rules (it gives no outbound connectivity)');
      rule.frontends.forEach((name, f) => {
        if (!frontends.has(name))
          error([...path, 'frontends', f], `unknown frontend "${name}"${didYouMean(name, [...frontends])}`);
      });
      if (!pools.has(rule.backendPool))
        error(
          [...path, 'backendPool'],
          `unknown backend pool "${rule.backendPool}"${didYouMean(rule.backendPool, [...pools])}`,
        );
    });
  });

  const table = scenario.network.maglevTableSize;
  scenario.network.maglevPermutations.forEach((entry, i) => {
    const path = ['network', 'maglevPermutations', i];
    if (entry.offset >= table)
      error([...path, 'offset'], `offset ${entry.offset} is not a slot of a ${table}-slot table (0..${table - 1})`);
    if (entry.skip >= table) error([...path, 'skip'], `skip ${entry.skip} must be 1..${table - 1}`);
    if (!addresses.has(ipv4(entry.dip))) error([...path, 'dip'], `${entry.dip} is not the address of any NIC`);
  });
  if (scenario.network.maglevPermutations.length > 0 && scenario.network.backendSelection !== 'maglev') {
    warning(
      ['network', 'maglevPermutations'],
      `ignored: backendSelection is ${scenario.network.backendSelection}, not maglev`,
    );
  }

  const clients = new Set(scenario.clients.map((client) => client.name));
  const trafficNames = new Map<string, number>();
  const trafficProtocols: string[] = [];
  scenario.traffic.forEach((item, t) => {
    const path = ['traffic', t];
    const name = item.name ?? `traffic-${t}`;
    if (trafficNames.has(name)) error([...path, 'name'], `duplicate traffic name "${name}"`);
    trafficNames.set(name, t);
    trafficProtocols.push(item.protocol);
    if (!clients.has(item.from) && !vms.has(item.from)) {
      error([...path, 'from'], `unknown client or VM "${item.from}"${didYouMean(item.from, [...clients, ...vmNames])}`);
    }
    const target = splitTarget(item.to);
    if (parseIpv4Address(target.address) === undefined)
      error([...path, 'to'], `${target.address} is not an IPv4 address`);
    if (target.port < 1 || target.port > 65535) error([...path, 'to'], `port ${target.port} is not 1..65535`);
    if (item.startAt >= scenario.duration)
      warning([...path, 'startAt'], 'starts after the run ends: no connection will be made');
  });

  issues.push(...validateEvents(scenario, vms, didYouMean));

  const probeNames = scenario.loadBalancers.flatMap((lb) => lb.probes.map((probe) => `${lb.name}/${probe.name}`));
  scenario.expect.forEach((expectation, x) => {
    const path = ['expect', x];
    const dropNode = expectation.drops?.node;
    if (dropNode !== undefined && !nodeNames.has(dropNode)) {
      error(
        [...path, 'drops', 'node'],
        `no node is called "${dropNode}"${didYouMean(dropNode, [...nodeNames.keys()])}`,
      );
    }
    const health = expectation.health;
    if (health?.vm !== undefined && !vms.has(health.vm)) {
      error([...path, 'health', 'vm'], `unknown VM "${health.vm}"${didYouMean(health.vm, vmNames)}`);
    }
    if (health?.probe !== undefined && !probeNames.includes(health.probe)) {
      error(
        [...path, 'health', 'probe'],
        `no probe is called "${health.probe}" (write loadBalancer/probe)${didYouMean(health.probe, probeNames)}`,
      );
    }
    if (expectation.traffic === undefined) return;
    const index = typeof expectation.traffic === 'number' ? expectation.traffic : trafficNames.get(expectation.traffic);
    if (index === undefined || index >= scenario.traffic.length) {
      const known = [...trafficNames.keys()];
      error(
        [...path, 'traffic'],
        typeof expectation.traffic === 'number'
          ? `there is no traffic item ${expectation.traffic} (there are ${scenario.traffic.length})`
          : `unknown traffic "${expectation.traffic}"${didYouMean(expectation.traffic, known)}`,
      );
      return;
    }
    const protocol = trafficProtocols[index];
    const outcome = expectation.outcome;
    if (outcome !== undefined && protocol === 'Udp' && !udpOutcomes.has(outcome)) {
      error([...path, 'outcome'], `UDP traffic ends answered, lost, pending or no-port, never ${outcome}`);
    }
    if (
      outcome !== undefined &&
      protocol === 'Tcp' &&
      !tcpOnlyOutcomes.has(outcome) &&
      outcome !== 'pending' &&
      outcome !== 'no-port'
    ) {
      error([...path, 'outcome'], `TCP traffic never ends ${outcome} (that is for UDP)`);
    }
  });
  issues.push(
    ...validateSecurityGroups(scenario),
    ...validateGuests(scenario),
    ...validateAddressPlacement(scenario),
    ...validateAzureAddresses(scenario),
    ...validateOutbound(scenario),
  );
  return issues;
}

/** What {@link validateListeners} reads of a VM's or Internet host's listener. */
type Listener = Pick<
  Scenario['hosts'][number]['vms'][number]['listeners'][number],
  'protocol' | 'port' | 'address' | 'app' | 'http'
> & { readonly ftp?: unknown; readonly proxy?: unknown };

/** Checks the listeners of a VM or Internet host: no duplicates, settings that fit the app. */
function validateListeners(
  listeners: readonly Listener[],
  path: DocumentPath,
  error: (path: DocumentPath, message: string) => void,
): void {
  const seen = new Set<string>();
  listeners.forEach((listener, l) => {
    const key = `${listener.protocol}|${listener.port}|${listener.address ?? '*'}`;
    if (seen.has(key))
      error([...path, l], `a ${listener.protocol} listener on port ${listener.port} is declared twice`);
    seen.add(key);
    if (listener.protocol === 'Udp' && listenerApp(listener) !== 'echo') {
      error([...path, l, 'app'], 'a Udp listener runs the echo app');
    }
    if (listener.http !== undefined && listenerApp(listener) !== 'http') {
      error([...path, l, 'http'], 'http settings need app: http');
    }
    if (listener.app === 'ftp' && listener.ftp === undefined) {
      error([...path, l], 'an ftp listener needs ftp: { passiveAddress, passivePorts }');
    }
    if (listener.ftp !== undefined && listener.app !== 'ftp') {
      error([...path, l, 'ftp'], 'ftp settings need app: ftp');
    }
    if (listener.app === 'proxy' && listener.proxy === undefined) {
      error([...path, l], 'a proxy listener needs proxy: { upstream: address:port }');
    }
    if (listener.proxy !== undefined && listener.app !== 'proxy') {
      error([...path, l, 'proxy'], 'proxy settings need app: proxy');
    }
  });
}

function uniqueNames(
  items: readonly { readonly name: string }[],
  path: DocumentPath,
  kind: string,
  error: (path: DocumentPath, message: string) => void,
): Set<string> {
  const names = new Set<string>();
  items.forEach((item, index) => {
    if (names.has(item.name)) error([...path, index, 'name'], `duplicate ${kind} name "${item.name}"`);
    names.add(item.name);
  });
  return names;
}
