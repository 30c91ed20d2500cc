/**
 * Checks of the `events` section: every event names a VM, listener, load balancer, pool,
 * member or Mux that exists.
 */

import type { DocumentPath } from '../base/diagnostic.ts';
import type { PathIssue } from '../base/path-issue.ts';
import { muxName, resolveMember, type VmRef } from '../model/topology-names.ts';
import type { Scenario } from '../schema/scenario.ts';

/** Problems with the scenario's events. */
export function validateEvents(
  scenario: Scenario,
  vms: ReadonlyMap<string, VmRef>,
  didYouMean: (name: string, candidates: readonly string[]) => string,
): PathIssue[] {
  const issues: PathIssue[] = [];
  const error = (path: DocumentPath, message: string) => issues.push({ severity: 'error', path, message });
  const vmNames = [...vms.keys()];
  const addedMuxes = scenario.events.filter((event) => event.action === 'add-mux').length;
  const muxNames = Array.from({ length: scenario.network.muxes + addedMuxes }, (_, i) => muxName(i));
  scenario.events.forEach((event, e) => {
    const path = ['events', e];
    if (event.at > scenario.duration)
      issues.push({ severity: 'warning', path: [...path, 'at'], message: 'happens after the run ends' });
    switch (event.action) {
      case 'stop-listener':
      case 'start-listener': {
        const vm = vms.get(event.vm);
        if (vm === undefined) {
          error([...path, 'vm'], `unknown VM "${event.vm}"${didYouMean(event.vm, vmNames)}`);
          return;
        }
        const declared = vm.vm.listeners.some(
          (listener) =>
            listener.protocol === event.protocol &&
            listener.port === event.port &&
            (event.address === undefined || listener.address === event.address),
        );
        if (!declared) {
          const bound = event.address === undefined ? '' : ` bound to ${event.address}`;
          error(
            [...path, 'port'],
            `VM "${event.vm}" declares no ${event.protocol} listener on port ${event.port}${bound}`,
          );
        }
        return;
      }
      case 'stop-vm':
      case 'start-vm':
      case 'set-role-state':
        if (!vms.has(event.vm)) error([...path, 'vm'], `unknown VM "${event.vm}"${didYouMean(event.vm, vmNames)}`);
        return;
      case 'set-security-rule':
      case 'delete-security-rule':
        // Checked with the security groups (security-groups.ts).
        return;
      case 'add-backend':
      case 'remove-backend':
      case 'drain-backend':
      case 'set-backend-weight':
      case 'set-admin-state': {
        const lb = scenario.loadBalancers.find((candidate) => candidate.name === event.loadBalancer);
        if (lb === undefined) {
          const names = scenario.loadBalancers.map((candidate) => candidate.name);
          error(
            [...path, 'loadBalancer'],
            `unknown load balancer "${event.loadBalancer}"${didYouMean(event.loadBalancer, names)}`,
          );
          return;
        }
        if (!lb.backendPools.some((pool) => pool.name === event.backendPool)) {
          const names = lb.backendPools.map((pool) => pool.name);
          error(
            [...path, 'backendPool'],
            `unknown backend pool "${event.backendPool}"${didYouMean(event.backendPool, names)}`,
          );
        }
        const resolved = resolveMember(event.member, vms);
        if (!resolved.ok) error([...path, 'member'], `${resolved.reason}${didYouMean(resolved.vmName, vmNames)}`);
        return;
      }
      case 'fail-mux':
      case 'restore-mux':
        if (!muxNames.includes(event.mux))
          error([...path, 'mux'], `no Mux is called "${event.mux}"${didYouMean(event.mux, muxNames)}`);
        return;
      case 'add-mux':
        return;
    }
  });
  return issues;
}
