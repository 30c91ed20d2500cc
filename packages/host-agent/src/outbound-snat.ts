// Stays one file past 400 lines: opening, translating, timing out and releasing a SNAT flow change one flow table, port ledgers and wait queues together.
/**
 * Outbound SNAT at the Host Agent (docs/mechanics.md §1.4 "SNAT for outbound", §2.8, §7.4;
 * [ANANTA §3.2.3, §3.4.2, Fig. 8], [AZ-OUT-2018, AZ-OUT-2022, AZ-OUT-CUR, AZ-OUTRULES]).
 *
 * A VM's flow to a destination outside the virtual network leaves with a frontend IP and a
 * SNAT port as its source, when the VM's NIC has a SNAT policy for the protocol (an outbound
 * rule, or default outbound through load-balancing rules):
 *
 * 1. The flow's first packet (TCP SYN, any UDP datagram) takes a port of the DIP's ranges that
 *    is free for its destination (`snat-port-ledger.ts`: TCP reuses a port for another
 *    (destination IP, port), UDP holds one port per destination IP).
 * 2. With no such port and fewer ports held than the policy allows, the Host Agent holds the
 *    packet and asks the manager for a range of 8 ports; one request per DIP is outstanding
 *    at a time, and packets arriving meanwhile wait with it. The grant (or a refusal) lets
 *    them go on.
 * 3. With every allowed port already carrying a flow to that destination, the packet is
 *    dropped (`snat-ports-exhausted`): the client retransmits its SYN and times out, and new
 *    connections succeed again once ports are released.
 * 4. A port is released 240 s after a FIN from either side, 15 s after an RST, or when the
 *    flow has been idle for the policy's idle timeout — with `enableTcpReset`, an established
 *    TCP flow gets an RST both ways then.
 * 5. A requested range with no flow for the manager's return time goes back to the manager;
 *    preallocated ranges stay.
 *
 * Return traffic comes tunnelled from a Mux (its stateless SNAT entry) and is translated back
 * to the DIP and the VM's port. A NIC behind a Standard load balancer that gives it no SNAT
 * for the protocol has no outbound connectivity (`no-outbound-connectivity`); a NIC behind no
 * load balancer keeps its own address (lbsim's stand-in for Azure's default outbound access or
 * a public IP on the NIC). Outbound fragments that need SNAT are dropped (`snat-fragment`,
 * docs/mechanics.md §2.7: "fragmented packets will be dropped unless outbound is through an
 * instance level public IP"). The platform address 168.63.129.16 is never SNATed.
 *
 * The usage counters are in `snat-usage.ts`, the idle-timeout RST pair in `snat-idle-resets.ts`.
 */
import {
  azurePlatformAddress,
  type DropReason,
  type FiveTuple,
  FlowMap,
  formatDurationNs,
  formatFiveTuple,
  formatIpProtocol,
  formatIpv4Address,
  formatTimeNs,
  type HostAgentControlMessage,
  type Ipv4Packet,
  ipProtocolOf,
  isFragment,
  type Kernel,
  type ManagerControlMessage,
  nsPerSecond,
  type OutboundBlocked,
  rewriteSource,
  type SnatPolicy,
  type SnatPortRange,
  snatRangeStart,
  TcpFlags,
} from '@lbsim/core';
import { type AddressSpace, addressSpaceContains } from './address-space.ts';
import { translateInbound } from './fragment-nat.ts';
import { type SnatFlow, SnatFlowTable } from './snat-flow-table.ts';
import { sendSnatIdleResets } from './snat-idle-resets.ts';
import { type HeldRange, SnatPortLedger, snatDestinationKey } from './snat-port-ledger.ts';
import { describeSnatUsage, newSnatUsageState, type SnatUsage, type UsageState } from './snat-usage.ts';
import { trackTcpSegment } from './tcp-progress.ts';

export type { SnatUsage } from './snat-usage.ts';

/** A port stays held this long after a FIN from either side, ns (docs/mechanics.md §2.8, [AZ-OUT-2018]). */
export const snatFinHoldNs = 240 * nsPerSecond;

/** A port stays held this long after an RST, ns (docs/mechanics.md §2.8, [AZ-OUT-2018]). */
export const snatRstHoldNs = 15 * nsPerSecond;

