// Stays one file past 400 lines: the inbound and outbound paths of one virtual switch share its NAT table, NIC map, NSG checks and trace calls.
/**
 * The Host Agent (docs/mechanics.md §1.4, §7.4, [ANANTA §3.4]): the virtual switch of one host. It
 * decapsulates what Muxes tunnel to its DIPs, translates VIP:frontendPort → DIP:backendPort
 * (or keeps the VIP with floating IP) with bidirectional NAT state, applies each NIC's NSGs,
 * clamps the TCP MSS, and sends the VMs' replies straight to the router with the VIP as source
 * — direct server return.
 *
 * A tunnelled packet, in order: the NIC it is for must be here (`unknown-dip`); a VM's own flow
 * to a public frontend mapped back to the NIC that sent it is dropped (`hairpin-same-nic`,
 * `hairpin.ts`); the NAT rule is found (`no-nat-rule`); a new flow through a public (Standard)
 * frontend to a NIC without any NSG is dropped (`standard-lb-closed`, docs/mechanics.md §2.12
 * "secure by default"; a Basic frontend is open, `openFrontends`); the NIC's NSGs decide on the translated packet (`nsg-denied`); then the
 * NAT state is kept and the packet delivered. A plain packet for a local NIC (a reply to a
 * VM's own outbound flow, VM-to-VM traffic) goes through the NSGs only.
 *
 * A packet from a VM: the virtual switch checks its source against the NIC it left by
 * (`nic-source-check.ts`), the NSGs decide (outbound), and it is reverse-translated if it
 * answers an inbound NAT flow, then sent to the router.
 *
 * Outbound SNAT (`outbound-snat.ts`, docs/mechanics.md §1.4, §2.8): a VM's new flow to a destination
 * outside the virtual network leaves with a frontend IP and SNAT port the manager granted, and
 * its return traffic, tunnelled by a Mux, is translated back before the NAT rules are looked
 * at. A VM's SNATed flow to its own public frontend that comes back to the NIC it left by is
 * the same-VM hairpin (`hairpin-same-nic`).
 *
 * Flows expire after their rule's idle timeout (docs/mechanics.md §2.6): later packets of an expired
 * TCP flow are dropped (`idle-timeout`); with `enableTcpReset` the Host Agent instead sends an
 * RST to both ends of an established flow the moment it expires. Fragments are translated
 * without reassembly (`fragment-nat.ts`), ICMP errors about a VIP flow by the flow they quote
 * (`icmp-nat.ts`), and outer packets a Mux had to fragment are reassembled first.
 *
 * The VMs as the Host Agent sees them are in `local-vm.ts`, the NAT idle-timeout RST pair in
 * `nat-idle-resets.ts`.
 */
import {
  type BufferedFragment,
  type ControlReceiver,
  type DropReason,
  decapsulateIpIp,
  type Fabric,
  type FiveTuple,
  FragmentBuffer,
  formatDurationNs,
  formatIpv4Address,
  formatTimeNs,
  type HostAgentControlMessage,
  type IcmpQuote,
  IpProtocol,
  type Ipv4Address,
  type Ipv4Packet,
  ipProtocolOf,
  isFragment,
  type LinkPort,
  type ManagerControlMessage,
  type NatRule,
  type NetworkNode,
  type PacketMeta,
  TcpFlags,
  type TraceNote,
  vipEndpointKey,
} from '@lbsim/core';
import { type AddressSpace, addressSpaceContains } from './address-space.ts';
import { FragmentNat, translateInbound, translateReply, transportPortsOf, transportTupleOf } from './fragment-nat.ts';
import { checkSameNicHairpin, checkSnatHairpin } from './hairpin.ts';
import { quotedInboundTuple, translateIcmpError } from './icmp-nat.ts';
import type { HostService, LocalNic, LocalVm } from './local-vm.ts';
import { clampMss } from './mss-clamp.ts';
import { sendNatIdleResets } from './nat-idle-resets.ts';
import { guestAddressOf, type NatEntry, type NatFlow, NatTable } from './nat-table.ts';
import type { NsgDirection } from './network-security-group.ts';
import { nsgDenialOf } from './nic-security.ts';
import { checkNicSource } from './nic-source-check.ts';
import { OutboundSnat } from './outbound-snat.ts';

