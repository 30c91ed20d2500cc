/**
 * A guest VM: its NICs and loopback addresses, its operating system's network stack, routing
 * table and host model, and the applications listening on it. It sits behind its host's Host
 * Agent (the virtual switch): everything it sends goes there by one of its NICs, everything it
 * receives comes from there on one of its NICs.
 *
 * - Arriving packets pass the OS's address checks (`guest-addressing.ts`: own source dropped
 *   as a martian, destination on no interface dropped, strong host model) before the stack
 *   sees them.
 * - A packet to one of the VM's own addresses never leaves the VM: the OS delivers it through
 *   loopback, as Linux and Windows route local addresses. That is why floating IP with the
 *   frontend on loopback cures internal-LB self-mapping (docs/mechanics.md §2.5): the backend's
 *   connection to the frontend is served by the backend itself.
 * - Other packets leave by the NIC the routing table picks (`guest-routes.ts`).
 * - A guest firewall, when the VM has one (`guest-firewall.ts`), then decides on new inbound
 *   TCP connections (`guest-firewall`).
 * - A stopped VM runs nothing: its stack's state is gone and every packet for it is dropped
 *   (`vm-stopped`); starting it again boots a fresh stack.
 */
import {
  type DropReason,
  Endpoint,
  type Fabric,
  formatIpv4Address,
  type Ipv4Address,
  type Ipv4Packet,
  type LinkPort,
  type NetworkNode,
  type PacketMeta,
  type TcpConfig,
  type TraceNote,
} from '@lbsim/core';
import { admitArrival, admitDeparture, type GuestAddressing, ownsAddress } from './guest-addressing.ts';
import { admitThroughGuestFirewall, type GuestFirewall } from './guest-firewall.ts';
import { type GuestNic, type GuestRoute, GuestRouteTable } from './guest-routes.ts';

export type { GuestNic } from './guest-routes.ts';

/** Options of a {@link GuestVm}. */
export interface GuestVmOptions {
  readonly name: string;
  /** Name of the Host Agent node of its host. */
  readonly hostAgent: string;
  /** NICs; the first is the primary NIC, which holds the default route. */
  readonly nics: readonly GuestNic[];
  /** Addresses configured on loopback (e.g. a floating-IP frontend). */
  readonly loopbacks: readonly Ipv4Address[];
  /** Routes added in the guest (policy and main table); none by default. */
  readonly routes?: readonly GuestRoute[];
  /** Weak host receive: Linux always; Windows only with `weakhostreceive` (default true). */
  readonly weakHostReceive?: boolean;
  /** Weak host send: Linux always; Windows only with `weakhostsend` (default true). */
  readonly weakHostSend?: boolean;
  readonly tcp: TcpConfig;
  readonly mtuBytes: number;
  readonly reassemblyTimeoutNs: number;
  /** Drop fragments that arrive out of order (Azure's default for VMs, docs/mechanics.md §2.7). */
  readonly dropOutOfOrderFragments?: boolean;
  /** Send a datagram's fragments last first. */
  readonly sendFragmentsInReverse?: boolean;
  /** The firewall in the guest (Windows Firewall, iptables); none by default. */
  readonly firewall?: GuestFirewall | undefined;
}

/** A VM's guest operating system on the fabric. */
export class GuestVm implements NetworkNode {
  readonly name: string;
  readonly nics: readonly GuestNic[];
  readonly endpoint: Endpoint;
  readonly routes: GuestRouteTable;
  private readonly addressing: GuestAddressing;
  private running = true;
  /** The link to the Host Agent, resolved on the first packet sent (links are declared after the nodes). */
  private hostLink: LinkPort | undefined;

  constructor(
    private readonly fabric: Fabric,
    private readonly options: GuestVmOptions,
  ) {
    this.name = options.name;
    this.nics = options.nics;
    this.routes = new GuestRouteTable(options.nics, options.routes ?? []);
    this.addressing = {
      vmName: options.name,
      nics: options.nics,
      loopbacks: options.loopbacks,
      weakHostReceive: options.weakHostReceive ?? true,
      weakHostSend: options.weakHostSend ?? true,
    };
    this.endpoint = new Endpoint({
      name: options.name,
      kernel: fabric.kernel,
      tracer: fabric.tracer,
      random: fabric.kernel.random(`endpoint:${options.name}`),
      tcp: options.tcp,
      mtuBytes: options.mtuBytes,
      reassemblyTimeoutNs: options.reassemblyTimeoutNs,
      dropOutOfOrderFragments: options.dropOutOfOrderFragments ?? false,
      sendFragmentsInReverse: options.sendFragmentsInReverse ?? false,
      output: (packet, meta) => this.send(packet, meta),
    });
  }

