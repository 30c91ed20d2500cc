/**
 * The Host Agent's bidirectional NAT state (docs/mechanics.md §1.4, [ANANTA §3.4.1]): the first
 * packet of an inbound flow creates an entry; replies from the VM find it by their own tuple
 * and are translated back to the VIP.
 *
 * Entries expire after the rule's idle timeout without a packet in either direction
 * (docs/mechanics.md §2.6). An expired flow leaves a tombstone, so that its next packet is known to
 * belong to a flow the load balancer forgot — and is dropped (`idle-timeout`) — rather than
 * taken for a new flow. The tombstone says when the flow expired: when its idle timeout ran
 * out (last seen + idle timeout), however much later anyone noticed.
 *
 * The table removes idle entries itself (issue 20), so it holds the flows within their idle
 * timeout rather than every flow ever made: entries are queued by idle timeout, one queue per
 * distinct timeout, each in least-recently-seen order (a packet moves its entry to the back);
 * every use of the table with the current time sweeps the fronts, turning each entry idle
 * longer than its timeout into a tombstone. The sweep takes the expired fronts in order of
 * expiry time (last seen + idle timeout; equal times: the queue of the timeout first seen
 * first), so tombstones enter the tombstone map in the order their flows expired. An entry
 * whose expiry a caller has claimed ({@link NatTable.claimExpiry}: the Host Agent's TCP-reset
 * timer) is left out of the queues: the caller expires it, at the moment it sends the resets.
 *
 * The tombstone map keeps at most {@link maxNatTombstones} keys (two per flow), forgetting the
 * oldest entered first. Before issue 20 an idle entry stayed in the table until a lookup found
 * it, and became a tombstone only then; so a flow's late packet was recognised however many
 * flows had expired meanwhile. Now it is recognised while fewer than half the cap's flows have
 * expired after it (50,000 on one Host Agent); a later packet is taken for a new flow. Below
 * the cap every answer is the same as before.
 *
 * A flow's reply tuple is removed with it only if it still belongs to it (another flow of a
 * different VIP with the same backend and client endpoints may have taken it over); before
 * issue 20 an expiring flow removed it regardless.
 */
import { type FiveTuple, FlowMap, type NatRule } from '@lbsim/core';
import { type TcpProgress, trackTcpSegment } from './tcp-progress.ts';

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

/** Entries sharing one idle timeout, least recently seen first. */
interface ExpiryQueue {
  readonly idleTimeoutNs: number;
  head: QueuedNatEntry | undefined;
  tail: QueuedNatEntry | undefined;
}

/** An entry with its links in the queue of its idle timeout. */
interface QueuedNatEntry extends NatEntry {
  /** Its queue; `undefined` once out of the queues (expired, or its expiry claimed). */
  queue: ExpiryQueue | undefined;
  older: QueuedNatEntry | undefined;
  newer: QueuedNatEntry | undefined;
}

/** NAT entries indexed both ways. */
export class NatTable {
  private readonly byInbound = new FlowMap<QueuedNatEntry>();
  private readonly byReply = new FlowMap<QueuedNatEntry>();
  private readonly tombstones = new FlowMap<NatTombstone>();
  /** One queue per idle timeout, in the order the timeouts were first seen. */
  private readonly queues: ExpiryQueue[] = [];
  private readonly queueByTimeout = new Map<number, ExpiryQueue>();
  /** No queued entry expires before this time, ns: until then a sweep is one comparison. */
  private nextExpiryNs = Number.POSITIVE_INFINITY;

