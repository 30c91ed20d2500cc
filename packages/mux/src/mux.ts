// Stays one file past 400 lines: a packet's path through the Mux (rule, flow table, fragments, ICMP, encapsulation) reads top to bottom over one flow table, VIP map and counters.
/**
 * A Mux (docs/mechanics.md §1.3, [ANANTA §3.3]): receives VIP traffic from the router by ECMP,
 * picks a DIP per flow and tunnels the packet to it with IP-in-IP.
 *
 * For each packet: find the rule of its VIP endpoint; a TCP SYN is hashed afresh; any other
 * packet consults the flow table first and follows it even if the DIP list has changed; a miss
 * is treated as the first packet of a flow. The chosen DIP goes into the flow table (unless
 * its quota is full: then the Mux forwards statelessly); the packet is encapsulated (outer
 * source = this Mux, outer destination = the DIP) and sent back to the router. The Mux never
 * sees the return traffic (DSR).
 *
 * Return traffic of outbound SNAT flows (destination port in a range the manager granted to a
 * DIP, docs/mechanics.md §1.4) has no rule: it goes to the range's DIP by the stateless SNAT entry
 * (`snat-range-map.ts`), without touching the flow table. The Mux announces the VIPs of its
 * SNAT ranges as well as those of its rules, so a frontend used only for outbound is reachable.
 *
 * A Mux can fail: it drops everything (`mux-down`) while the router, which learns of the
 * failure only when the BGP hold timer expires, keeps sending it its share of flows
 * (docs/mechanics.md §1.3, §7.2). A restored Mux starts with an empty flow table and announces its
 * VIPs again once the manager has sent it the VIP map.
 */
import {
  type ControlReceiver,
  type DropReason,
  encapsulateIpIp,
  type Fabric,
  firstFragmentPorts,
  fiveTupleOf,
  formatIpv4Address,
  formatTimeNs,
  fragmentPacket,
  hashThreeTuple,
  type IcmpQuote,
  IcmpType,
  IcmpUnreachableCode,
  type Ipv4Packet,
  icmpQuoteOf,
  ipProtocolOf,
  ipv4TotalLength,
  isFragment,
  type LinkPort,
  type MuxChoice,
  type MuxControlMessage,
  type MuxEncapsulatedDecision,
  makeIpv4Packet,
  muxFlowTableChoice,
  type NetworkNode,
  type PacketMeta,
  parseFlowKey,
  type Router,
  renderMuxChoice,
  renderTraceNote,
  snatPortsPerRange,
  snatRangeStart,
  TcpFlags,
  type VipMapRule,
} from '@lbsim/core';
import type { BackendSelectionAlgorithm } from './backend-selector.ts';
import { BackendSelectorCache } from './backend-selector-cache.ts';
import { distributionHash, distributionTupleName } from './distribution-hash.ts';
import { FlowTable, type FlowTableLimits } from './flow-table.ts';
import { type FragmentPolicy, FragmentTable, fragmentKey } from './fragment-policy.ts';
import type { MaglevPermutationFunction } from './maglev.ts';
import { type RemapReport, reportRemap, type TrackedFlow } from './remap-report.ts';
import { SnatRangeMap } from './snat-range-map.ts';
import { VipMap, type VipMapEntry } from './vip-map.ts';

/** Options of a {@link Mux}. */
export interface MuxOptions {
  readonly name: string;
  /** The Mux's own address: the outer source of its tunnels. */
  readonly address: number;
  /** The router it is attached to and announces VIPs to (BGP). */
  readonly router: Router;
  /** Seed of the flow hash, the same on every Mux of the pool (docs/mechanics.md §1.3). */
  readonly hashSeed: number;
  readonly backendSelection: BackendSelectionAlgorithm;
  /** Maglev table size M, a prime (default 65537). */
  readonly maglevTableSize: number;
  readonly maglevPermutation?: MaglevPermutationFunction;
  /**
   * Selectors shared with the other Muxes of the pool, built with the same backendSelection,
   * maglevTableSize and maglevPermutation as above; by default the Mux keeps its own.
   */
  readonly selectorCache?: BackendSelectorCache;
  readonly flowTable?: FlowTableLimits;
  /** What to do with IP fragments (default `drop`, as Azure load-balancing rules). */
  readonly fragmentPolicy?: FragmentPolicy;
  /**
   * Answer a DF packet that no longer fits after encapsulation with ICMP "fragmentation
   * needed" (RFC 1191) carrying the MTU left for it, as Katran can (docs/mechanics.md §5). Off by
   * default: in Ananta's incident such packets were silently lost (docs/mechanics.md §1.4).
   */
  readonly icmpFragmentationNeeded?: boolean;
  /**
   * How an ICMP error sent to a VIP finds its DIP: `flow` (default) by the flow it quotes, so
   * path MTU discovery works; `naive-hash` by hashing the ICMP packet itself like any packet,
   * which usually picks another DIP and breaks PMTUD (docs/mechanics.md §4.5, issue: Fragmentation).
   */
  readonly icmpRouting?: 'flow' | 'naive-hash';
}