/** After the manager refuses ports, a (DIP, protocol) does not ask again for this long, ns. */
export const snatRefusalBackoffNs = nsPerSecond;

/** Most packets that may wait for ports per DIP; more are dropped. */
export const maxSnatWaitingPackets = 256;

/** Until the manager says otherwise, requested ranges idle this long go back, ns. */
export const defaultRangeReturnIdleNs = 120 * nsPerSecond;

/** What SNAT does with a packet. */
export type SnatDecision =
  /** Not SNAT's business: the Host Agent handles it as before. */
  | { readonly kind: 'bypass' }
  | { readonly kind: 'translate'; readonly packet: Ipv4Packet; readonly note: string }
  /** Waiting for ports from the manager; the `resume` given with it runs when they come. */
  | { readonly kind: 'hold' }
  | { readonly kind: 'drop'; readonly reason: DropReason; readonly note: string };

/** Shared: a packet that is not SNAT's business allocates no decision. */
const bypass: SnatDecision = { kind: 'bypass' };

/** What a (DIP, protocol) holds at one moment, for invariant checks. */
export interface SnatHolding {
  readonly policy: SnatPolicy;
  readonly heldPorts: number;
  readonly ranges: readonly SnatPortRange[];
  /** `vip|port` → destination keys in use on that port. */
  readonly destinationsByPort: ReadonlyMap<string, readonly string[]>;
}

/** Options of {@link OutboundSnat}. */
export interface OutboundSnatOptions {
  readonly kernel: Kernel;
  /** Destinations inside it are not SNATed (both ends are private). */
  readonly virtualNetwork: AddressSpace;
  /**
   * Sends a packet the Host Agent made (an idle-timeout RST): to the VM that owns `toDip`, or
   * toward the router when `toDip` is undefined.
   */
  readonly originate: (packet: Ipv4Packet, connectionId: number, toDip: number | undefined, note: string) => void;
}

interface Waiting {
  readonly protocol: number;
  readonly resume: () => void;
}

/** A hold time in words: `240 s`. */
function seconds(durationNs: number): string {
  return `${durationNs / nsPerSecond} s`;
}

function ledgerKey(dip: number, protocol: number): string {
  return `${dip}|${protocol}`;
}

/** Whether a packet opens a flow: a TCP SYN without ACK, or any UDP datagram. */
function opensFlow(packet: Ipv4Packet): boolean {
  const payload = packet.payload;
  if (payload.kind === 'udp') return true;
  return payload.kind === 'tcp' && (payload.flags & (TcpFlags.Syn | TcpFlags.Ack)) === TcpFlags.Syn;
}

/** The outbound SNAT of one Host Agent. */
export class OutboundSnat {
  private readonly flows = new SnatFlowTable();
  private readonly ledgers = new Map<string, SnatPortLedger>();
  private readonly usage = new Map<string, UsageState>();
  /** Range key → the ledger key of the (DIP, protocol) holding it. */
  /** The ledger key of each granted range, by (protocol, VIP, first port) as a numeric key. */
  private readonly rangeOwners = new FlowMap<string>();
  private policies = new Map<string, SnatPolicy>();
  private blocked = new Map<string, OutboundBlocked>();
  private readonly inFlight = new Set<number>();
  private readonly waiting = new Map<number, Waiting[]>();
  private readonly refusals = new Map<string, { readonly untilNs: number; readonly why: string }>();
  private rangeReturnIdleNs = defaultRangeReturnIdleNs;
  private toManager: ((message: ManagerControlMessage) => void) | undefined;

  constructor(private readonly options: OutboundSnatOptions) {}

  /** Live SNAT flows. */
  get flowCount(): number {
    return this.flows.size;
  }

  /**
   * Whether return traffic could be SNAT's at all: some flow is live or some port range is
   * held. When not, {@link inbound} bypasses and {@link flowOfTranslatedSource} finds nothing
   * for every packet, and the Host Agent skips both lookups.
   */
  get mayTranslateInbound(): boolean {
    return this.flows.size > 0 || this.rangeOwners.size > 0;
  }

