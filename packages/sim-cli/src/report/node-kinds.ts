/**
 * The kind of every node of a topology, to order and colour them in the report's pictures:
 * clients left, then the router, Muxes, Host Agents and guests, as a packet travels.
 */
import type { Topology } from '@lbsim/scenario';

/** Kinds of node, in the order pictures lay them out left to right. */
export const nodeKindOrder = ['client', 'router', 'mux', 'host', 'guest'] as const;

/** One of {@link nodeKindOrder}. */
export type NodeKind = (typeof nodeKindOrder)[number];

/** Node name → kind, for every node of `topology`. */
export function nodeKindsOf(topology: Topology): Map<string, NodeKind> {
  const kinds = new Map<string, NodeKind>();
  for (const client of topology.clients) kinds.set(client.name, 'client');
  kinds.set(topology.router, 'router');
  for (const mux of topology.muxes) kinds.set(mux.name, 'mux');
  for (const host of topology.hosts) {
    kinds.set(host.name, 'host');
    for (const vm of host.vms) kinds.set(vm.name, 'guest');
  }
  return kinds;
}

/** Words for each kind, as legends and lane headers show them. */
export const nodeKindNames: Readonly<Record<NodeKind, string>> = {
  client: 'client',
  router: 'edge router',
  mux: 'Mux',
  host: 'Host Agent',
  guest: 'guest VM',
};