export type { HostService, LocalNic, LocalVm } from './local-vm.ts';

/** Options of a {@link HostAgent}. */
export interface HostAgentOptions {
  readonly name: string;
  /** The router the host sends to. */
  readonly uplink: string;
  /** MSS to clamp SYNs to (1440 by default), or `undefined` to leave MSS alone. */
  readonly mssClampBytes: number | undefined;
  /**
   * The virtual network's address space: what tells an internal frontend (inside) from a
   * public one (outside). The NSGs' service tags use the same space (`NicSecurity`).
   */
  readonly virtualNetwork: AddressSpace;
  /**
   * Frontend addresses of Basic load balancers, open to inbound flows on a NIC without any NSG
   * (Basic is open by default, Standard closed: docs/mechanics.md §2.12,
   * https://learn.microsoft.com/azure/load-balancer/skus). Absent: every frontend is Standard.
   */
  readonly openFrontends?: ReadonlySet<Ipv4Address>;
}

/** How long outer fragments wait for the rest of their packet, ns (Linux `ipfrag_time`: 30 s). */
export const outerReassemblyTimeoutNs = 30_000_000_000;

interface Port {
  readonly vm: LocalVm;
  readonly nic: LocalNic;
  /** The link to the VM, resolved on the first packet sent to it (see {@link HostAgent.sendToVm}). */
  link: LinkPort | undefined;
}

/** The Host Agent of one host. */
export class HostAgent implements NetworkNode, ControlReceiver<HostAgentControlMessage> {
  readonly name: string;
  readonly nat = new NatTable();
  /** Outbound SNAT of this host's VMs: their flows, ports and metrics. */
  readonly snat: OutboundSnat;
  /** Ids of the packets held for SNAT ports the manager has not granted yet. */
  private readonly heldForSnat = new Set<number>();
  private readonly fragmentNat = new FragmentNat();
  /** Outer IP-in-IP packets a Mux had to fragment, waiting to be whole (RFC 2003 §5.1). */
  private readonly outerFragments: FragmentBuffer;
  private readonly portByAddress = new Map<Ipv4Address, Port>();
  /** The link to the router, resolved on the first packet sent up (see {@link sendUp}). */
  private uplinkPort: LinkPort | undefined;
  private readonly vms = new Map<string, LocalVm>();
  private readonly hostServices = new Map<Ipv4Address, HostService>();
  private rules = new Map<string, NatRule>();

  /**
   * Ids of the packets this Host Agent holds until the manager answers a SNAT port request
   * (docs/mechanics.md §2.8), in the order they came: neither delivered nor dropped yet.
   */
  get packetsHeldForSnat(): readonly number[] {
    return [...this.heldForSnat];
  }

  constructor(
    private readonly fabric: Fabric,
    private readonly options: HostAgentOptions,
  ) {
    this.name = options.name;
    this.outerFragments = new FragmentBuffer(fabric.kernel, outerReassemblyTimeoutNs, (expired) =>
      this.dropFragments(expired, 'reassembly-timeout', 'the rest of the tunnelled packet did not arrive in time'),
    );
    this.snat = new OutboundSnat({
      kernel: fabric.kernel,
      virtualNetwork: options.virtualNetwork,
      originate: (packet, connectionId, toDip, note) => this.originateSnatReset(packet, connectionId, toDip, note),
    });
  }

  /**
   * Connects the Host Agent to the manager: `send` delivers a message to it through the
   * control channel (SNAT port requests and releases).
   */
  attachManager(send: (message: ManagerControlMessage) => void): void {
    this.snat.attachManager(send);
  }

  /** Attaches a VM: packets for its NICs' addresses are delivered to it. */
  attachVm(vm: LocalVm): void {
    this.vms.set(vm.name, vm);
    for (const nic of vm.nics) this.portByAddress.set(nic.address, { vm, nic, link: undefined });
  }

