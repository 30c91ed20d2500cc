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
 * The table is flat (issue 20): a flow is an entry number of a {@link FlowIndex} keyed by its
 * inbound tuple, a second index finds it by its reply tuple, and its rule (a number into the
 * table's list of rules), connection id, last-seen time and TCP progress (bit flags and two
 * sequence-number columns) are typed-array columns: no object per flow. Callers hold flow
 * numbers and read the fields through the table; a number is reused once its flow expired, so
 * a holder across time keeps the flow's {@link NatTable.generationOf} to tell.
 *
 * The table removes idle entries itself, so it holds the flows within their idle timeout
 * rather than every flow ever made: entries are queued by idle timeout, one queue per
 * distinct timeout, each in least-recently-seen order (a packet moves its entry to the back);
 * every use of the table with the current time sweeps the fronts, turning each entry idle
 * longer than its timeout into a tombstone. The sweep takes the expired fronts in order of
 * expiry time (last seen + idle timeout; equal times: the queue of the timeout first seen
 * first), so tombstones enter the tombstone map in the order their flows expired. An entry
 * whose expiry a caller has claimed ({@link NatTable.claimExpiry}: the Host Agent's TCP-reset
 * timer) is left out of the queues: the caller expires it, at the moment it sends the resets
 * (should a lookup find it idle first, the table keeps its last state for the caller:
 * {@link NatTable.takeLateExpiry}).
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
import {
  emptyIndexQueue,
  type FiveTuple,
  FlowIndex,
  FlowMap,
  growColumn,
  IndexLinks,
  type IndexQueue,
  type NatRule,
  seqAdd,
  seqLt,
  TcpFlags,
  type TcpSegment,
} from '@lbsim/core';
import type { TcpProgress } from './tcp-progress.ts';

/**
 * The destination address the VM sees for a rule: the DIP, or with floating IP the frontend IP
 * (docs/mechanics.md §2.4: with floating IP the VM receives the packet still addressed to the frontend IP).
 */
export function guestAddressOf(rule: NatRule): number {
  return rule.floatingIp ? rule.endpoint.vip : rule.dip;
}

/** A live flow's entry number in its {@link NatTable}; -1 for none. */
export type NatFlow = number;

/** A flow's state as one record: a copy, made for the rare reader that wants it whole. */
export interface NatEntry {
  readonly rule: NatRule;
  /** The client's tuple as it arrived (client → VIP:frontendPort). */
  readonly inbound: FiveTuple;
  /** Destination address the VM sees: the DIP, or the VIP with floating IP. */
  readonly guestAddress: number;
  /** The simulation's connection id of the flow (for packets the Host Agent originates). */
  readonly connectionId: number;
  readonly lastSeenNs: number;
  /** What the Host Agent has seen of the TCP exchange (for TCP resets at idle timeout). */
  readonly tcp: TcpProgress;
}

/** What a datagram's later fragments need of its flow, kept by value (the flow may expire first). */
export interface NatFlowSummary {
  readonly rule: NatRule;
  /** Destination address the VM sees. */
  readonly guestAddress: number;
  /** The VIP port the client sent to. */
  readonly frontendPort: number;
}

/** A flow that expired, remembered so its late packets are recognised. */
export interface NatTombstone {
  readonly rule: NatRule;
  readonly expiredAtNs: number;
}

/** Most tombstones kept; the oldest are forgotten first. */
export const maxNatTombstones = 100_000;

// TCP progress bits of a flow.
const clientSeqSeen = 1;
const serverSeqSeen = 2;
const establishedBit = 4;
const closingBit = 8;

/** A flow's queue column value when it is in no queue (its expiry claimed). */
const noQueue = 0xffff;

/** Entries sharing one idle timeout, least recently seen first. */
interface ExpiryQueue extends IndexQueue {
  readonly idleTimeoutNs: number;
}