/** Counters a Mux keeps. */
export interface MuxCounters {
  packets: number;
  newFlows: number;
  flowTableHits: number;
  /** Packets forwarded by a fresh hash because the flow table had no room (stateless). */
  statelessForwards: number;
  /** Return packets of SNAT flows sent to their DIP by a stateless SNAT entry. */
  snatReturns: number;
  drops: number;
}

/** One Mux of the pool. */
export class Mux implements NetworkNode, ControlReceiver<MuxControlMessage> {
  readonly name: string;
  readonly address: number;
  readonly counters: MuxCounters = {
    packets: 0,
    newFlows: 0,
    flowTableHits: 0,
    statelessForwards: 0,
    snatReturns: 0,
    drops: 0,
  };
  /** What each change of a rule's DIP list would have done to the flows this Mux tracked. */
  readonly remapReports: RemapReport[] = [];
  private readonly flows: FlowTable;
  private readonly fragments = new FragmentTable();
  /** Links to neighbours, resolved on first use (see {@link portTo}). */
  private readonly ports = new Map<string, LinkPort>();
  /** The Mux's view of DIP health, `probe|dip` → up, from the manager (docs/mechanics.md §1.4). */
  private readonly health = new Map<string, boolean>();
  private readonly snatRanges = new SnatRangeMap();
  private readonly selectors: BackendSelectorCache;
  private vipMap: VipMap;
  private running = true;
  private nextIpId = 0;

  constructor(
    private readonly fabric: Fabric,
    private readonly options: MuxOptions,
  ) {
    this.name = options.name;
    this.address = options.address;
    this.flows = new FlowTable(options.flowTable);
    this.selectors = options.selectorCache ?? new BackendSelectorCache(this.selectorOptions());
    const shared = this.selectors.options;
    if (
      shared.algorithm !== options.backendSelection ||
      shared.maglevTableSize !== options.maglevTableSize ||
      shared.maglevPermutation !== options.maglevPermutation
    ) {
      throw new Error(`${options.name}: its selector cache was built with other backend-selection options`);
    }
    this.vipMap = new VipMap([], this.selectors);
  }

  /** Number of flows in the flow table. */
  get flowCount(): number {
    return this.flows.size;
  }

  /** Whether the Mux is up. */
  get isRunning(): boolean {
    return this.running;
  }

  /** The DIP the Mux sends return traffic of a SNAT port to, or `undefined` (no entry). */
  snatOwnerOf(vip: number, protocol: number, port: number): number | undefined {
    return this.snatRanges.lookup(vip, protocol, port);
  }

  /** The flow table's counters (insertions, quota fallbacks, expiries). */
  get flowTableCounters() {
    return this.flows.counters;
  }

  /**
   * Takes a new VIP map from the manager and announces its VIPs to the router. Ananta's Mux
   * announces routes only once it has the manager's state (docs/mechanics.md §1.3). A Mux that is
   * down ignores it: the manager sends the map again when the Mux is restored.
   */
  receiveControl(message: MuxControlMessage): void {
    if (!this.running) return;
    if (message.kind === 'snat-ranges') {
      this.updateSnatRanges(message);
      return;
    }
    if (message.kind === 'dip-health') {
      this.health.set(`${message.probe}|${message.dip}`, message.up);
      this.rebuild(this.vipMap.rules);
      return;
    }
    this.health.clear();
    for (const entry of message.health) this.health.set(`${entry.probe}|${entry.dip}`, entry.up);
    this.rebuild(message.rules);
  }