  /**
   * Attaches a host service at `address`: what local VMs send there (after their outbound
   * NSGs) goes to it instead of the router.
   */
  attachHostService(address: Ipv4Address, service: HostService): void {
    this.hostServices.set(address, service);
  }

  receiveControl(message: HostAgentControlMessage): void {
    if (message.kind === 'snat-policies') {
      this.snat.configure(message);
      return;
    }
    if (message.kind === 'snat-grant') {
      this.snat.grant(message);
      return;
    }
    this.rules = new Map(
      message.rules.map((rule) => [
        `${vipEndpointKey(rule.endpoint.vip, rule.endpoint.protocol, rule.endpoint.port)}|${rule.dip}`,
        rule,
      ]),
    );
  }

  receive(packet: Ipv4Packet, meta: PacketMeta, from: string, nic?: string): void {
    const vm = this.vms.get(from);
    if (vm !== undefined) this.receiveFromVm(packet, meta, vm, nic);
    else this.receiveFromNetwork(packet, meta);
  }

  /**
   * Delivers a packet to the local NIC with address `packet.dst` through its inbound NSGs, as
   * for any packet from the network; for what the host itself originates toward its VMs (the
   * health probes, from 168.63.129.16).
   * @returns whether it was delivered (otherwise it was dropped and traced)
   */
  deliverToNic(packet: Ipv4Packet, meta: PacketMeta): boolean {
    const port = this.portByAddress.get(packet.dst);
    if (port === undefined) {
      this.drop(packet, meta, 'unknown-dip', `no VM here has ${formatIpv4Address(packet.dst)}`);
      return false;
    }
    if (!this.admit(port, 'Inbound', packet, meta)) return false;
    this.emit('forward', packet, meta, { code: 'to-vm', vm: port.vm.name, nic: port.nic.name });
    this.sendToVm(port, packet, meta);
    return true;
  }