  /**
   * Whether a tunnelled packet with this 5-tuple concerns SNAT: its source is a flow's
   * translated address and port, or its destination is, or its destination port lies in a
   * range held here. When not, {@link flowOfTranslatedSource} finds nothing and {@link inbound}
   * bypasses, so the Host Agent builds no tuple record for it (issue 20).
   */
  concernsInbound(protocol: number, srcAddress: number, srcPort: number, dstAddress: number, dstPort: number): boolean {
    if (!this.mayTranslateInbound) return false;
    if (this.flows.findTranslated(protocol, srcAddress, srcPort, dstAddress, dstPort) !== undefined) return true;
    if (protocol !== 6 && protocol !== 17) return false;
    if (this.flows.findTranslated(protocol, dstAddress, dstPort, srcAddress, srcPort) !== undefined) return true;
    return this.rangeOwners.get(protocol, dstAddress, snatRangeStart(dstPort), 0, 0) !== undefined;
  }

  /** Gives SNAT a way to reach the manager (through the control channel). */
  attachManager(send: (message: ManagerControlMessage) => void): void {
    this.toManager = send;
  }

  /**
   * Takes the manager's SNAT policies for this host's DIPs. A (DIP, protocol) that lost its
   * policy forgets its flows and ranges (the manager took the ranges back).
   */
  configure(message: Extract<HostAgentControlMessage, { kind: 'snat-policies' }>): void {
    this.policies = new Map(message.policies.map((policy) => [ledgerKey(policy.dip, policy.protocol), policy]));
    this.blocked = new Map(message.blocked.map((entry) => [ledgerKey(entry.dip, entry.protocol), entry]));
    this.rangeReturnIdleNs = message.rangeReturnIdleNs;
    for (const [key, ledger] of [...this.ledgers]) {
      const policy = this.policies.get(key);
      if (policy === undefined) {
        this.forget(key, ledger);
        continue;
      }
      ledger.setPolicy(policy);
      const usage = this.usage.get(key);
      if (usage !== undefined) usage.policy = policy;
    }
  }

  /** Takes ranges (or a refusal) from the manager and lets the packets waiting for them go on. */
  grant(message: Extract<HostAgentControlMessage, { kind: 'snat-grant' }>): void {
    const { dip, protocol, ranges, preallocated } = message;
    const now = this.options.kernel.nowNs;
    const key = ledgerKey(dip, protocol);
    if (!preallocated) this.inFlight.delete(dip);
    const policy = this.policies.get(key);
    if (policy === undefined) {
      // Ranges for a policy this host no longer has: give them straight back.
      if (ranges.length > 0) this.toManager?.({ kind: 'snat-release', dip, ranges });
    } else if (ranges.length > 0) {
      const ledger = this.ledgerOf(policy);
      const added = ledger.addRanges(ranges, preallocated, now);
      for (const range of ranges) this.rangeOwners.set(range.protocol, range.vip, range.firstPort, 0, 0, key);
      if (!preallocated) {
        this.usageOf(policy).grants++;
        // A requested range nobody uses goes back like one whose flows ended.
        for (const held of added) this.scheduleRangeReturn(key, ledger, held);
      }
      this.recordUsage(key);
    }
    if (message.refusal !== undefined) {
      this.refusals.set(key, { untilNs: now + snatRefusalBackoffNs, why: message.refusal });
      if (policy !== undefined) this.usageOf(policy).refusals++;
    }
    const waiting = this.waiting.get(dip) ?? [];
    this.waiting.delete(dip);
    for (const entry of waiting) entry.resume();
  }

  /**
   * Decides a packet a VM sent that answers no inbound NAT flow (after the NIC's source check
   * and outbound NSGs).
   * @param resume runs when a held packet's ports arrive: it must call this method again
   */
  outbound(packet: Ipv4Packet, tuple: FiveTuple, connectionId: number, resume: () => void): SnatDecision {
    if (!this.isOutbound(tuple)) return bypass;
    const key = ledgerKey(tuple.srcAddress, tuple.protocol);
    const flow = this.flows.findOutbound(
      tuple.protocol,
      tuple.srcAddress,
      tuple.srcPort,
      tuple.dstAddress,
      tuple.dstPort,
    );
    const policy = this.policies.get(key);
    if (isFragment(packet) && (flow !== undefined || policy !== undefined)) {
      return {
        kind: 'drop',
        reason: 'snat-fragment',
        note: `fragment id ${packet.id} of ${formatFiveTuple(tuple)} needs SNAT: outbound fragments are dropped unless the VM has its own public IP`,
      };
    }
    if (flow !== undefined) return this.translateOutbound(flow, packet);
    if (policy === undefined) {
      const blocked = this.blocked.get(key);
      if (blocked === undefined || !(opensFlow(packet) || isFragment(packet))) return bypass;
      return { kind: 'drop', reason: 'no-outbound-connectivity', note: `${formatFiveTuple(tuple)}: ${blocked.why}` };
    }
    if (!opensFlow(packet)) return this.dropStray(tuple);
    return this.openFlow(policy, packet, tuple, connectionId, resume);
  }