  /** Rebuilds the VIP map (rules or health changed) and announces or withdraws VIPs. */
  private rebuild(rules: readonly VipMapRule[]): void {
    const previous = this.vipMap;
    this.vipMap = new VipMap(rules, this.selectors, (probe, dip) => this.health.get(`${probe}|${dip}`));
    this.recordRemaps(previous, this.vipMap);
    this.announce([...previous.allVips(), ...this.snatRanges.vips()]);
  }

  /** Applies the manager's SNAT entries and announces or withdraws VIPs that gained or lost all. */
  private updateSnatRanges(message: Extract<MuxControlMessage, { kind: 'snat-ranges' }>): void {
    const before = this.snatRanges.vips();
    if (message.replace) this.snatRanges.clear();
    for (const range of message.remove) this.snatRanges.remove(range);
    for (const owner of message.add) this.snatRanges.add(owner);
    this.announce([...this.vipMap.allVips(), ...before]);
  }

  /**
   * Announces every VIP of the rules and SNAT ranges, and withdraws those of `before` that are
   * no longer among them (BGP, docs/mechanics.md §1.3).
   */
  private announce(before: readonly number[]): void {
    const current = new Set([...this.vipMap.allVips(), ...this.snatRanges.vips()]);
    for (const vip of current) this.options.router.announce(vip, this.name);
    for (const vip of before) if (!current.has(vip)) this.options.router.withdraw(vip, this.name);
  }

  /**
   * The Mux dies: it forgets its flows and VIP map and drops whatever still reaches it. Its
   * BGP session goes silent, so the router withdraws its routes only after the hold timer.
   */
  fail(): void {
    if (!this.running) return;
    this.running = false;
    this.flows.clear();
    this.vipMap = new VipMap([], this.selectors);
    this.health.clear();
    this.snatRanges.clear();
    this.options.router.peerSilent(this.name);
  }

  /** The Mux restarts, empty; it serves again once the manager sends it the VIP map. */
  restore(): void {
    this.running = true;
  }

  receive(packet: Ipv4Packet, meta: PacketMeta, from: string): void {
    this.counters.packets++;
    if (!this.running) {
      const expiry = this.options.router.holdTimerExpiryNs(this.name);
      const until = expiry === undefined ? '' : ` until its BGP hold timer expires at ${formatTimeNs(expiry)} s`;
      this.drop(packet, meta, 'mux-down', `${this.name} is down; the router still sends it traffic${until}`);
      return;
    }
    if (isFragment(packet)) {
      this.receiveFragment(packet, meta, from);
      return;
    }
    if (packet.payload.kind === 'icmp' && packet.payload.quote !== undefined) {
      this.receiveIcmpError(packet, packet.payload.quote, meta, from);
      return;
    }
    // The flow's fields, not a tuple record: the flow table is looked up by them, and a record
    // is built only to hash a new flow (issue 20). Ports are TCP's and UDP's, else 0.
    const payload = packet.payload;
    const protocol = ipProtocolOf(packet);
    const ported = payload.kind === 'udp' || payload.kind === 'tcp';
    const srcPort = ported ? payload.srcPort : 0;
    const dstPort = ported ? payload.dstPort : 0;
    const entry = this.vipMap.lookup(packet.dst, protocol, dstPort);
    if (entry === undefined) {
      this.receiveSnatReturn(packet, meta, from, protocol, dstPort);
      return;
    }
    const decision = this.decide(packet, protocol, srcPort, dstPort, entry);
    if (decision.dip === undefined) {
      this.drop(packet, meta, 'no-healthy-dip', `rule ${entry.rule.name} has no DIP to send new flows to`);
      return;
    }
    this.forward(packet, meta, from, decision.dip, decision.choice);
  }

  /**
   * A packet for a VIP port no rule serves: return traffic of a SNAT flow when the port lies in
   * a range granted to a DIP, sent there statelessly; otherwise nobody's (`no-vip-endpoint`).
   */
  private receiveSnatReturn(
    packet: Ipv4Packet,
    meta: PacketMeta,
    from: string,
    protocol: number,
    dstPort: number,
  ): void {
    const vip = formatIpv4Address(packet.dst);
    const dip = this.snatRanges.lookup(packet.dst, protocol, dstPort);
    if (dip === undefined) {
      this.drop(
        packet,
        meta,
        'no-vip-endpoint',
        `no rule for ${vip}:${dstPort}, and no SNAT port range of ${vip} holds port ${dstPort}`,
      );
      return;
    }
    this.counters.snatReturns++;
    const first = snatRangeStart(dstPort);
    this.forward(
      packet,
      meta,
      from,
      dip,
      `SNAT return: ${vip} ports ${first}–${first + snatPortsPerRange - 1} belong to ${formatIpv4Address(dip)} (stateless entry)`,
    );
  }