  private receiveFromNetwork(packet: Ipv4Packet, meta: PacketMeta): void {
    if (isFragment(packet) && ipProtocolOf(packet) === IpProtocol.IpIp) {
      this.reassembleOuter(packet, meta);
      return;
    }
    const inner = decapsulateIpIp(packet);
    if (inner === undefined) {
      this.deliverToNic(packet, meta);
      return;
    }
    const dip = packet.dst;
    const port = this.portByAddress.get(dip);
    if (port === undefined) {
      this.drop(packet, meta, 'unknown-dip', `tunnel to ${formatIpv4Address(dip)}: no VM here has it`);
      return;
    }
    this.emit('decapsulate', inner, meta, { code: 'decapsulated', from: packet.src });
    if (inner.payload.kind === 'icmp' && inner.payload.quote !== undefined) {
      this.receiveIcmpError(inner, inner.payload.quote, meta, port);
      return;
    }
    const hairpin = checkSameNicHairpin(inner, port.nic, this.options.virtualNetwork);
    if (hairpin.kind === 'drop') {
      this.drop(inner, meta, 'hairpin-same-nic', hairpin.note);
      return;
    }
    const now = this.fabric.kernel.nowNs;
    const ports = transportPortsOf(inner);
    if (ports < 0) {
      this.receiveLaterFragment(inner, meta, port);
      return;
    }
    // The flow is looked up by its fields; a tuple record is built only where one is kept
    // (a new NAT entry) or needed (SNAT, notes): issue 20.
    const protocol = ipProtocolOf(inner);
    const srcPort = ports >>> 16;
    const dstPort = ports & 0xffff;
    if (
      this.snat.concernsInbound(protocol, inner.src, srcPort, inner.dst, dstPort) &&
      this.receiveSnatTraffic(inner, meta, port)
    ) {
      return;
    }
    const existing = this.nat.findInbound(protocol, inner.src, srcPort, inner.dst, dstPort, now);
    if (existing < 0) {
      const tombstone = this.nat.findTombstone(protocol, inner.src, srcPort, inner.dst, dstPort);
      if (tombstone !== undefined && isNonSynTcp(inner)) {
        this.drop(
          inner,
          meta,
          'idle-timeout',
          `flow expired at ${formatTimeNs(tombstone.expiredAtNs)} s after ${formatDurationNs(tombstone.rule.idleTimeoutNs)} idle (rule ${tombstone.rule.name})`,
        );
        return;
      }
    }
    const rule = existing >= 0 ? this.nat.ruleOf(existing) : this.findRule(inner.dst, protocol, dstPort, dip);
    if (rule === undefined) {
      this.drop(
        inner,
        meta,
        'no-nat-rule',
        `no rule maps ${formatIpv4Address(inner.dst)}:${dstPort} to ${formatIpv4Address(dip)}`,
      );
      return;
    }
    if (
      existing < 0 &&
      !addressSpaceContains(this.options.virtualNetwork, inner.dst) &&
      !port.nic.security.hasSecurityGroup &&
      this.options.openFrontends?.has(inner.dst) !== true
    ) {
      this.drop(
        inner,
        meta,
        'standard-lb-closed',
        `${port.nic.name} and its subnet have no NSG: a Standard public load balancer's frontend ${formatIpv4Address(inner.dst)} is closed to inbound flows until an NSG allows them`,
      );
      return;
    }
    // An HA-ports rule (backend port 0) keeps the destination port (docs/mechanics.md §2.9).
    const backendPort = rule.backendPort === 0 ? dstPort : rule.backendPort;
    let translated = translateInbound(inner, guestAddressOf(rule), backendPort);
    if (!this.admit(port, 'Inbound', translated, meta)) return;
    const entry =
      existing >= 0
        ? existing
        : this.nat.create(
            { protocol, srcAddress: inner.src, srcPort, dstAddress: inner.dst, dstPort },
            rule,
            meta.connectionId,
            now,
          );
    if (inner.payload.kind === 'tcp') {
      this.nat.track(entry, inner.payload, true);
      this.armResetTimer(entry);
    }
    if (isFragment(inner)) this.fragmentNat.remember(inner, this.nat.summaryOf(entry));
    if (this.options.mssClampBytes !== undefined) translated = clampMss(translated, this.options.mssClampBytes);
    this.emit('rewrite', translated, meta, {
      code: 'nat-inbound',
      vip: inner.dst,
      vipPort: dstPort,
      guestAddress: guestAddressOf(rule),
      backendPort,
      floatingIp: rule.floatingIp,
      vm: port.vm.name,
      nic: port.nic.name,
    });
    this.sendToVm(port, translated, meta);
  }

  /**
   * SNAT's part of a tunnelled packet (with ports): the same-VM hairpin of a SNAT flow, and
   * return traffic of the VM's outbound flows, translated back. Only for packets that concern
   * SNAT ({@link OutboundSnat.concernsInbound}).
   * @returns whether SNAT took the packet (dropped or delivered it)
   */
  private receiveSnatTraffic(inner: Ipv4Packet, meta: PacketMeta, port: Port): boolean {
    const tuple = transportTupleOf(inner) as FiveTuple;
    const snatHairpin = checkSnatHairpin(inner, port.nic, this.snat.flowOfTranslatedSource(tuple));
    if (snatHairpin.kind === 'drop') {
      this.drop(inner, meta, 'hairpin-same-nic', snatHairpin.note);
      return true;
    }
    const snatReturn = this.snat.inbound(inner, tuple, port.nic.address);
    if (snatReturn.kind === 'drop') {
      this.drop(inner, meta, snatReturn.reason, snatReturn.note);
      return true;
    }
    if (snatReturn.kind === 'translate') {
      this.deliverSnatReturn(snatReturn.packet, meta, port, snatReturn.note);
      return true;
    }
    return false;
  }

  /** Delivers SNAT return traffic, translated to the VM's view, through the NIC's inbound NSGs. */
  private deliverSnatReturn(translated: Ipv4Packet, meta: PacketMeta, port: Port, note: string): void {
    if (!this.admit(port, 'Inbound', translated, meta)) return;
    const clamped =
      this.options.mssClampBytes === undefined ? translated : clampMss(translated, this.options.mssClampBytes);
    this.emit('rewrite', clamped, meta, `${note} → ${port.vm.name} (${port.nic.name})`);
    this.sendToVm(port, clamped, meta);
  }