  /** The primary NIC's address. */
  get primaryAddress(): Ipv4Address {
    return (this.nics[0] as GuestNic).address;
  }

  /** Whether the VM is running. */
  get isRunning(): boolean {
    return this.running;
  }

  /** The source address of a new connection to `destination`: that of the NIC its route uses. */
  sourceAddressFor(destination: Ipv4Address): Ipv4Address {
    return this.routes.sourceAddressFor(destination);
  }

  /** Whether `address` is one of this VM's NIC or loopback addresses. */
  ownsAddress(address: Ipv4Address): boolean {
    return ownsAddress(this.addressing, address);
  }

  /**
   * Stops the VM: the OS halts, losing every connection and socket without a packet
   * (`Endpoint.halt`). Applications start again with {@link start}, which the caller follows
   * by starting the listeners.
   */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.endpoint.halt();
  }

  /** Starts a stopped VM with a fresh stack (no listeners yet). */
  start(): void {
    this.running = true;
  }

  receive(packet: Ipv4Packet, meta: PacketMeta, _from: string, nicName?: string): void {
    if (!this.running) {
      this.drop(packet, meta, 'vm-stopped', `${this.name} is stopped`);
      return;
    }
    const nic = this.nicNamed(nicName);
    const verdict = admitArrival(this.addressing, packet, nic);
    if (verdict.kind === 'drop') {
      this.drop(packet, meta, verdict.reason, verdict.note);
      return;
    }
    const firewall =
      this.options.firewall === undefined ? undefined : admitThroughGuestFirewall(this.options.firewall, packet);
    if (firewall?.kind === 'block') {
      this.drop(packet, meta, 'guest-firewall', firewall.note);
      return;
    }
    this.endpoint.receive(packet, meta);
  }

  /** The NIC named `name`, else the primary NIC; a loop, as it runs for every packet. */
  private nicNamed(name: string | undefined): GuestNic {
    const nics = this.nics;
    for (let i = 0; i < nics.length; i++) {
      const nic = nics[i] as GuestNic;
      if (nic.name === name) return nic;
    }
    return nics[0] as GuestNic;
  }

  /** What the stack sends: looped back to a local address, or out of the routed NIC. */
  private send(packet: Ipv4Packet, meta: PacketMeta): void {
    if (!this.running) {
      this.drop(packet, meta, 'vm-stopped', `${this.name} is stopped: nothing runs to send this`);
      return;
    }
    if (this.ownsAddress(packet.dst)) {
      this.fabric.kernel.after(0, () => this.receiveLoopback(packet, meta));
      return;
    }
    const route = this.routes.select(packet.src, packet.dst);
    const verdict = admitDeparture(this.addressing, packet, route.nic);
    if (verdict.kind === 'drop') {
      this.drop(packet, meta, verdict.reason, verdict.note);
      return;
    }
    this.hostLink ??= this.fabric.requirePort(this.name, this.options.hostAgent);
    this.hostLink.send(packet, meta, route.nic.name);
  }

  private receiveLoopback(packet: Ipv4Packet, meta: PacketMeta): void {
    const tracer = this.fabric.tracer;
    tracer.emit(
      this.fabric.kernel.nowNs,
      this.name,
      'receive',
      packet,
      meta,
      `loopback: ${formatIpv4Address(packet.dst)} is ${this.name}'s own address`,
    );
    if (!this.running) {
      this.drop(packet, meta, 'vm-stopped', `${this.name} is stopped`);
      return;
    }
    this.endpoint.receive(packet, meta);
  }

  private drop(packet: Ipv4Packet, meta: PacketMeta, reason: DropReason, note: TraceNote): void {
    this.fabric.tracer.emit(this.fabric.kernel.nowNs, this.name, 'drop', packet, meta, note, reason);
  }
}