  /**
   * An ICMP error about a flow of a VIP (e.g. "fragmentation needed" from a router on the
   * client's path): the quoted packet is the VIP's reply, so the flow is its reverse, and the
   * error goes to the DIP that owns that flow.
   */
  private receiveIcmpError(packet: Ipv4Packet, quote: IcmpQuote, meta: PacketMeta, from: string): void {
    const what = `ICMP ${packet.payload.kind === 'icmp' ? `${packet.payload.type}/${packet.payload.code}` : ''} about ${formatIpv4Address(quote.src)}:${quote.srcPort} → ${formatIpv4Address(quote.dst)}:${quote.dstPort}`;
    const entry = this.vipMap.lookup(quote.src, quote.protocol, quote.srcPort);
    if (quote.src !== packet.dst || entry === undefined) {
      this.drop(packet, meta, 'no-vip-endpoint', `${what}: not about a flow of a rule of this VIP`);
      return;
    }
    const flow = {
      protocol: quote.protocol,
      srcAddress: quote.dst,
      srcPort: quote.dstPort,
      dstAddress: quote.src,
      dstPort: quote.srcPort,
    };
    if (this.options.icmpRouting === 'naive-hash') {
      const hash = distributionHash(fiveTupleOf(packet), 'Default', this.options.hashSeed);
      const dip = entry.selector.select(hash);
      if (dip === undefined) {
        this.drop(packet, meta, 'no-healthy-dip', `${what}: rule ${entry.rule.name} has no DIP`);
        return;
      }
      this.forward(
        packet,
        meta,
        from,
        dip,
        `${what}: hash of the ICMP packet itself 0x${hash.toString(16).padStart(8, '0')}`,
      );
      return;
    }
    const known = this.flows.peekFlow(
      flow.protocol,
      flow.srcAddress,
      flow.srcPort,
      flow.dstAddress,
      flow.dstPort,
      this.fabric.kernel.nowNs,
    );
    const dip =
      known >= 0
        ? this.flows.dipOf(known)
        : entry.selector.select(distributionHash(flow, entry.rule.distribution, this.options.hashSeed));
    if (dip === undefined) {
      this.drop(packet, meta, 'no-healthy-dip', `${what}: rule ${entry.rule.name} has no DIP`);
      return;
    }
    this.forward(
      packet,
      meta,
      from,
      dip,
      `${what}: routed by the flow it quotes (${known < 0 ? 'hash' : 'flow table'})`,
    );
  }

  /** Places a fragment by the fragment policy (see fragment-policy.ts). */
  private receiveFragment(packet: Ipv4Packet, meta: PacketMeta, from: string): void {
    const now = this.fabric.kernel.nowNs;
    const what = `fragment id ${packet.id} offset ${packet.fragmentOffsetBytes}`;
    const protocol = ipProtocolOf(packet);
    const ports = firstFragmentPorts(packet);
    const entry =
      ports === undefined
        ? this.vipMap.lookupWithoutPort(packet.dst, protocol)
        : this.vipMap.lookup(packet.dst, protocol, ports.dstPort);
    const haPorts = entry?.rule.endpoint.port === 0;
    const policy: FragmentPolicy = haPorts ? 'three-tuple' : (this.options.fragmentPolicy ?? 'drop');
    if (policy === 'drop') {
      // Azure load-balancing rules do not forward fragments (docs/mechanics.md §2.7).
      this.drop(packet, meta, 'fragment-on-lb-rule', `${what}: load-balancing rules do not forward fragments`);
      return;
    }
    const key = fragmentKey(packet.src, packet.dst, protocol, packet.id);
    if (policy === 'track-first-fragment') {
      if (ports === undefined) {
        const decision = this.fragments.recall(key, now);
        if (decision === undefined) {
          this.drop(
            packet,
            meta,
            'fragment-before-first',
            `${what} arrived before the first fragment: its ports are unknown`,
          );
          return;
        }
        this.forward(packet, meta, from, decision.dip, `first fragment's DIP (id ${packet.id})`);
        return;
      }
      if (entry === undefined) {
        this.drop(
          packet,
          meta,
          'no-vip-endpoint',
          `${what}: no rule for ${formatIpv4Address(packet.dst)}:${ports.dstPort}`,
        );
        return;
      }
      const decision = this.decide(packet, protocol, ports.srcPort, ports.dstPort, entry);
      if (decision.dip === undefined) {
        this.drop(packet, meta, 'no-healthy-dip', `rule ${entry.rule.name} has no DIP to send new flows to`);
        return;
      }
      this.fragments.remember(key, { dip: decision.dip, ruleName: entry.rule.name, atNs: now });
      this.forward(packet, meta, from, decision.dip, `${renderMuxChoice(decision.choice)} of the first fragment`);
      return;
    }
    if (entry === undefined) {
      this.drop(
        packet,
        meta,
        'fragment-on-lb-rule',
        `${what}: no ports, and no single rule for ${formatIpv4Address(packet.dst)}`,
      );
      return;
    }
    const hash = hashThreeTuple(
      { protocol, srcAddress: packet.src, srcPort: 0, dstAddress: packet.dst, dstPort: 0 },
      this.options.hashSeed,
    );
    const dip = entry.selector.select(hash);
    if (dip === undefined) {
      this.drop(packet, meta, 'no-healthy-dip', `rule ${entry.rule.name} has no DIP to send new flows to`);
      return;
    }
    this.forward(packet, meta, from, dip, `3-tuple hash 0x${hash.toString(16).padStart(8, '0')} (${what})`);
  }