  /**
   * Buffers an outer fragment; once the tunnelled packet is whole it goes on as a new packet
   * (each fragment's journey ends here, delivered into the reassembly).
   */
  private reassembleOuter(fragment: Ipv4Packet, meta: PacketMeta): void {
    const outcome = this.outerFragments.add(fragment, meta);
    // The outer buffer accepts any order, so 'out-of-order' never comes back.
    if (outcome.kind !== 'complete') return;
    if (!outcome.datagram.ok) {
      this.dropFragments(outcome.fragments, 'reassembly-failed', outcome.datagram.error);
      return;
    }
    const now = this.fabric.kernel.nowNs;
    for (const piece of outcome.fragments) {
      this.fabric.tracer.emit(
        now,
        this.name,
        'deliver',
        piece.packet,
        piece.meta,
        `outer fragment id ${piece.packet.id} offset ${piece.packet.fragmentOffsetBytes}: reassembled`,
      );
    }
    const whole = outcome.datagram.value;
    const wholeMeta = this.fabric.tracer.newMeta(meta.connectionId, now);
    this.fabric.tracer.emit(
      now,
      this.name,
      'send',
      whole,
      wholeMeta,
      `reassembled from ${outcome.fragments.length} outer fragments (id ${whole.id})`,
    );
    this.receiveFromNetwork(whole, wholeMeta);
  }

  private dropFragments(fragments: readonly BufferedFragment[], reason: DropReason, why: string): void {
    for (const piece of fragments) {
      this.drop(
        piece.packet,
        piece.meta,
        reason,
        `outer fragment id ${piece.packet.id} offset ${piece.packet.fragmentOffsetBytes}: ${why}`,
      );
    }
  }

  /**
   * A fragment without ports (not the first): translated by the NAT state its first fragment
   * found, else by the only rule of its VIP and protocol on this DIP. NSGs match flows by
   * ports, so a later fragment follows its datagram rather than being matched on its own.
   */
  private receiveLaterFragment(inner: Ipv4Packet, meta: PacketMeta, port: Port): void {
    const what = `fragment id ${inner.id} offset ${inner.fragmentOffsetBytes}`;
    const entry = this.fragmentNat.recall(inner);
    const only = this.onlyRuleFor(inner.dst, ipProtocolOf(inner), port.nic.address);
    const guestAddress = entry?.guestAddress ?? (only === undefined ? undefined : guestAddressOf(only));
    if (guestAddress === undefined) {
      this.drop(
        inner,
        meta,
        'no-nat-rule',
        `${what}: no NAT state for its datagram and no single rule for ${formatIpv4Address(inner.dst)}`,
      );
      return;
    }
    const translated = translateInbound(inner, guestAddress, 0);
    this.emit(
      'rewrite',
      translated,
      meta,
      `NAT ${formatIpv4Address(inner.dst)} → ${formatIpv4Address(guestAddress)} (${what}) → ${port.vm.name} (${port.nic.name})`,
    );
    this.sendToVm(port, translated, meta);
  }

  /** Translates a tunnelled ICMP error about a VIP flow to the VM's view (icmp-nat.ts). */
  private receiveIcmpError(inner: Ipv4Packet, quote: IcmpQuote, meta: PacketMeta, port: Port): void {
    const dip = port.nic.address;
    const entry = this.nat.peekInbound(quotedInboundTuple(quote), this.fabric.kernel.nowNs);
    const rule = entry >= 0 ? this.nat.ruleOf(entry) : this.findRule(quote.src, quote.protocol, quote.srcPort, dip);
    if (rule === undefined) {
      this.drop(
        inner,
        meta,
        'no-nat-rule',
        `ICMP about ${formatIpv4Address(quote.src)}:${quote.srcPort}: no rule maps it to ${formatIpv4Address(dip)}`,
      );
      return;
    }
    const guestAddress = guestAddressOf(rule);
    const backendPort = rule.backendPort === 0 ? quote.srcPort : rule.backendPort;
    const translated = translateIcmpError(inner, guestAddress, backendPort);
    const state = entry < 0 ? 'no NAT state for the quoted flow' : 'NAT state of the quoted flow';
    this.emit(
      'rewrite',
      translated,
      meta,
      `ICMP error NAT (${state}) → ${formatIpv4Address(guestAddress)} → ${port.vm.name} (${port.nic.name})`,
    );
    this.sendToVm(port, translated, meta);
  }

