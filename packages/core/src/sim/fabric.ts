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
import type { Kernel, KernelLane } from './kernel.ts';
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
 * One direction of a link from a node to a neighbour, resolved once: a node that keeps its
 * port sends without looking the link up by name per packet (see {@link Fabric.port}).
 */
export interface LinkPort {
  /** The link's properties. */
  readonly options: LinkOptions;
  /**
   * Sends a packet over the link: what {@link Fabric.transmit} does for this pair of nodes.
   * @returns whether the packet was put on the link (false: larger than the MTU, dropped)
   * @throws Error when the neighbour was never added to the fabric: topology is built by code.
   */
  send(packet: Ipv4Packet, meta: PacketMeta, nic?: string): boolean;
}

/**
 * One direction of a link, with its delivery bound once: a hop schedules one event on the
 * kernel's lane of the link's latency that calls {@link deliver} with the packet, and no
 * object or closure is made per packet.
 */
class LinkEnd implements LinkPort {
  /** The `receive` note per VM NIC used (`from host-1 via web-1-nic0`), built once each. */
  private readonly notesByNic = new Map<string, string>();
  private readonly note: string;
  /** The kernel's schedule for events one latency from now; taken with {@link deliver}. */
  private lane: KernelLane | undefined;
  /**
   * Delivers a packet at the far end: the fabric's `receive` event, then the node's. Bound on
   * the first send, when both nodes exist (a link may be declared before its nodes).
   */
  private deliver: LinkDelivery | undefined;

  constructor(
    readonly options: LinkOptions,
    private readonly from: string,
    private readonly to: string,
    private readonly fabric: Fabric,
  ) {
    this.note = `from ${from}`;
  }

  send(packet: Ipv4Packet, meta: PacketMeta, nic?: string): boolean {
    const deliver = this.deliver ?? this.bind();
    const length = ipv4TotalLength(packet);
    const mtuBytes = this.options.mtuBytes;
    const kernel = this.fabric.kernel;
    if (length > mtuBytes) {
      this.fabric.tracer.emit(
        kernel.nowNs,
        this.from,
        'drop',
        packet,
        meta,
        `${length} bytes exceed the ${mtuBytes}-byte MTU toward ${this.to}`,
        'mtu-exceeded',
      );
      return false;
    }
    kernel.afterOnLane(this.lane as KernelLane, deliver, packet, meta, nic);
    return true;
  }

  /** Binds {@link deliver} to the node at the far end, and takes the lane of the link's latency. */
  private bind(): LinkDelivery {
    const { from, fabric } = this;
    const target = fabric.node(this.to);
    if (target === undefined) throw new Error(`no link from ${from} to ${this.to}`);
    const { kernel, tracer } = fabric;
    this.lane = kernel.lane(this.options.latencyNs);
    const to = target.name;
    const receives = tracer.channel('receive');
    const deliver: LinkDelivery = (packet, meta, nic) => {
      // Only a sink that reads `receive` events needs the note (a Map lookup on VM links).
      const note = nic === undefined || !receives.wanted ? this.note : this.noteVia(nic);
      receives.emit(kernel.nowNs, to, packet, meta, note);
      target.receive(packet, meta, from, nic);
    };
    this.deliver = deliver;
    return deliver;
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
    this.linksOf(a).set(b, new LinkEnd(options, a, b, this));
    this.linksOf(b).set(a, new LinkEnd(options, b, a, this));
  }

  /**
   * The link from `from` to `to`, resolved once for sending many packets over it, or
   * `undefined` when they are not neighbours.
   */
  port(from: string, to: string): LinkPort | undefined {
    return this.links.get(from)?.get(to);
  }

  /**
   * The link from `from` to `to`, resolved once for sending many packets over it: what
   * {@link transmit} looks up by name per packet.
   * @throws Error when the nodes are not neighbours: topology is built by code, not input.
   */
  requirePort(from: string, to: string): LinkPort {
    const link = this.links.get(from)?.get(to);
    if (link === undefined) throw new Error(`no link from ${from} to ${to}`);
    return link;
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
    return link.send(packet, meta, nic);
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