  /** Number of live flows (those within their idle timeout as of the table's last use, and claimed ones). */
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
    this.sweep(nowNs);
    return this.refresh(this.byInbound.get(protocol, srcAddress, srcPort, dstAddress, dstPort), nowNs);
  }

  /** The live entry for a client tuple without refreshing it (ICMP errors are not activity). */
  peekInbound(tuple: FiveTuple, nowNs: number): NatEntry | undefined {
    this.sweep(nowNs);
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
    this.sweep(nowNs);
    return this.refresh(this.byReply.get(protocol, srcAddress, srcPort, dstAddress, dstPort), nowNs);
  }

  /**
   * The tombstone of an expired flow with this inbound or reply tuple (by its fields), if any;
   * as of the table's last use with a time (a `find…` just before).
   */
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
    this.sweep(nowNs);
    const guestAddress = guestAddressOf(rule);
    const entry: QueuedNatEntry = {
      rule,
      inbound,
      guestAddress,
      connectionId,
      lastSeenNs: nowNs,
      tcp: { clientNextSeq: undefined, serverNextSeq: undefined, established: false, closing: false },
      queue: undefined,
      older: undefined,
      newer: undefined,
    };
    const reply = replyTupleOf(entry);
    this.tombstones.deleteTuple(inbound);
    this.tombstones.deleteTuple(reply);
    this.byInbound.setTuple(inbound, entry);
    this.byReply.setTuple(reply, entry);
    this.enqueue(this.queueOf(rule.idleTimeoutNs), entry, nowNs);
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

  /**
   * Takes a live entry out of the table's own expiry: its caller (a TCP-reset timer) will
   * {@link expire} it. A lookup that finds it idle first still expires it.
   * @returns `false` when its expiry was claimed before (the caller has a timer already)
   */
  claimExpiry(entry: NatEntry): boolean {
    const queued = entry as QueuedNatEntry;
    if (queued.queue === undefined) return false;
    this.unlink(queued);
    return true;
  }

  /** Removes a flow, leaving a tombstone under both of its tuples that says it expired at `nowNs`. */
  expire(entry: NatEntry, nowNs: number): void {
    const queued = entry as QueuedNatEntry;
    const inbound = entry.inbound;
    const reply = replyTupleOf(entry);
    if (queued.queue !== undefined) this.unlink(queued);
    if (this.byInbound.getTuple(inbound) !== entry) return;
    this.byInbound.deleteTuple(inbound);
    if (this.byReply.getTuple(reply) === entry) this.byReply.deleteTuple(reply);
    const tombstone = { rule: entry.rule, expiredAtNs: nowNs };
    this.tombstones.setTuple(inbound, tombstone);
    this.tombstones.setTuple(reply, tombstone);
    while (this.tombstones.size > maxNatTombstones) this.tombstones.deleteOldest();
  }

  private refresh(entry: QueuedNatEntry | undefined, nowNs: number): NatEntry | undefined {
    if (entry === undefined) return undefined;
    if (this.isIdle(entry, nowNs)) {
      // It expired when its idle timeout ran out, not when we noticed.
      this.expire(entry, entry.lastSeenNs + entry.rule.idleTimeoutNs);
      return undefined;
    }
    entry.lastSeenNs = nowNs;
    const queue = entry.queue;
    if (queue !== undefined && queue.tail !== entry) {
      this.unlink(entry);
      this.enqueue(queue, entry, nowNs);
    }
    return entry;
  }

  /**
   * Expires every queued entry idle longer than its timeout at `nowNs`, the earliest expiry
   * first (equal expiry times: the earlier queue first), each at its expiry time.
   */
  private sweep(nowNs: number): void {
    if (nowNs <= this.nextExpiryNs) return;
    const queues = this.queues;
    for (;;) {
      let earliest: QueuedNatEntry | undefined;
      let earliestNs = nowNs;
      for (let i = 0; i < queues.length; i++) {
        const queue = queues[i] as ExpiryQueue;
        const head = queue.head;
        if (head === undefined) continue;
        const expiryNs = head.lastSeenNs + queue.idleTimeoutNs;
        if (expiryNs < earliestNs) {
          earliest = head;
          earliestNs = expiryNs;
        }
      }
      if (earliest === undefined) break;
      this.expire(earliest, earliestNs);
    }
    let next = Number.POSITIVE_INFINITY;
    for (const queue of queues) {
      if (queue.head !== undefined) next = Math.min(next, queue.head.lastSeenNs + queue.idleTimeoutNs);
    }
    this.nextExpiryNs = next;
  }

  private queueOf(idleTimeoutNs: number): ExpiryQueue {
    let queue = this.queueByTimeout.get(idleTimeoutNs);
    if (queue === undefined) {
      queue = { idleTimeoutNs, head: undefined, tail: undefined };
      this.queues.push(queue);
      this.queueByTimeout.set(idleTimeoutNs, queue);
    }
    return queue;
  }

  /** Appends `entry` (in no queue), seen at `nowNs`, to the back of `queue`. */
  private enqueue(queue: ExpiryQueue, entry: QueuedNatEntry, nowNs: number): void {
    entry.queue = queue;
    entry.older = queue.tail;
    entry.newer = undefined;
    if (queue.tail === undefined) queue.head = entry;
    else queue.tail.newer = entry;
    queue.tail = entry;
    // A lower bound is enough: the sweep recomputes it.
    const expiryNs = nowNs + queue.idleTimeoutNs;
    if (expiryNs < this.nextExpiryNs) this.nextExpiryNs = expiryNs;
  }

  /** Takes a queued entry out of its queue. */
  private unlink(entry: QueuedNatEntry): void {
    const queue = entry.queue as ExpiryQueue;
    const { older, newer } = entry;
    if (older === undefined) queue.head = newer;
    else older.newer = newer;
    if (newer === undefined) queue.tail = older;
    else newer.older = older;
    entry.queue = undefined;
    entry.older = undefined;
    entry.newer = undefined;
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