  /**
   * Decides a VM's later fragment (no ports) that belongs to no inbound NAT flow: dropped when
   * its datagram would need SNAT (`snat-fragment`) or has no way out at all
   * (`no-outbound-connectivity`), else not SNAT's business.
   */
  laterFragment(packet: Ipv4Packet): SnatDecision {
    const protocol = ipProtocolOf(packet);
    const tuple = { protocol, srcAddress: packet.src, srcPort: 0, dstAddress: packet.dst, dstPort: 0 };
    if (!this.isOutbound(tuple)) return bypass;
    const key = ledgerKey(packet.src, protocol);
    const blocked = this.blocked.get(key);
    if (blocked !== undefined && !this.policies.has(key)) {
      return { kind: 'drop', reason: 'no-outbound-connectivity', note: `fragment id ${packet.id}: ${blocked.why}` };
    }
    if (!this.policies.has(key)) return bypass;
    return {
      kind: 'drop',
      reason: 'snat-fragment',
      note: `fragment id ${packet.id} offset ${packet.fragmentOffsetBytes} to ${formatIpv4Address(packet.dst)} needs SNAT: outbound fragments are dropped unless the VM has its own public IP`,
    };
  }

  /**
   * Decides a packet tunnelled to the local NIC `nicAddress`: return traffic of a SNAT flow is
   * translated back to the DIP and the VM's port.
   */
  inbound(inner: Ipv4Packet, tuple: FiveTuple, nicAddress: number): SnatDecision {
    if (tuple.protocol !== 6 && tuple.protocol !== 17) return bypass;
    const flow = this.flows.findTranslated(
      tuple.protocol,
      tuple.dstAddress,
      tuple.dstPort,
      tuple.srcAddress,
      tuple.srcPort,
    );
    if (flow === undefined || flow.dip !== nicAddress) {
      const owner = this.rangeOwners.get(tuple.protocol, tuple.dstAddress, snatRangeStart(tuple.dstPort), 0, 0);
      if (owner === undefined) return bypass;
      const tombstone = this.flows.tombstoneOf(
        tuple.protocol,
        tuple.dstAddress,
        tuple.dstPort,
        tuple.srcAddress,
        tuple.srcPort,
      );
      const from = `${formatIpv4Address(tuple.srcAddress)}:${tuple.srcPort}`;
      const snatAddress = `${formatIpv4Address(tuple.dstAddress)}:${tuple.dstPort}`;
      const why =
        tombstone === undefined
          ? `no outbound flow to ${from} uses SNAT port ${snatAddress}`
          : `the outbound flow to ${from} on SNAT port ${snatAddress} was released at ${formatTimeNs(tombstone.releasedAtNs)} s (${tombstone.why})`;
      return { kind: 'drop', reason: 'snat-no-flow', note: `${formatFiveTuple(tuple)}: ${why}` };
    }
    const payload = inner.payload;
    this.touch(flow, payload.kind === 'tcp' ? payload : undefined, false);
    return {
      kind: 'translate',
      packet: translateInbound(inner, flow.dip, flow.dipPort),
      note: `SNAT return ${formatIpv4Address(tuple.dstAddress)}:${tuple.dstPort} → ${formatIpv4Address(flow.dip)}:${flow.dipPort} (${flow.policyName})`,
    };
  }

  /**
   * The SNAT flow a tunnelled packet left by, when its source is a SNAT address and port: what
   * tells that a VM's flow to its own public frontend came back to it (the same-VM hairpin).
   */
  flowOfTranslatedSource(tuple: FiveTuple): SnatFlow | undefined {
    return this.flows.findTranslated(tuple.protocol, tuple.srcAddress, tuple.srcPort, tuple.dstAddress, tuple.dstPort);
  }