  /**
   * Encapsulates a packet to its DIP and sends it. An encapsulated packet too big for the link
   * is dropped when its DF bit is set (docs/mechanics.md §1.4: 1460-byte segments became 1520-byte
   * packets); with DF clear the outer packet is fragmented (RFC 2003 §5.1) and the Host Agent
   * reassembles it.
   */
  private forward(packet: Ipv4Packet, meta: PacketMeta, to: string, dip: number, choice: MuxChoice): void {
    const now = this.fabric.kernel.nowNs;
    const tracer = this.fabric.tracer;
    const outer = encapsulateIpIp(packet, this.address, dip, this.takeIpId());
    const note: MuxEncapsulatedDecision = { code: 'mux-encapsulated', mux: this.name, dip, choice };
    const port = this.portTo(to);
    const mtu = port.options.mtuBytes;
    const length = ipv4TotalLength(outer);
    if (length <= mtu) {
      tracer.emit(now, this.name, 'encapsulate', outer, meta, note);
      port.send(outer, meta);
      return;
    }
    const pieces = fragmentPacket(outer, mtu);
    if (pieces === undefined) {
      this.drop(
        packet,
        meta,
        'mtu-exceeded',
        `${length} bytes after encapsulation exceed the ${mtu}-byte MTU and DF is set`,
      );
      if (this.options.icmpFragmentationNeeded === true)
        this.sendFragmentationNeeded(packet, meta, to, mtu - (length - ipv4TotalLength(packet)));
      return;
    }
    tracer.emit(
      now,
      this.name,
      'deliver',
      outer,
      meta,
      `${renderTraceNote(note)}; ${length} bytes exceed the ${mtu}-byte MTU: sent as ${pieces.length} outer fragments`,
    );
    for (const piece of pieces) {
      const pieceMeta = tracer.newMeta(meta.connectionId, now);
      tracer.emit(
        now,
        this.name,
        'send',
        piece,
        pieceMeta,
        `outer fragment id ${piece.id} offset ${piece.fragmentOffsetBytes} → DIP ${formatIpv4Address(dip)}`,
      );
      this.fabric.transmit(this.name, to, piece, pieceMeta);
    }
  }

  /**
   * The link to neighbour `to`, resolved on first use rather than looked up by name per packet.
   * @throws Error when it is not a neighbour: the Mux sends only back to the router it heard from.
   */
  private portTo(to: string): LinkPort {
    let port = this.ports.get(to);
    if (port === undefined) {
      port = this.fabric.requirePort(this.name, to);
      this.ports.set(to, port);
    }
    return port;
  }

