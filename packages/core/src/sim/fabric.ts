/**
 * The fabric: nodes joined by point-to-point links with a latency and an MTU.
 *
 * A node hands a packet to a neighbour with {@link Fabric.transmit}; the packet arrives after
 * the link's latency, in order (links are FIFO: constant latency, no reordering). The fabric
 * records a `receive` event at the arriving node, so every vantage point sees what came in as
 * well as what it did with it.
 */
import type { Ipv4Packet } from '../net/packet.ts';
import { ipv4TotalLength } from '../net/packet-size.ts';
import type { Kernel } from './kernel.ts';
import type { PacketMeta } from './packet-meta.ts';
import type { Tracer } from './trace.ts';

/** A node on the fabric: router, Mux, Host Agent, VM, Internet client. */
export interface NetworkNode {
  /** Unique name; also the vantage point in traces. */
  readonly name: string;
  /**
   * Called when a packet arrives from neighbour `from`; `nic` names the network interface the
   * packet crossed when the sender gave one (a VM's NIC on the link between a VM and its Host
   * Agent, see {@link Fabric.transmit}).
   */
  receive(packet: Ipv4Packet, meta: PacketMeta, from: string, nic?: string): void;
}

/** Properties of a link. */
export interface LinkOptions {
  /** One-way latency in ns (a non-negative integer). */
  readonly latencyNs: number;
  /** Largest IPv4 packet the link carries, in bytes (RFC 791 requires at least 68). */
  readonly mtuBytes: number;
}

/** The nodes, links and the kernel and tracer every node shares. */
export class Fabric {
  private readonly nodes = new Map<string, NetworkNode>();
  private readonly links = new Map<string, Map<string, LinkOptions>>();

  constructor(
    readonly kernel: Kernel,
    readonly tracer: Tracer,
  ) {}

  /**
   * Adds a node.
   * @throws Error when the name is taken: names are validated by the scenario loader first.
   */
  add<T extends NetworkNode>(node: T): T {
    if (this.nodes.has(node.name)) throw new Error(`duplicate node name ${node.name}`);
    this.nodes.set(node.name, node);
    return node;
  }

  /** The node named `name`, or `undefined`. */
  node(name: string): NetworkNode | undefined {
    return this.nodes.get(name);
  }

  /** Joins two nodes with a link in both directions. */
  connect(a: string, b: string, options: LinkOptions): void {
    this.linksOf(a).set(b, options);
    this.linksOf(b).set(a, options);
  }

  /** The link from `from` to `to`, or `undefined` when they are not neighbours. */
  link(from: string, to: string): LinkOptions | undefined {
    return this.links.get(from)?.get(to);
  }

  /**
   * Sends a packet over the link from `from` to `to`.
   *
   * A packet larger than the link MTU is dropped at the sender (`mtu-exceeded`): senders that
   * may fragment do so before calling this.
   *
   * @param nic the VM NIC the packet crosses, on a link between a VM and its Host Agent: a VM
   *   with several NICs has one link to its host that carries all of them, and both ends need
   *   to know which NIC a packet used (source checks, strong host model, NSGs per NIC).
   * @returns whether the packet was put on the link
   * @throws Error when the nodes are not neighbours: topology is built by code, not input.
   */
  transmit(from: string, to: string, packet: Ipv4Packet, meta: PacketMeta, nic?: string): boolean {
    const link = this.links.get(from)?.get(to);
    const target = this.nodes.get(to);
    if (link === undefined || target === undefined) throw new Error(`no link from ${from} to ${to}`);
    const length = ipv4TotalLength(packet);
    if (length > link.mtuBytes) {
      this.tracer.emit(
        this.kernel.nowNs,
        from,
        'drop',
        packet,
        meta,
        `${length} bytes exceed the ${link.mtuBytes}-byte MTU toward ${to}`,
        'mtu-exceeded',
      );
      return false;
    }
    this.kernel.after(link.latencyNs, () => {
      this.tracer.emit(
        this.kernel.nowNs,
        to,
        'receive',
        packet,
        meta,
        `from ${from}${nic === undefined ? '' : ` via ${nic}`}`,
      );
      target.receive(packet, meta, from, nic);
    });
    return true;
  }

  private linksOf(name: string): Map<string, LinkOptions> {
    let map = this.links.get(name);
    if (map === undefined) {
      map = new Map();
      this.links.set(name, map);
    }
    return map;
  }
}