/** NAT flows indexed both ways. */
export class NatTable {
  /** By inbound tuple; its entry numbers are the flow numbers. */
  private readonly byInbound = new FlowIndex();
  /** By reply tuple, to {@link replyOwners}. */
  private readonly byReply = new FlowIndex();
  private readonly tombstones = new FlowMap<NatTombstone>();
  private readonly links = new IndexLinks(this.byInbound.capacity);
  /** One queue per idle timeout, in the order the timeouts were first seen. */
  private readonly queues: ExpiryQueue[] = [];
  private readonly queueByTimeout = new Map<number, number>();
  /** No queued flow expires before this time, ns: until then a sweep is one comparison. */
  private nextExpiryNs = Number.POSITIVE_INFINITY;
  /** Every rule a flow was made under, numbered in order of first use. */
  private readonly rules: NatRule[] = [];
  private readonly ruleNumbers = new Map<NatRule, number>();
  // Columns by flow number.
  private ruleOfFlow = new Uint32Array(this.byInbound.capacity);
  private queueOfFlow = new Uint16Array(this.byInbound.capacity);
  /** The flow's entry in {@link byReply}, or -1 when another flow took its reply tuple over. */
  private replyOfFlow = new Int32Array(this.byInbound.capacity);
  private connectionIds = new Float64Array(this.byInbound.capacity);
  private lastSeenNs = new Float64Array(this.byInbound.capacity);
  private clientNextSeqs = new Uint32Array(this.byInbound.capacity);
  private serverNextSeqs = new Uint32Array(this.byInbound.capacity);
  private tcpBits = new Uint8Array(this.byInbound.capacity);
  /** Bumped when a flow number's flow leaves: a holder of a number tells a reuse by it. */
  private generations = new Uint32Array(this.byInbound.capacity);
  /** By {@link byReply} entry: the flow of a reply tuple. */
  private replyOwners = new Int32Array(this.byReply.capacity);
  /**
   * Claimed flows a lookup found idle and expired before their claimer ran, by
   * `flow/generation`: their last state, for {@link takeLateExpiry} (rare: a coincidence to the ns).
   */
  private readonly lateExpiries = new Map<string, NatEntry>();

  /** Number of live flows (those within their idle timeout as of the table's last use, and claimed ones). */
  get size(): number {
    return this.byInbound.size;
  }

  /**
   * The flow of an arriving client packet's tuple, refreshed; -1 if none or idle. By the
   * tuple's fields, so that a packet's lookup builds no tuple record (issue 20).
   */
  findInbound(
    protocol: number,
    srcAddress: number,
    srcPort: number,
    dstAddress: number,
    dstPort: number,
    nowNs: number,
  ): NatFlow {
    this.sweep(nowNs);
    return this.refresh(this.byInbound.find(srcAddress, dstAddress, (srcPort << 16) | dstPort, protocol), nowNs);
  }

  /** The live flow of a client tuple without refreshing it (ICMP errors are not activity); -1 if none. */
  peekInbound(tuple: FiveTuple, nowNs: number): NatFlow {
    this.sweep(nowNs);
    const flow = this.byInbound.find(
      tuple.srcAddress,
      tuple.dstAddress,
      (tuple.srcPort << 16) | tuple.dstPort,
      tuple.protocol,
    );
    return flow < 0 || this.isIdle(flow, nowNs) ? -1 : flow;
  }

