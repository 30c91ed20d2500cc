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

/** What a link end calls when a packet arrives. */
type LinkDelivery = (packet: Ipv4Packet, meta: PacketMeta, nic: string | undefined) => void;

/**
 * One direction of a link, with its delivery bound once: a hop schedules one event that calls
 * {@link deliver} with the packet, and no closure is made per packet.
 */
class LinkEnd {
  /** The `receive` note per VM NIC used (`from host-1 via web-1-nic0`), built once each. */
  private readonly notesByNic = new Map<string, string>();
  private readonly note: string;
  /**
   * Delivers a packet at the far end: the fabric's `receive` event, then the node's. Bound on
   * the first transmit, when both nodes exist (a link may be declared before its nodes).
   */
  deliver: LinkDelivery | undefined;

  constructor(
    readonly options: LinkOptions,
    private readonly from: string,
  ) {
    this.note = `from ${from}`;
  }

  /** Binds {@link deliver} to the node at the far end. */
  bind(target: NetworkNode, kernel: Kernel, tracer: Tracer): LinkDelivery {
    const { from } = this;
    const to = target.name;
    this.deliver = (packet, meta, nic) => {
      tracer.emit(kernel.nowNs, to, 'receive', packet, meta, nic === undefined ? this.note : this.noteVia(nic));
      target.receive(packet, meta, from, nic);
    };
    return this.deliver;
  }

  private noteVia(nic: string): string {
    let note = this.notesByNic.get(nic);
    if (note === undefined) {
      note = `${this.note} via ${nic}`;
      this.notesByNic.set(nic, note);
    }
    return note;
  }
}

/** The nodes, links and the kernel and tracer every node shares. */
export class Fabric {
  private readonly nodes = new Map<string, NetworkNode>();
  /** Links by sending node, then by receiving node. */
  private readonly links = new Map<string, Map<string, LinkEnd>>();

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
    this.linksOf(a).set(b, new LinkEnd(options, a));
    this.linksOf(b).set(a, new LinkEnd(options, b));
  }

  /** The link from `from` to `to`, or `undefined` when they are not neighbours. */
  link(from: string, to: string): LinkOptions | undefined {
    return this.links.get(from)?.get(to)?.options;
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
    if (link === undefined) throw new Error(`no link from ${from} to ${to}`);
    const deliver = link.deliver ?? this.bindLink(link, from, to);
    const mtuBytes = link.options.mtuBytes;
    const length = ipv4TotalLength(packet);
    if (length > mtuBytes) {
      this.tracer.emit(
        this.kernel.nowNs,
        from,
        'drop',
        packet,
        meta,
        `${length} bytes exceed the ${mtuBytes}-byte MTU toward ${to}`,
        'mtu-exceeded',
      );
      return false;
    }
    this.kernel.afterCall(link.options.latencyNs, deliver, packet, meta, nic);
    return true;
  }

  /** Binds a link's delivery to its far node on first use; throws as transmit documents. */
  private bindLink(link: LinkEnd, from: string, to: string): LinkDelivery {
    const target = this.nodes.get(to);
    if (target === undefined) throw new Error(`no link from ${from} to ${to}`);
    return link.bind(target, this.kernel, this.tracer);
  }

  private linksOf(name: string): Map<string, LinkEnd> {
    let map = this.links.get(name);
    if (map === undefined) {
      map = new Map();
      this.links.set(name, map);
    }
    return map;
  }
}
