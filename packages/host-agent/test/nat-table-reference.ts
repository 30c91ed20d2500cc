/**
 * The NAT table as it was before issue 20 bounded it by live flows (c27cf55): entries left only
 * when a lookup found them idle. Kept as the reference the bounded table must equal in every
 * answer while fewer than its tombstone cap of flows have expired.
 */
/**
 * The Host Agent's bidirectional NAT state (docs/mechanics.md §1.4, [ANANTA §3.4.1]): the first
 * packet of an inbound flow creates an entry; replies from the VM find it by their own tuple
 * and are translated back to the VIP.
 *
 * Entries expire after the rule's idle timeout without a packet in either direction
 * (docs/mechanics.md §2.6). An expired flow leaves a tombstone, so that its next packet is known to
 * belong to a flow the load balancer forgot — and is dropped (`idle-timeout`) — rather than
 * taken for a new flow.
 */
import { type FiveTuple, FlowMap, type NatRule } from '@lbsim/core';
import { type TcpProgress, trackTcpSegment } from '../src/tcp-progress.ts';

/**
 * The destination address the VM sees for a rule: the DIP, or with floating IP the frontend IP
 * (docs/mechanics.md §2.4: with floating IP the VM receives the packet still addressed to the frontend IP).
 */
export function guestAddressOf(rule: NatRule): number {
  return rule.floatingIp ? rule.endpoint.vip : rule.dip;
}

/** State of one inbound flow. */
export interface NatEntry {
  readonly rule: NatRule;
  /** The client's tuple as it arrived (client → VIP:frontendPort). */
  readonly inbound: FiveTuple;
  /** Destination address the VM sees: the DIP, or the VIP with floating IP. */
  readonly guestAddress: number;
  /** The simulation's connection id of the flow (for packets the Host Agent originates). */
  readonly connectionId: number;
  lastSeenNs: number;
  /** What the Host Agent has seen of the TCP exchange (for TCP resets at idle timeout). */
  readonly tcp: TcpProgress;
}

/** A flow that expired, remembered so its late packets are recognised. */
export interface NatTombstone {
  readonly rule: NatRule;
  readonly expiredAtNs: number;
}

/** Most tombstones kept; the oldest are forgotten first. */
export const maxNatTombstones = 100_000;

/** NAT entries indexed both ways. */
export class ReferenceNatTable {
  private readonly byInbound = new FlowMap<NatEntry>();
  private readonly byReply = new FlowMap<NatEntry>();
  private readonly tombstones = new FlowMap<NatTombstone>();

  /** Number of live flows (idle ones not yet found expired may be counted). */
  get size(): number {
    return this.byInbound.size;
  }

  /**
   * The entry for an arriving client packet's tuple, refreshed; `undefined` if none or idle.
   * By the tuple's fields, so that a packet's lookup builds no tuple record (issue 20).
   */
  findInbound(
    protocol: number,
    srcAddress: number,
    srcPort: number,
    dstAddress: number,
    dstPort: number,
    nowNs: number,
  ): NatEntry | undefined {
    return this.refresh(this.byInbound.get(protocol, srcAddress, srcPort, dstAddress, dstPort), nowNs);
  }

  /** The live entry for a client tuple without refreshing it (ICMP errors are not activity). */
  peekInbound(tuple: FiveTuple, nowNs: number): NatEntry | undefined {
    const entry = this.byInbound.getTuple(tuple);
    return entry === undefined || this.isIdle(entry, nowNs) ? undefined : entry;
  }

  /**
   * The entry a VM's reply belongs to (its tuple: guest address:backendPort → client),
   * refreshed; by the tuple's fields, as {@link findInbound}.
   */
  findReply(
    protocol: number,
    srcAddress: number,
    srcPort: number,
    dstAddress: number,
    dstPort: number,
    nowNs: number,
  ): NatEntry | undefined {
    return this.refresh(this.byReply.get(protocol, srcAddress, srcPort, dstAddress, dstPort), nowNs);
  }

  /** The tombstone of an expired flow with this inbound or reply tuple (by its fields), if any. */
  findTombstone(
    protocol: number,
    srcAddress: number,
    srcPort: number,
    dstAddress: number,
    dstPort: number,
  ): NatTombstone | undefined {
    // Nothing ever expired (the common case): no lookup.
    if (this.tombstones.size === 0) return undefined;
    return this.tombstones.get(protocol, srcAddress, srcPort, dstAddress, dstPort);
  }

  /** Creates state for a new inbound flow (replacing any tombstone of the same tuple). */
  create(inbound: FiveTuple, rule: NatRule, connectionId: number, nowNs: number): NatEntry {
    const guestAddress = guestAddressOf(rule);
    const entry: NatEntry = {
      rule,
      inbound,
      guestAddress,
      connectionId,
      lastSeenNs: nowNs,
      tcp: { clientNextSeq: undefined, serverNextSeq: undefined, established: false, closing: false },
    };
    const reply = replyTupleOf(entry);
    this.tombstones.deleteTuple(inbound);
    this.tombstones.deleteTuple(reply);
    this.byInbound.setTuple(inbound, entry);
    this.byReply.setTuple(reply, entry);
    return entry;
  }

  /** Records a TCP segment of the flow: `fromClient` tells the direction. */
  track(entry: NatEntry, segment: Parameters<typeof trackTcpSegment>[1], fromClient: boolean): void {
    trackTcpSegment(entry.tcp, segment, fromClient);
  }

  /** Whether `entry` has been idle longer than its rule allows at `nowNs`. */
  isIdle(entry: NatEntry, nowNs: number): boolean {
    return nowNs - entry.lastSeenNs > entry.rule.idleTimeoutNs;
  }

  /** Removes a flow, leaving a tombstone under both of its tuples. */
  expire(entry: NatEntry, nowNs: number): void {
    const inbound = entry.inbound;
    const reply = replyTupleOf(entry);
    if (this.byInbound.getTuple(inbound) !== entry) return;
    this.byInbound.deleteTuple(inbound);
    this.byReply.deleteTuple(reply);
    const tombstone = { rule: entry.rule, expiredAtNs: nowNs };
    this.tombstones.setTuple(inbound, tombstone);
    this.tombstones.setTuple(reply, tombstone);
    while (this.tombstones.size > maxNatTombstones) this.tombstones.deleteOldest();
  }

  private refresh(entry: NatEntry | undefined, nowNs: number): NatEntry | undefined {
    if (entry === undefined) return undefined;
    if (this.isIdle(entry, nowNs)) {
      // It expired when its idle timeout ran out, not when we noticed.
      this.expire(entry, entry.lastSeenNs + entry.rule.idleTimeoutNs);
      return undefined;
    }
    entry.lastSeenNs = nowNs;
    return entry;
  }
}

/** The tuple of a VM's reply in a flow: guest address:backend port → the client. */
function replyTupleOf(entry: NatEntry): FiveTuple {
  const { inbound, rule, guestAddress } = entry;
  const backendPort = rule.backendPort === 0 ? inbound.dstPort : rule.backendPort;
  return {
    protocol: inbound.protocol,
    srcAddress: guestAddress,
    srcPort: backendPort,
    dstAddress: inbound.srcAddress,
    dstPort: inbound.srcPort,
  };
}