  /** The one rule for (VIP, protocol) on `dip`, or `undefined` when there are none or several. */
  private onlyRuleFor(vip: number, protocol: number, dip: number): NatRule | undefined {
    let only: NatRule | undefined;
    for (const rule of this.rules.values()) {
      if (rule.dip !== dip || rule.endpoint.vip !== vip || rule.endpoint.protocol !== protocol) continue;
      if (only !== undefined) return undefined;
      only = rule;
    }
    return only;
  }

  private receiveFromVm(packet: Ipv4Packet, meta: PacketMeta, vm: LocalVm, nicName: string | undefined): void {
    const nic = nicNamed(vm, nicName);
    const now = this.fabric.kernel.nowNs;
    const ports = transportPortsOf(packet);
    if (ports < 0) {
      this.receiveLaterFragmentFromVm(packet, meta, vm, nic);
      return;
    }
    const protocol = ipProtocolOf(packet);
    const srcPort = ports >>> 16;
    const dstPort = ports & 0xffff;
    const entry = this.nat.findReply(protocol, packet.src, srcPort, packet.dst, dstPort, now);
    const source = checkNicSource(packet, nic, vm.nics, entry < 0 ? undefined : this.nat.ruleOf(entry));
    if (source.kind === 'drop') {
      this.drop(packet, meta, source.reason, source.note);
      return;
    }
    if (entry < 0) {
      const tombstone = this.nat.findTombstone(protocol, packet.src, srcPort, packet.dst, dstPort);
      if (tombstone !== undefined && isNonSynTcp(packet)) {
        this.drop(
          packet,
          meta,
          'idle-timeout',
          `reply of a flow that expired at ${formatTimeNs(tombstone.expiredAtNs)} s after ${formatDurationNs(tombstone.rule.idleTimeoutNs)} idle (rule ${tombstone.rule.name})`,
        );
        return;
      }
    }
    if (!this.admit({ vm, nic, link: undefined }, 'Outbound', packet, meta)) return;
    const service = entry < 0 ? this.hostServices.get(packet.dst) : undefined;
    if (service !== undefined) {
      this.emit('forward', packet, meta, `→ ${service.name}`);
      service.receive(packet, meta);
      return;
    }
    if (entry < 0) {
      this.sendOutbound(packet, meta, { protocol, srcAddress: packet.src, srcPort, dstAddress: packet.dst, dstPort });
      return;
    }
    if (packet.payload.kind === 'tcp') this.nat.track(entry, packet.payload, false);
    if (isFragment(packet)) this.fragmentNat.remember(packet, this.nat.summaryOf(entry));
    const vip = this.nat.ruleOf(entry).endpoint.vip;
    const port = this.nat.frontendPortOf(entry);
    let translated = translateReply(packet, vip, port);
    if (this.options.mssClampBytes !== undefined) translated = clampMss(translated, this.options.mssClampBytes);
    this.emit('rewrite', translated, meta, { code: 'nat-reply', vip, vipPort: port });
    this.sendUp(translated, meta);
  }