  /** What each (DIP, protocol) that ever had a SNAT policy here did. */
  usages(): SnatUsage[] {
    return [...this.usage.values()].map(describeSnatUsage);
  }

  /** Every live flow. */
  liveFlows(): SnatFlow[] {
    return this.flows.all();
  }

  /** What each (DIP, protocol) holds now. */
  holdings(): SnatHolding[] {
    return [...this.ledgers.values()].map((ledger) => ({
      policy: ledger.currentPolicy,
      heldPorts: ledger.heldPorts,
      ranges: ledger.ranges().map((held) => held.range),
      destinationsByPort: ledger.destinationsByPort(),
    }));
  }

  private isOutbound(tuple: FiveTuple): boolean {
    if (tuple.protocol !== 6 && tuple.protocol !== 17) return false;
    if (tuple.dstAddress === azurePlatformAddress) return false;
    return !addressSpaceContains(this.options.virtualNetwork, tuple.dstAddress);
  }

  /** A packet of no flow that opens none: late (its flow was released) or stray. */
  private dropStray(tuple: FiveTuple): SnatDecision {
    const tombstone = this.flows.tombstoneOf(
      tuple.protocol,
      tuple.srcAddress,
      tuple.srcPort,
      tuple.dstAddress,
      tuple.dstPort,
    );
    if (tombstone?.why.startsWith('idle')) {
      return {
        kind: 'drop',
        reason: 'idle-timeout',
        note: `${formatFiveTuple(tuple)}: its SNAT flow expired at ${formatTimeNs(tombstone.releasedAtNs)} s (${tombstone.why})`,
      };
    }
    const why =
      tombstone === undefined
        ? 'no SNAT flow (only a SYN opens one)'
        : `its SNAT flow was released at ${formatTimeNs(tombstone.releasedAtNs)} s (${tombstone.why})`;
    return { kind: 'drop', reason: 'snat-no-flow', note: `${formatFiveTuple(tuple)}: ${why}` };
  }

  /** Opens a flow on a free port, or holds the packet for ports, or drops it: none left. */
  private openFlow(
    policy: SnatPolicy,
    packet: Ipv4Packet,
    tuple: FiveTuple,
    connectionId: number,
    resume: () => void,
  ): SnatDecision {
    const now = this.options.kernel.nowNs;
    const key = ledgerKey(policy.dip, policy.protocol);
    const ledger = this.ledgerOf(policy);
    const destination = snatDestinationKey(tuple.protocol, tuple.dstAddress, tuple.dstPort);
    const choice = ledger.choose(destination, tuple.srcPort);
    if (choice !== undefined) {
      const flow: SnatFlow = {
        policyName: policy.name,
        protocol: tuple.protocol,
        dip: policy.dip,
        dipPort: tuple.srcPort,
        remote: tuple.dstAddress,
        remotePort: tuple.dstPort,
        vip: choice.vip,
        snatPort: choice.port,
        idleTimeoutNs: policy.idleTimeoutNs,
        enableTcpReset: policy.enableTcpReset && tuple.protocol === 6,
        connectionId,
        lastSeenNs: now,
        closeAtNs: undefined,
        closeCause: undefined,
        tcp: { clientNextSeq: undefined, serverNextSeq: undefined, established: false, closing: false },
        timer: undefined,
        timerAtNs: 0,
      };
      ledger.take(choice, destination, tuple.srcPort);
      this.flows.add(flow);
      this.usageOf(policy).flows++;
      this.recordUsage(key);
      return this.translateOutbound(flow, packet, true);
    }
    const refusal = this.refusals.get(key);
    if (refusal !== undefined && now < refusal.untilNs) {
      return this.fail(
        policy,
        `no SNAT port free for ${formatFiveTuple(tuple)}: the manager refused more ports (${refusal.why})`,
      );
    }
    if (ledger.heldPorts >= policy.portLimit) return this.fail(policy, this.describeExhaustion(policy, ledger, tuple));
    const send = this.toManager;
    if (send === undefined)
      return this.fail(policy, `no SNAT port free for ${formatFiveTuple(tuple)} and no manager to ask`);
    const queue = this.waiting.get(policy.dip) ?? [];
    if (queue.length >= maxSnatWaitingPackets) {
      return this.fail(
        policy,
        `no SNAT port free for ${formatFiveTuple(tuple)}: ${queue.length} packets already wait for ports`,
      );
    }
    queue.push({ protocol: tuple.protocol, resume });
    this.waiting.set(policy.dip, queue);
    if (!this.inFlight.has(policy.dip)) {
      this.inFlight.add(policy.dip);
      this.usageOf(policy).requests++;
      send({ kind: 'snat-request', host: policy.host, dip: policy.dip, protocol: policy.protocol });
    }
    return { kind: 'hold' };
  }

