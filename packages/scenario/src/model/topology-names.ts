/**
 * Names the builder gives to nodes that a scenario does not name itself, and how NICs are
 * named and pool members refer to them.
 *
 * The folder model/ takes schema/ and gives facts about a scenario that several stages share:
 * node names (this file), the virtual network's address space, Azure's SNAT port table and the
 * memory a run needs per connection. validate/ checks with them what build/ then builds.
 */

import { quoted } from '../base/diagnostic.ts';
import type { Scenario } from '../schema/scenario.ts';

/**
 * The addresses lbsim gives its own infrastructure: the Muxes (100.127.0.1 up) and the edge
 * router (100.127.255.254), inside the shared address space of RFC 6598 so no scenario
 * address need clash with them; scenarios may not use it.
 */
export const infrastructurePrefix = '100.127.0.0/16';

/** Name of the edge router node. */
export const routerName = 'router';

/** Name of Mux `index` (0-based): `mux-1`, `mux-2`, … */
export function muxName(index: number): string {
  return `mux-${index + 1}`;
}

/** Name of a host's Host Agent node: the host's own name. */
export function hostAgentName(host: string): string {
  return host;
}

/**
 * Name of a host's prober, the vantage point of its health probes (which come from
 * 168.63.129.16): `probe@<host>`.
 */
export function proberName(host: string): string {
  return `probe@${host}`;
}

/** The name of NIC `index` of `vm` when the scenario gives none: `<vm>-nic<index>`. */
export function defaultNicName(vm: string, index: number): string {
  return `${vm}-nic${index}`;
}

/** A VM as the rest of the scenario refers to it. */
export interface VmRef {
  readonly host: string;
  readonly hostIndex: number;
  readonly vmIndex: number;
  readonly vm: Scenario['hosts'][number]['vms'][number];
  /** NIC names in order (given or default). */
  readonly nicNames: readonly string[];
}

/** Every VM by name (the first of a duplicated name wins; validation reports duplicates). */
export function indexVms(scenario: Scenario): Map<string, VmRef> {
  const vms = new Map<string, VmRef>();
  scenario.hosts.forEach((host, hostIndex) => {
    host.vms.forEach((vm, vmIndex) => {
      if (vms.has(vm.name)) return;
      const nicNames = vm.nics.map((nic, index) => nic.name ?? defaultNicName(vm.name, index));
      vms.set(vm.name, { host: host.name, hostIndex, vmIndex, vm, nicNames });
    });
  });
  return vms;
}

/**
 * Resolves a pool member or NAT target: `vm` (its primary NIC) or `vm/nic`.
 * @returns the VM and NIC index, or a reason it does not resolve.
 */
export function resolveMember(
  member: string,
  vms: ReadonlyMap<string, VmRef>,
):
  | { readonly ok: true; readonly vm: VmRef; readonly nicIndex: number }
  | { readonly ok: false; readonly reason: string; readonly vmName: string } {
  const slash = member.indexOf('/');
  const vmName = slash === -1 ? member : member.slice(0, slash);
  const vm = vms.get(vmName);
  if (vm === undefined) return { ok: false, reason: `unknown VM ${quoted(vmName)}`, vmName };
  if (slash === -1) return { ok: true, vm, nicIndex: 0 };
  const nicName = member.slice(slash + 1);
  const nicIndex = vm.nicNames.indexOf(nicName);
  if (nicIndex === -1) {
    return {
      ok: false,
      reason: `VM ${quoted(vmName)} has no NIC ${quoted(nicName)} (it has ${vm.nicNames.join(', ')})`,
      vmName,
    };
  }
  return { ok: true, vm, nicIndex };
}