  /** The DIP for a packet and how it was chosen (flow table, or a hash of which tuple). */
  private decide(
    packet: Ipv4Packet,
    protocol: number,
    srcPort: number,
    dstPort: number,
    entry: VipMapEntry,
  ): { readonly dip: number | undefined; readonly choice: MuxChoice } {
    const now = this.fabric.kernel.nowNs;
    const rule = entry.rule;
    const payload = packet.payload;
    const isSyn = payload.kind === 'tcp' && (payload.flags & (TcpFlags.Syn | TcpFlags.Ack)) === TcpFlags.Syn;
    const srcAddress = packet.src;
    const dstAddress = packet.dst;
    if (!isSyn) {
      const found = this.flows.lookupFlow(protocol, srcAddress, srcPort, dstAddress, dstPort, now);
      // Established TCP flows stay with a DIP that goes down; UDP flows, which Azure keeps no
      // state for, move to an eligible DIP (docs/mechanics.md §2.3).
      if (found >= 0) {
        const dip = this.flows.dipOf(found);
        if (protocol !== 17 || entry.eligible.has(dip)) {
          this.counters.flowTableHits++;
          return { dip, choice: muxFlowTableChoice };
        }
      }
    }
    const hash = distributionHash(
      { protocol, srcAddress, srcPort, dstAddress, dstPort },
      rule.distribution,
      this.options.hashSeed,
    );
    const dip = entry.selector.select(hash);
    const tupleName = distributionTupleName[rule.distribution];
    if (dip === undefined) return { dip, choice: { by: 'hash', tuple: tupleName, hash, stateless: false } };
    const inserted = this.flows.insertFlow(
      protocol,
      srcAddress,
      srcPort,
      dstAddress,
      dstPort,
      dip,
      rule.name,
      rule.idleTimeoutNs,
      now,
    );
    if (inserted < 0) {
      this.counters.statelessForwards++;
      return { dip, choice: { by: 'hash', tuple: tupleName, hash, stateless: true } };
    }
    this.counters.newFlows++;
    return { dip, choice: { by: 'hash', tuple: tupleName, hash, stateless: false } };
  }

  /** Sends ICMP "fragmentation needed" about `packet` to its source (RFC 792, RFC 1191). */
  private sendFragmentationNeeded(packet: Ipv4Packet, about: PacketMeta, via: string, nextHopMtu: number): void {
    const tracer = this.fabric.tracer;
    const now = this.fabric.kernel.nowNs;
    const icmp = makeIpv4Packet(
      { src: this.address, dst: packet.src, id: this.takeIpId(), dontFragment: false },
      {
        kind: 'icmp',
        type: IcmpType.DestinationUnreachable,
        code: IcmpUnreachableCode.FragmentationNeeded,
        rest: nextHopMtu & 0xffff,
        quote: icmpQuoteOf(packet),
        payloadLength: 0,
      },
    );
    const meta = tracer.newMeta(about.connectionId, now);
    tracer.emit(now, this.name, 'send', icmp, meta, `ICMP fragmentation needed: MTU ${nextHopMtu} after encapsulation`);
    this.fabric.transmit(this.name, via, icmp, meta);
  }

  private recordRemaps(previous: VipMap, current: VipMap): void {
    const now = this.fabric.kernel.nowNs;
    const byRule = new Map<string, TrackedFlow[]>();
    for (const [key, entry] of this.flows.entries(now)) {
      const list = byRule.get(entry.ruleName) ?? [];
      list.push({ tuple: parseFlowKey(key), entry });
      byRule.set(entry.ruleName, list);
    }
    for (const rule of current.rules) {
      const before = previous.entryOfRule(rule.name);
      const after = current.entryOfRule(rule.name);
      if (before === undefined || after === undefined) continue;
      const report = reportRemap(byRule.get(rule.name) ?? [], before, after, this.options.hashSeed, {
        atNs: now,
        mux: this.name,
      });
      if (report !== undefined) this.remapReports.push(report);
    }
  }

  private drop(packet: Ipv4Packet, meta: PacketMeta, reason: DropReason, note: string): void {
    this.counters.drops++;
    this.fabric.tracer.emit(this.fabric.kernel.nowNs, this.name, 'drop', packet, meta, note, reason);
  }

  private selectorOptions() {
    return {
      algorithm: this.options.backendSelection,
      maglevTableSize: this.options.maglevTableSize,
      ...(this.options.maglevPermutation === undefined ? {} : { maglevPermutation: this.options.maglevPermutation }),
    };
  }

  private takeIpId(): number {
    const id = this.nextIpId;
    this.nextIpId = (id + 1) & 0xffff;
    return id;
  }
}