  private describeExhaustion(policy: SnatPolicy, ledger: SnatPortLedger, tuple: FiveTuple): string {
    const destination =
      tuple.protocol === 17
        ? formatIpv4Address(tuple.dstAddress)
        : `${formatIpv4Address(tuple.dstAddress)}:${tuple.dstPort}`;
    return `no SNAT port free for ${formatFiveTuple(tuple)}: all ${ledger.heldPorts} ${formatIpProtocol(policy.protocol)} ports ${policy.vm} may hold (${policy.name}) carry a flow to ${destination} — in use, or held ${seconds(snatFinHoldNs)} after FIN / ${seconds(snatRstHoldNs)} after RST`;
  }

  private fail(policy: SnatPolicy, note: string): SnatDecision {
    const usage = this.usageOf(policy);
    usage.failed++;
    usage.firstFailure ??= { atNs: this.options.kernel.nowNs, note };
    this.recordUsage(ledgerKey(policy.dip, policy.protocol));
    return { kind: 'drop', reason: 'snat-ports-exhausted', note };
  }

  private translateOutbound(flow: SnatFlow, packet: Ipv4Packet, opened = false): SnatDecision {
    const payload = packet.payload;
    this.touch(flow, payload.kind === 'tcp' ? payload : undefined, true);
    const from = `${formatIpv4Address(flow.dip)}:${flow.dipPort}`;
    return {
      kind: 'translate',
      packet: rewriteSource(packet, flow.vip, flow.snatPort),
      note: `SNAT ${from} → ${formatIpv4Address(flow.vip)}:${flow.snatPort}${opened ? ' (new flow)' : ''} (${flow.policyName})`,
    };
  }

  /** A packet of the flow passed: refresh it, follow its TCP state, and keep its timer right. */
  private touch(flow: SnatFlow, segment: Parameters<typeof trackTcpSegment>[1] | undefined, fromVm: boolean): void {
    const now = this.options.kernel.nowNs;
    flow.lastSeenNs = now;
    if (segment !== undefined) {
      const flags = segment.flags;
      if (fromVm && (flags & (TcpFlags.Syn | TcpFlags.Ack)) === TcpFlags.Syn && flow.closeAtNs !== undefined) {
        // The VM opens a new connection on the same tuple during the hold: the mapping lives on.
        flow.closeAtNs = undefined;
        flow.closeCause = undefined;
        Object.assign(flow.tcp, {
          clientNextSeq: undefined,
          serverNextSeq: undefined,
          established: false,
          closing: false,
        });
      }
      trackTcpSegment(flow.tcp, segment, fromVm);
      if ((flags & TcpFlags.Fin) !== 0 && flow.closeAtNs === undefined) {
        flow.closeAtNs = now + snatFinHoldNs;
        flow.closeCause = 'FIN';
      }
      if ((flags & TcpFlags.Rst) !== 0 && now + snatRstHoldNs < (flow.closeAtNs ?? Number.POSITIVE_INFINITY)) {
        flow.closeAtNs = now + snatRstHoldNs;
        flow.closeCause = 'RST';
      }
    }
    this.arm(flow);
  }

  /** Schedules the flow's next check at its earliest deadline, unless one is due sooner. */
  private arm(flow: SnatFlow): void {
    const idleAt = flow.lastSeenNs + flow.idleTimeoutNs + 1;
    const due = Math.min(flow.closeAtNs ?? Number.POSITIVE_INFINITY, idleAt);
    if (flow.timer !== undefined && flow.timerAtNs <= due) return;
    if (flow.timer !== undefined) this.options.kernel.cancel(flow.timer);
    flow.timerAtNs = due;
    flow.timer = this.options.kernel.at(due, () => this.check(flow));
  }

