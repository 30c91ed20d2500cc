/**
 * Top-level `vms:`: Azure users never see physical hosts, so a scenario may list VMs on their
 * own; each gets a host of its own named `host-<vm>` (one Host Agent per VM, as when each VM
 * lands on a different server). After loading they are in `hosts` like any other, after the
 * hosts written out; {@link documentPathOf} maps a path into them back to where the VM is written.
 */
import type { DocumentPath } from '../base/diagnostic.ts';
import type { PathIssue } from '../base/path-issue.ts';
import type { Scenario } from '../schema/scenario.ts';

/** The host name a top-level VM gets. */
export function hostNameOfVm(vm: string): string {
  return `host-${vm}`;
}

/** The scenario with its top-level VMs placed on hosts of their own; the error when it has no VM at all. */
export function placeTopLevelVms(scenario: Scenario): { scenario: Scenario; issues: PathIssue[] } {
  const hosts = [...scenario.hosts, ...scenario.vms.map((vm) => ({ name: hostNameOfVm(vm.name), vms: [vm] }))];
  const issues: PathIssue[] =
    hosts.length === 0
      ? [
          {
            severity: 'error',
            path: ['hosts'],
            message: 'a scenario needs at least one VM: give vms (or hosts with their vms)',
          },
        ]
      : [];
  return { scenario: { ...scenario, hosts }, issues };
}

/**
 * Where a path of the loaded scenario is in the document: `hosts[i].vms[0]…` of a host made
 * for a top-level VM is `vms[i − written hosts]…`, and the host itself is that VM's entry too.
 */
export function documentPathOf(path: DocumentPath, writtenHosts: number): DocumentPath {
  const [section, index, ...rest] = path;
  if (section !== 'hosts' || typeof index !== 'number' || index < writtenHosts) return path;
  const vmIndex = index - writtenHosts;
  if (rest[0] === 'vms' && rest[1] === 0) return ['vms', vmIndex, ...rest.slice(2)];
  return ['vms', vmIndex];
}
