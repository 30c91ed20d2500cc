/**
 * The vantage points lbsim writes captures for, and what each one sees. A capture is what a
 * tap on one node's wire would record (docs/captures.md):
 * - an Internet client: its link to the router;
 * - a Mux: its link to the router (packets in from the router, IP-in-IP out to the DIPs);
 * - a Host Agent: its wire side only, the link to the router (tunnelled packets in, direct
 *   server return and the VMs' other traffic out); its VM side is each guest's capture;
 * - a guest VM: its link to its Host Agent. lbsim models a VM's NICs as one link, so a VM has
 *   one capture, described with all its NIC addresses.
 * The router gets none: every one of its links ends at one of the above, so it would only
 * repeat them.
 */
import type { Topology } from '@lbsim/scenario';

/** What kind of node a vantage point is on. */
export type VantageKind = 'client' | 'mux' | 'host' | 'guest';

/** One capture: a node's wire. */
export interface VantagePoint {
  /** The node's name in the trace; also the capture's interface name and file name. */
  readonly node: string;
  readonly kind: VantageKind;
  /** One sentence on what the capture sees, for `if_description`. */
  readonly description: string;
  /** For a Host Agent: its VMs' node names (packets from them arrive on the VM side). */
  readonly guests: ReadonlySet<string>;
  /** For a Host Agent: its VMs' addresses (NICs and loopbacks), dotted quads. */
  readonly guestAddresses: ReadonlySet<string>;
}

const none: ReadonlySet<string> = new Set();

/** Every vantage point of a topology: clients, Muxes, Host Agents, then VMs, each in order. */
export function vantagePointsOf(topology: Topology): VantagePoint[] {
  const points: VantagePoint[] = [];
  for (const client of topology.clients) {
    points.push({
      node: client.name,
      kind: 'client',
      description: `Internet client ${client.name} (${client.address}): its link to the router`,
      guests: none,
      guestAddresses: none,
    });
  }
  for (const mux of topology.muxes) {
    points.push({
      node: mux.name,
      kind: 'mux',
      description: `Mux ${mux.name} (${mux.address}): its link to the router`,
      guests: none,
      guestAddresses: none,
    });
  }
  for (const host of topology.hosts) {
    points.push({
      node: host.name,
      kind: 'host',
      description: `Host Agent ${host.name}, wire side: its link to the router (VMs: ${host.vms.map((vm) => vm.name).join(', ')})`,
      guests: new Set(host.vms.map((vm) => vm.name)),
      guestAddresses: new Set(host.vms.flatMap((vm) => [...vm.nics.map((nic) => nic.address), ...vm.loopbacks])),
    });
  }
  for (const host of topology.hosts) {
    for (const vm of host.vms) {
      const nics = vm.nics.map((nic) => `${nic.name} ${nic.address}`).join(', ');
      points.push({
        node: vm.name,
        kind: 'guest',
        description: `VM ${vm.name} (${nics}): its link to Host Agent ${host.name}`,
        guests: none,
        guestAddresses: none,
      });
    }
  }
  return points;
}