  /** The flow's deadline came: release its port, or look again later if it was active. */
  private check(flow: SnatFlow): void {
    flow.timer = undefined;
    if (!this.flows.has(flow)) return;
    const now = this.options.kernel.nowNs;
    if (flow.closeAtNs !== undefined && now >= flow.closeAtNs) {
      const hold = flow.closeCause === 'RST' ? snatRstHoldNs : snatFinHoldNs;
      this.release(flow, `${seconds(hold)} after ${flow.closeCause ?? 'FIN'}`);
      return;
    }
    if (now - flow.lastSeenNs > flow.idleTimeoutNs) {
      if (flow.enableTcpReset && flow.tcp.established && !flow.tcp.closing)
        sendSnatIdleResets(flow, this.options.originate);
      this.release(flow, `idle for ${formatDurationNs(flow.idleTimeoutNs)}`);
      return;
    }
    this.arm(flow);
  }

  /** Releases a flow's port, leaving a tombstone; an idle requested range may go back later. */
  private release(flow: SnatFlow, why: string): void {
    const now = this.options.kernel.nowNs;
    if (flow.timer !== undefined) this.options.kernel.cancel(flow.timer);
    flow.timer = undefined;
    this.flows.remove(flow, { releasedAtNs: now, why });
    const key = ledgerKey(flow.dip, flow.protocol);
    const ledger = this.ledgers.get(key);
    if (ledger === undefined) return;
    const idle = ledger.release(
      { vip: flow.vip, port: flow.snatPort },
      snatDestinationKey(flow.protocol, flow.remote, flow.remotePort),
      now,
    );
    if (idle !== undefined && !idle.preallocated) this.scheduleRangeReturn(key, ledger, idle);
    this.recordUsage(key);
  }

  /** Gives a requested range back to the manager if it is still unused after the return time. */
  private scheduleRangeReturn(key: string, ledger: SnatPortLedger, held: HeldRange): void {
    const since = held.idleSinceNs;
    this.options.kernel.at(since + this.rangeReturnIdleNs, () => {
      if (held.flows > 0 || held.idleSinceNs !== since || this.ledgers.get(key) !== ledger) return;
      if (!ledger.removeRange(held.range)) return;
      const { range } = held;
      this.rangeOwners.delete(range.protocol, range.vip, range.firstPort, 0, 0);
      this.toManager?.({ kind: 'snat-release', dip: ledger.currentPolicy.dip, ranges: [range] });
      const usage = this.usage.get(key);
      if (usage !== undefined) usage.released++;
      this.recordUsage(key);
    });
  }

  /** Forgets a (DIP, protocol) that lost its policy, with its flows. */
  private forget(key: string, ledger: SnatPortLedger): void {
    for (const flow of this.flows.all()) {
      if (ledgerKey(flow.dip, flow.protocol) !== key) continue;
      if (flow.timer !== undefined) this.options.kernel.cancel(flow.timer);
      this.flows.remove(flow, { releasedAtNs: this.options.kernel.nowNs, why: 'its SNAT policy was removed' });
    }
    for (const held of ledger.ranges()) {
      this.rangeOwners.delete(held.range.protocol, held.range.vip, held.range.firstPort, 0, 0);
    }
    this.ledgers.delete(key);
  }

  private ledgerOf(policy: SnatPolicy): SnatPortLedger {
    const key = ledgerKey(policy.dip, policy.protocol);
    let ledger = this.ledgers.get(key);
    if (ledger === undefined) {
      ledger = new SnatPortLedger(policy);
      this.ledgers.set(key, ledger);
    }
    return ledger;
  }

  private usageOf(policy: SnatPolicy): UsageState {
    const key = ledgerKey(policy.dip, policy.protocol);
    let usage = this.usage.get(key);
    if (usage === undefined) {
      usage = newSnatUsageState(policy);
      this.usage.set(key, usage);
    }
    return usage;
  }

  private recordUsage(key: string): void {
    const ledger = this.ledgers.get(key);
    const usage = ledger === undefined ? this.usage.get(key) : this.usageOf(ledger.currentPolicy);
    if (usage === undefined) return;
    usage.metrics.record({
      atNs: this.options.kernel.nowNs,
      allocatedPorts: ledger?.heldPorts ?? 0,
      usedPorts: ledger?.usedPorts ?? 0,
      connections: ledger?.liveFlows ?? 0,
      failedAllocations: usage.failed,
    });
  }
}
