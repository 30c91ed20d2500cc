/**
 * Checks that addresses sit where Azure puts them relative to the virtual network
 * (`virtual-network-space.ts`): NIC IPs and internal frontend IPs inside its address space,
 * public frontend IPs and Internet clients outside it, and no Internet client aimed at an
 * internal frontend (only the virtual network reaches one). The Host Agent relies on this to
 * tell internal frontends from public ones. (An implicit virtual network holds exactly the NIC
 * addresses and internal frontend IPs, so a public frontend or client inside it is already a
 * duplicate address.)
 */
import { formatIpv4Prefix, parseIpv4Address } from '@lbsim/core';
import { addressSpaceContains } from '@lbsim/host-agent';
import type { DocumentPath } from '../base/diagnostic.ts';
import type { PathIssue } from '../base/path-issue.ts';
import { virtualNetworkSpace } from '../model/virtual-network-space.ts';
import type { Scenario } from '../schema/scenario.ts';
import { splitTarget } from '../schema/traffic.ts';

/** Runs the checks; returns errors with document paths. */
export function validateAddressPlacement(scenario: Scenario): PathIssue[] {
  const issues: PathIssue[] = [];
  const error = (path: DocumentPath, message: string) => issues.push({ severity: 'error', path, message });
  const space = virtualNetworkSpace(scenario);
  const spaceText = space.map(formatIpv4Prefix).join(', ');
  const inside = (text: string) => {
    const address = parseIpv4Address(text);
    return address !== undefined && addressSpaceContains(space, address);
  };
  // An address space with a malformed prefix is reported where it is (references.ts);
  // placing addresses against what is left of it would only add wrong errors.
  const declared =
    scenario.virtualNetwork !== undefined && space.length === scenario.virtualNetwork.addressSpace.length;

  if (declared) {
    for (const [h, host] of scenario.hosts.entries()) {
      for (const [v, vm] of host.vms.entries()) {
        for (const [n, nic] of vm.nics.entries()) {
          if (!inside(nic.ip)) {
            error(['hosts', h, 'vms', v, 'nics', n, 'ip'], `${nic.ip} is outside the virtual network (${spaceText})`);
          }
        }
      }
    }
  }
  const internalFrontends = new Set<string>();
  for (const [i, lb] of scenario.loadBalancers.entries()) {
    for (const [f, frontend] of lb.frontends.entries()) {
      const path = ['loadBalancers', i, 'frontends', f, 'ip'];
      if (lb.type === 'internal') {
        internalFrontends.add(frontend.ip);
        if (declared && !inside(frontend.ip)) {
          error(
            path,
            `an internal frontend takes an address of the virtual network (${spaceText}); ${frontend.ip} is outside it`,
          );
        }
      } else if (declared && inside(frontend.ip)) {
        error(
          path,
          `a public frontend's IP lies outside the virtual network; ${frontend.ip} is inside ${spaceText} (use type: internal)`,
        );
      }
    }
  }
  const clients = new Set(scenario.clients.map((client) => client.name));
  scenario.clients.forEach((client, c) => {
    if (declared && inside(client.ip)) {
      error(
        ['clients', c, 'ip'],
        `a client is on the Internet, outside the virtual network (${spaceText}); make a VM for a client inside it`,
      );
    }
  });
  scenario.traffic.forEach((item, t) => {
    if (!clients.has(item.from)) return;
    const target = splitTarget(item.to).address;
    if (internalFrontends.has(target)) {
      error(
        ['traffic', t, 'to'],
        `${target} is an internal frontend: only the virtual network reaches it, and "${item.from}" is an Internet client`,
      );
    }
  });
  return issues;
}
