/**
 * Checks of guest OS settings the schema cannot express: routes name NICs of their VM,
 * listeners bind to addresses the VM has, weak host settings are Windows settings (Linux always
 * uses the weak host model), and `tcp_tw_recycle` is a Linux setting.
 */

import type { DocumentPath } from '../base/diagnostic.ts';
import { didYouMean } from '../base/did-you-mean.ts';
import type { PathIssue } from '../base/path-issue.ts';
import { defaultNicName } from '../model/topology-names.ts';
import type { Scenario } from '../schema/scenario.ts';

/** Runs the checks; returns errors with document paths. */
export function validateGuests(scenario: Scenario): PathIssue[] {
  const issues: PathIssue[] = [];
  const error = (path: DocumentPath, message: string) => issues.push({ severity: 'error', path, message });
  for (const [h, host] of scenario.hosts.entries()) {
    for (const [v, vm] of host.vms.entries()) {
      const path = ['hosts', h, 'vms', v];
      const nicNames = vm.nics.map((nic, n) => nic.name ?? defaultNicName(vm.name, n));
      vm.routes.forEach((route, r) => {
        if (!nicNames.includes(route.nic)) {
          error(
            [...path, 'routes', r, 'nic'],
            `VM "${vm.name}" has no NIC "${route.nic}"${didYouMean(route.nic, nicNames)}`,
          );
        }
      });
      const addresses = [...vm.nics.map((nic) => nic.ip), ...vm.loopbacks];
      vm.listeners.forEach((listener, l) => {
        if (listener.address !== undefined && !addresses.includes(listener.address)) {
          error(
            [...path, 'listeners', l, 'address'],
            `${listener.address} is not an address of VM "${vm.name}" (it has ${addresses.join(', ')}); add it to loopbacks to bind to it`,
          );
        }
      });
      if (vm.os === 'linux') {
        for (const key of ['weakHostReceive', 'weakHostSend'] as const) {
          if (vm[key] !== undefined) {
            error([...path, key], `${key} is a Windows setting; Linux always uses the weak host model`);
          }
        }
      }
      if (vm.os === 'windows' && vm.tcp?.twRecycle !== undefined) {
        error([...path, 'tcp', 'twRecycle'], 'twRecycle is a Linux setting (net.ipv4.tcp_tw_recycle)');
      }
    }
  }
  return issues;
}