  /**
   * The flow a VM's reply belongs to (its tuple: guest address:backendPort → client),
   * refreshed; -1 if none or idle. By the tuple's fields, as {@link findInbound}.
   */
  findReply(
    protocol: number,
    srcAddress: number,
    srcPort: number,
    dstAddress: number,
    dstPort: number,
    nowNs: number,
  ): NatFlow {
    this.sweep(nowNs);
    const reply = this.byReply.find(srcAddress, dstAddress, (srcPort << 16) | dstPort, protocol);
    return reply < 0 ? -1 : this.refresh(this.replyOwners[reply] as number, nowNs);
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
  create(inbound: FiveTuple, rule: NatRule, connectionId: number, nowNs: number): NatFlow {
    this.sweep(nowNs);
    const { protocol, srcAddress, srcPort, dstAddress, dstPort } = inbound;
    const backendPort = rule.backendPort === 0 ? dstPort : rule.backendPort;
    const guestAddress = guestAddressOf(rule);
    this.tombstones.delete(protocol, srcAddress, srcPort, dstAddress, dstPort);
    this.tombstones.delete(protocol, guestAddress, backendPort, srcAddress, srcPort);
    const ports = ((srcPort << 16) | dstPort) >>> 0;
    const present = this.byInbound.find(srcAddress, dstAddress, ports, protocol);
    // A caller creates only after a lookup found nothing; a live flow of the tuple is replaced.
    if (present >= 0) this.removeFlow(present);
    const flow = this.byInbound.add(srcAddress >>> 0, dstAddress >>> 0, ports, protocol >>> 0);
    this.growFlowColumns();
    this.ruleOfFlow[flow] = this.ruleNumberOf(rule);
    this.connectionIds[flow] = connectionId;
    this.lastSeenNs[flow] = nowNs;
    this.tcpBits[flow] = 0;
    this.replyOfFlow[flow] = this.takeReply(protocol, guestAddress, backendPort, srcAddress, srcPort, flow);
    const queue = this.queueNumberOf(rule.idleTimeoutNs);
    this.queueOfFlow[flow] = queue;
    this.enqueue(queue, flow, nowNs);
    return flow;
  }

  /** The rule a flow was made under. */
  ruleOf(flow: NatFlow): NatRule {
    return this.rules[this.ruleOfFlow[flow] as number] as NatRule;
  }

  /** The VIP port a flow's client sent to. */
  frontendPortOf(flow: NatFlow): number {
    return this.byInbound.keyWord(flow, 2) & 0xffff;
  }

  /** The simulation's connection id of a flow. */
  connectionIdOf(flow: NatFlow): number {
    return this.connectionIds[flow] as number;
  }

  /** When a flow last saw a packet, ns. */
  lastSeenOf(flow: NatFlow): number {
    return this.lastSeenNs[flow] as number;
  }

  /** Whether a flow's TCP handshake completed and no FIN or RST was seen (what is reset at idle timeout). */
  isOpenTcp(flow: NatFlow): boolean {
    return ((this.tcpBits[flow] as number) & (establishedBit | closingBit)) === establishedBit;
  }

  /**
   * The flow number's generation: it changes when the flow leaves the table, so that a holder
   * of a number (a timer) can tell its flow from a later one that reuses the number.
   */
  generationOf(flow: NatFlow): number {
    return this.generations[flow] as number;
  }

  /** A copy of a live flow's state as one record. */
  entryOf(flow: NatFlow): NatEntry {
    const rule = this.ruleOf(flow);
    const bits = this.tcpBits[flow] as number;
    return {
      rule,
      inbound: this.inboundOf(flow),
      guestAddress: guestAddressOf(rule),
      connectionId: this.connectionIdOf(flow),
      lastSeenNs: this.lastSeenOf(flow),
      tcp: {
        clientNextSeq: (bits & clientSeqSeen) === 0 ? undefined : this.clientNextSeqs[flow],
        serverNextSeq: (bits & serverSeqSeen) === 0 ? undefined : this.serverNextSeqs[flow],
        established: (bits & establishedBit) !== 0,
        closing: (bits & closingBit) !== 0,
      },
    };
  }

  /** What a datagram's later fragments need of a flow. */
  summaryOf(flow: NatFlow): NatFlowSummary {
    const rule = this.ruleOf(flow);
    return { rule, guestAddress: guestAddressOf(rule), frontendPort: this.frontendPortOf(flow) };
  }

  /**
   * Records a TCP segment of the flow: `fromClient` tells the direction. The next sequence
   * number each side will send, and whether the connection is established or closing
   * (`tcp-progress.ts`, RFC 5961 §3), as bits and two columns.
   */
  track(flow: NatFlow, segment: TcpSegment, fromClient: boolean): void {
    const flags = segment.flags;
    const consumed =
      segment.payloadLength + ((flags & TcpFlags.Syn) !== 0 ? 1 : 0) + ((flags & TcpFlags.Fin) !== 0 ? 1 : 0);
    const next = seqAdd(segment.seq, consumed);
    let bits = this.tcpBits[flow] as number;
    if (fromClient) {
      if ((bits & clientSeqSeen) === 0 || seqLt(this.clientNextSeqs[flow] as number, next)) {
        this.clientNextSeqs[flow] = next;
        bits |= clientSeqSeen;
      }
      if ((flags & (TcpFlags.Syn | TcpFlags.Ack)) === TcpFlags.Ack && (bits & serverSeqSeen) !== 0) {
        bits |= establishedBit;
      }
    } else if ((bits & serverSeqSeen) === 0 || seqLt(this.serverNextSeqs[flow] as number, next)) {
      this.serverNextSeqs[flow] = next;
      bits |= serverSeqSeen;
    }
    if ((flags & (TcpFlags.Fin | TcpFlags.Rst)) !== 0) bits |= closingBit;
    this.tcpBits[flow] = bits;
  }

  /** Whether `flow` has been idle longer than its rule allows at `nowNs`. */
  isIdle(flow: NatFlow, nowNs: number): boolean {
    return nowNs - (this.lastSeenNs[flow] as number) > this.ruleOf(flow).idleTimeoutNs;
  }

  /**
   * Takes a live flow out of the table's own expiry: its caller (a TCP-reset timer) will
   * {@link expire} it. A lookup that finds it idle first still expires it.
   * @returns `false` when its expiry was claimed before (the caller has a timer already)
   */
  claimExpiry(flow: NatFlow): boolean {
    const queue = this.queueOfFlow[flow] as number;
    if (queue === noQueue) return false;
    this.links.unlink(this.queues[queue] as ExpiryQueue, flow);
    this.queueOfFlow[flow] = noQueue;
    return true;
  }

  /**
   * The last state of a claimed flow (`flow` of `generation`, as its claimer holds it) that a
   * lookup found idle and expired before the claimer's timer ran, once; `undefined` when that
   * did not happen. The claimer's resets are due all the same.
   */
  takeLateExpiry(flow: NatFlow, generation: number): NatEntry | undefined {
    if (this.lateExpiries.size === 0) return undefined;
    const key = `${flow}/${generation}`;
    const entry = this.lateExpiries.get(key);
    this.lateExpiries.delete(key);
    return entry;
  }

  /** Removes a live flow, leaving a tombstone under both of its tuples that says it expired at `nowNs`. */
  expire(flow: NatFlow, nowNs: number): void {
    const rule = this.ruleOf(flow);
    const protocol = this.byInbound.keyWord(flow, 3);
    const client = this.byInbound.keyWord(flow, 0);
    const vip = this.byInbound.keyWord(flow, 1);
    const ports = this.byInbound.keyWord(flow, 2);
    const clientPort = ports >>> 16;
    const frontendPort = ports & 0xffff;
    const backendPort = rule.backendPort === 0 ? frontendPort : rule.backendPort;
    this.removeFlow(flow);
    const tombstone = { rule, expiredAtNs: nowNs };
    this.tombstones.set(protocol, client, clientPort, vip, frontendPort, tombstone);
    this.tombstones.set(protocol, guestAddressOf(rule), backendPort, client, clientPort, tombstone);
    while (this.tombstones.size > maxNatTombstones) this.tombstones.deleteOldest();
  }

  /** The client's tuple of a flow (client → VIP:frontendPort). */
  private inboundOf(flow: NatFlow): FiveTuple {
    const ports = this.byInbound.keyWord(flow, 2);
    return {
      protocol: this.byInbound.keyWord(flow, 3),
      srcAddress: this.byInbound.keyWord(flow, 0),
      srcPort: ports >>> 16,
      dstAddress: this.byInbound.keyWord(flow, 1),
      dstPort: ports & 0xffff,
    };
  }

  private refresh(flow: NatFlow, nowNs: number): NatFlow {
    if (flow < 0) return -1;
    const idleTimeoutNs = this.ruleOf(flow).idleTimeoutNs;
    const seenNs = this.lastSeenNs[flow] as number;
    if (nowNs - seenNs > idleTimeoutNs) {
      if (this.queueOfFlow[flow] === noQueue)
        this.lateExpiries.set(`${flow}/${this.generationOf(flow)}`, this.entryOf(flow));
      // It expired when its idle timeout ran out, not when we noticed.
      this.expire(flow, seenNs + idleTimeoutNs);
      return -1;
    }
    this.lastSeenNs[flow] = nowNs;
    const queue = this.queueOfFlow[flow] as number;
    if (queue !== noQueue) this.links.moveToBack(this.queues[queue] as ExpiryQueue, flow);
    return flow;
  }

  /** Takes a flow out of the indexes and its queue, without a tombstone. */
  private removeFlow(flow: NatFlow): void {
    const queue = this.queueOfFlow[flow] as number;
    if (queue !== noQueue) this.links.unlink(this.queues[queue] as ExpiryQueue, flow);
    const reply = this.replyOfFlow[flow] as number;
    if (reply >= 0) this.byReply.remove(reply);
    this.byInbound.remove(flow);
    this.generations[flow] = ((this.generations[flow] as number) + 1) >>> 0;
  }

  /** Points a reply tuple at `flow` (taking it from a live flow that has it) and returns its entry. */
  private takeReply(
    protocol: number,
    guest: number,
    backendPort: number,
    client: number,
    clientPort: number,
    flow: number,
  ): number {
    const ports = ((backendPort << 16) | clientPort) >>> 0;
    let reply = this.byReply.find(guest, client, ports, protocol);
    if (reply >= 0) {
      this.replyOfFlow[this.replyOwners[reply] as number] = -1;
    } else {
      reply = this.byReply.add(guest >>> 0, client >>> 0, ports, protocol >>> 0);
      this.replyOwners = growColumn(this.replyOwners, this.byReply.capacity);
    }
    this.replyOwners[reply] = flow;
    return reply;
  }

  /**
   * Expires every queued flow idle longer than its timeout at `nowNs`, the earliest expiry
   * first (equal expiry times: the earlier queue first), each at its expiry time.
   */
  private sweep(nowNs: number): void {
    if (nowNs <= this.nextExpiryNs) return;
    const queues = this.queues;
    for (;;) {
      let earliest = -1;
      let earliestNs = nowNs;
      for (let i = 0; i < queues.length; i++) {
        const queue = queues[i] as ExpiryQueue;
        if (queue.head < 0) continue;
        const expiryNs = (this.lastSeenNs[queue.head] as number) + queue.idleTimeoutNs;
        if (expiryNs < earliestNs) {
          earliest = queue.head;
          earliestNs = expiryNs;
        }
      }
      if (earliest < 0) break;
      this.expire(earliest, earliestNs);
    }
    let next = Number.POSITIVE_INFINITY;
    for (const queue of queues) {
      if (queue.head >= 0) next = Math.min(next, (this.lastSeenNs[queue.head] as number) + queue.idleTimeoutNs);
    }
    this.nextExpiryNs = next;
  }

  private ruleNumberOf(rule: NatRule): number {
    let number = this.ruleNumbers.get(rule);
    if (number === undefined) {
      number = this.rules.length;
      this.rules.push(rule);
      this.ruleNumbers.set(rule, number);
    }
    return number;
  }

  private queueNumberOf(idleTimeoutNs: number): number {
    let number = this.queueByTimeout.get(idleTimeoutNs);
    if (number === undefined) {
      number = this.queues.length;
      if (number >= noQueue) throw new RangeError('a NAT table holds at most 65,534 distinct idle timeouts');
      this.queues.push({ ...emptyIndexQueue(), idleTimeoutNs });
      this.queueByTimeout.set(idleTimeoutNs, number);
    }
    return number;
  }

  /** Appends `flow` (in no queue), seen at `nowNs`, to the back of queue number `queue`. */
  private enqueue(queue: number, flow: NatFlow, nowNs: number): void {
    const expiry = this.queues[queue] as ExpiryQueue;
    this.links.append(expiry, flow);
    // A lower bound is enough: the sweep recomputes it.
    const expiryNs = nowNs + expiry.idleTimeoutNs;
    if (expiryNs < this.nextExpiryNs) this.nextExpiryNs = expiryNs;
  }

  private growFlowColumns(): void {
    const capacity = this.byInbound.capacity;
    if (this.lastSeenNs.length >= capacity) return;
    this.links.grow(capacity);
    this.ruleOfFlow = growColumn(this.ruleOfFlow, capacity);
    this.queueOfFlow = growColumn(this.queueOfFlow, capacity);
    this.replyOfFlow = growColumn(this.replyOfFlow, capacity);
    this.connectionIds = growColumn(this.connectionIds, capacity);
    this.lastSeenNs = growColumn(this.lastSeenNs, capacity);
    this.clientNextSeqs = growColumn(this.clientNextSeqs, capacity);
    this.serverNextSeqs = growColumn(this.serverNextSeqs, capacity);
    this.tcpBits = growColumn(this.tcpBits, capacity);
    this.generations = growColumn(this.generations, capacity);
  }
}