  /**
   * Sends a VM's packet that answers no inbound NAT flow to the router: SNATed when it needs
   * to be, held while its ports are on the way (it comes back here when they arrive), or
   * unchanged.
   */
  private sendOutbound(packet: Ipv4Packet, meta: PacketMeta, tuple: FiveTuple): void {
    const decision = this.snat.outbound(packet, tuple, meta.connectionId, () => {
      this.heldForSnat.delete(meta.packetId);
      this.sendOutbound(packet, meta, tuple);
    });
    switch (decision.kind) {
      case 'hold':
        this.heldForSnat.add(meta.packetId);
        return;
      case 'drop':
        this.drop(packet, meta, decision.reason, decision.note);
        return;
      case 'bypass':
        this.emit('forward', packet, meta, '→ router');
        this.sendUp(packet, meta);
        return;
      case 'translate': {
        // Return traffic comes back through a Mux, encapsulated: the VM's SYN must be clamped too.
        const clamped =
          this.options.mssClampBytes === undefined
            ? decision.packet
            : clampMss(decision.packet, this.options.mssClampBytes);
        this.emit('rewrite', clamped, meta, `${decision.note} → router`);
        this.sendUp(clamped, meta);
        return;
      }
    }
  }

  /** A VM's later fragment: reverse-translated if its datagram's first fragment was a reply. */
  private receiveLaterFragmentFromVm(packet: Ipv4Packet, meta: PacketMeta, vm: LocalVm, nic: LocalNic): void {
    const earlier = this.fragmentNat.recall(packet);
    const source = checkNicSource(packet, nic, vm.nics, earlier?.rule);
    if (source.kind === 'drop') {
      this.drop(packet, meta, source.reason, source.note);
      return;
    }
    if (earlier === undefined) {
      const snat = this.snat.laterFragment(packet);
      if (snat.kind === 'drop') {
        this.drop(packet, meta, snat.reason, snat.note);
        return;
      }
      this.emit('forward', packet, meta, '→ router');
      this.sendUp(packet, meta);
      return;
    }
    const translated = translateReply(packet, earlier.rule.endpoint.vip, earlier.frontendPort);
    this.emit(
      'rewrite',
      translated,
      meta,
      `reverse NAT → ${formatIpv4Address(earlier.rule.endpoint.vip)} (fragment id ${packet.id} offset ${packet.fragmentOffsetBytes}), direct server return`,
    );
    this.sendUp(translated, meta);
  }

  /** The NIC's NSGs on a packet as the VM sees it; a denial is traced as a drop. */
  private admit(port: Port, direction: NsgDirection, packet: Ipv4Packet, meta: PacketMeta): boolean {
    const ports = transportPortsOf(packet);
    // A later fragment has no ports to match: it follows the datagram its first fragment opened.
    if (ports < 0) return true;
    const verdict = port.nic.security.admitFlow(
      direction,
      ipProtocolOf(packet),
      packet.src,
      ports >>> 16,
      packet.dst,
      ports & 0xffff,
      this.fabric.kernel.nowNs,
    );
    if (verdict.kind === 'allow') return true;
    this.drop(packet, meta, 'nsg-denied', nsgDenialOf(verdict, direction, transportTupleOf(packet) as FiveTuple));
    return false;
  }

  /** The NAT rule for a VIP endpoint on a local DIP: the exact port, else an HA-ports rule. */
  private findRule(vip: number, protocol: number, port: number, dip: number): NatRule | undefined {
    return (
      this.rules.get(`${vipEndpointKey(vip, protocol, port)}|${dip}`) ??
      this.rules.get(`${vipEndpointKey(vip, protocol, 0)}|${dip}`)
    );
  }

  /**
   * For rules with `enableTcpReset`, checks the flow when its idle timeout would expire, and
   * again later if it was active meanwhile: one timer per flow, not one per packet. The NAT
   * table leaves such a flow's expiry to the timer, which expires it as it sends the resets.
   */
  private armResetTimer(flow: NatFlow): void {
    const rule = this.nat.ruleOf(flow);
    if (!rule.enableTcpReset || !this.nat.claimExpiry(flow)) return;
    const generation = this.nat.generationOf(flow);
    const check = () => {
      if (this.nat.generationOf(flow) !== generation) {
        // A packet found the flow idle in this very nanosecond, before this timer ran.
        const late = this.nat.takeLateExpiry(flow, generation);
        if (late?.tcp.established && !late.tcp.closing) this.sendIdleResets(late);
        return;
      }
      const now = this.fabric.kernel.nowNs;
      if (!this.nat.isIdle(flow, now)) {
        this.fabric.kernel.at(this.nat.lastSeenOf(flow) + rule.idleTimeoutNs + 1, check);
        return;
      }
      // Only ESTABLISHED TCP flows are reset (docs/mechanics.md §2.6, [AZ-TCPRESET-2020]).
      if (this.nat.isOpenTcp(flow)) this.sendIdleResets(this.nat.entryOf(flow));
      this.nat.expire(flow, now);
    };
    this.fabric.kernel.at(this.nat.lastSeenOf(flow) + rule.idleTimeoutNs + 1, check);
  }

  /** Sends the RST pair of `enableTcpReset` for an idle NAT flow (nat-idle-resets.ts). */
  private sendIdleResets(entry: NatEntry): void {
    sendNatIdleResets(entry, this.portByAddress.get(entry.rule.dip), this.options.uplink, (packet, to, note, nic) =>
      this.originate(packet, entry, to, note, nic),
    );
  }

  /** Sends an RST the SNAT idle timeout made: to the VM that owns `toDip`, or to the router. */
  private originateSnatReset(packet: Ipv4Packet, connectionId: number, toDip: number | undefined, note: string): void {
    const tracer = this.fabric.tracer;
    const now = this.fabric.kernel.nowNs;
    const port = toDip === undefined ? undefined : this.portByAddress.get(toDip);
    if (toDip !== undefined && port === undefined) return;
    const meta = tracer.newMeta(connectionId, now);
    tracer.emit(now, this.name, 'send', packet, meta, note);
    if (port === undefined) this.sendUp(packet, meta);
    else this.sendToVm(port, packet, meta);
  }

  private originate(packet: Ipv4Packet, entry: NatEntry, to: string, note: string, nic?: string): void {
    const tracer = this.fabric.tracer;
    const meta = tracer.newMeta(entry.connectionId, this.fabric.kernel.nowNs);
    tracer.emit(this.fabric.kernel.nowNs, this.name, 'send', packet, meta, note);
    this.fabric.transmit(this.name, to, packet, meta, nic);
  }

  /**
   * Sends a packet to the router over the link resolved on the first packet, not looked up by
   * name per packet (links are declared after the nodes).
   */
  private sendUp(packet: Ipv4Packet, meta: PacketMeta): void {
    this.uplinkPort ??= this.fabric.requirePort(this.name, this.options.uplink);
    this.uplinkPort.send(packet, meta);
  }

  /** Sends a packet to a VM through the NIC of `port`, over the link resolved on the first packet. */
  private sendToVm(port: Port, packet: Ipv4Packet, meta: PacketMeta): void {
    port.link ??= this.fabric.requirePort(this.name, port.vm.name);
    port.link.send(packet, meta, port.nic.name);
  }

  private emit(
    kind: 'forward' | 'rewrite' | 'decapsulate',
    packet: Ipv4Packet,
    meta: PacketMeta,
    note: TraceNote,
  ): void {
    this.fabric.tracer.emit(this.fabric.kernel.nowNs, this.name, kind, packet, meta, note);
  }

  private drop(packet: Ipv4Packet, meta: PacketMeta, reason: DropReason, note: TraceNote): void {
    this.fabric.tracer.emit(this.fabric.kernel.nowNs, this.name, 'drop', packet, meta, note, reason);
  }
}

/** The VM's NIC named `name`, else its primary NIC; a loop, as it runs for every packet. */
function nicNamed(vm: LocalVm, name: string | undefined): LocalNic {
  const nics = vm.nics;
  for (let i = 0; i < nics.length; i++) {
    const nic = nics[i] as LocalNic;
    if (nic.name === name) return nic;
  }
  return nics[0] as LocalNic;
}

/** Whether a packet is TCP without SYN: a segment of an existing connection. */
function isNonSynTcp(packet: Ipv4Packet): boolean {
  return packet.payload.kind === 'tcp' && (packet.payload.flags & TcpFlags.Syn) === 0;
}
