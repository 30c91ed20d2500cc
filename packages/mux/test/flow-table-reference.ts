/**
 * The Mux flow table as it was before issue 20 interleaved its records: a core FlowIndex, one
 * typed array per field and IndexLinks queues. Kept as the reference the interleaved table
 * must equal in every answer, counter and iteration order.
 */
import { FlowIndex, flowKeyOf, growColumn, IndexLinks, type IndexQueue } from '@lbsim/core';
import {
  defaultFlowTableLimits,
  type FlowEntry,
  type FlowInsert,
  type FlowLookup,
  type FlowTableCounters,
  type FlowTableLimits,
  tupleOfFlowKey,
} from '../src/index.ts';

/** A queue of entries sharing one idle timeout, least recently seen first. */
interface TimeoutQueue extends IndexQueue {
  readonly timeoutNs: number;
  readonly trusted: boolean;
  /**
   * A lower bound of the last-seen time of every entry in the queue: the front entry's when
   * the queue was last swept (+∞ when it was empty then); entries only join at the back.
   */
  frontSeenNs: number;
}

function timeoutQueue(timeoutNs: number, trusted: boolean): TimeoutQueue {
  return { head: -1, tail: -1, length: 0, timeoutNs, trusted, frontSeenNs: Number.POSITIVE_INFINITY };
}

/** The untrusted queue's number; trusted queues are 1, 2, … in order of creation. */
const untrustedQueueId = 0;

/** One Mux's flow table. */
export class ReferenceFlowTable {
  readonly counters: FlowTableCounters = { inserted: 0, quotaFallbacks: 0, expiredUntrusted: 0, expiredTrusted: 0 };
  private readonly index = new FlowIndex();
  private readonly links = new IndexLinks(this.index.capacity);
  /** Columns by entry number. */
  private dips = new Uint32Array(this.index.capacity);
  private rules = new Uint32Array(this.index.capacity);
  private lastSeen = new Float64Array(this.index.capacity);
  private packetCounts = new Uint32Array(this.index.capacity);
  /** The queue an entry is in now. */
  private queueIds = new Uint16Array(this.index.capacity);
  /** The trusted queue an entry joins (or is in): its rule's idle timeout's. */
  private trustedQueueIds = new Uint16Array(this.index.capacity);
  /** Queue 0 is the untrusted queue; the others are trusted, one per idle timeout. */
  private readonly queues: TimeoutQueue[];
  private readonly trustedQueueIdByTimeout = new Map<number, number>();
  private trustedCount = 0;
  /**
   * The earliest time any queue may hold an expired entry (its front bound plus its timeout,
   * the least over the queues): before it, {@link expire} is one comparison.
   */
  private nextSweepNs = Number.POSITIVE_INFINITY;
  /** Rule names by number, and numbers by name: entries hold the number. */
  private readonly ruleNames: string[] = [];
  private readonly ruleNumbers = new Map<string, number>();

  constructor(private readonly limits: FlowTableLimits = defaultFlowTableLimits) {
    this.queues = [timeoutQueue(limits.untrustedIdleTimeoutNs, false)];
  }

  /** Number of live entries (expired ones not yet swept may be counted). */
  get size(): number {
    return this.index.size;
  }

  /** Number of untrusted and trusted entries (expired ones not yet swept may be counted). */
  get sizes(): { readonly untrusted: number; readonly trusted: number } {
    return { untrusted: (this.queues[untrustedQueueId] as TimeoutQueue).length, trusted: this.trustedCount };
  }

  /**
   * The live entry of a flow, refreshed as seen at `nowNs` and counted; a flow seeing its
   * second packet becomes trusted if the trusted quota allows.
   * @returns the entry number (read it with {@link dipOf} or {@link entryAt}), or -1
   */
  lookupFlow(
    protocol: number,
    srcAddress: number,
    srcPort: number,
    dstAddress: number,
    dstPort: number,
    nowNs: number,
  ): number {
    this.expire(nowNs);
    const entry = this.index.find(srcAddress, dstAddress, (srcPort << 16) | dstPort, protocol);
    if (entry < 0) return -1;
    const queue = this.queues[this.queueIds[entry] as number] as TimeoutQueue;
    this.lastSeen[entry] = nowNs;
    this.packetCounts[entry] = (this.packetCounts[entry] as number) + 1;
    if (queue.trusted) {
      this.links.moveToBack(queue, entry);
      this.noteSeen(queue, nowNs);
      return entry;
    }
    this.links.unlink(queue, entry);
    if (this.trustedCount < this.limits.trustedQuota) {
      const trustedId = this.trustedQueueIds[entry] as number;
      const trusted = this.queues[trustedId] as TimeoutQueue;
      this.queueIds[entry] = trustedId;
      this.trustedCount++;
      this.links.append(trusted, entry);
      this.noteSeen(trusted, nowNs);
    } else {
      this.links.append(queue, entry);
      this.noteSeen(queue, nowNs);
    }
    return entry;
  }

  /** The live entry of a flow without counting it as a packet of the flow (for ICMP errors), or -1. */
  peekFlow(
    protocol: number,
    srcAddress: number,
    srcPort: number,
    dstAddress: number,
    dstPort: number,
    nowNs: number,
  ): number {
    const entry = this.index.find(srcAddress, dstAddress, (srcPort << 16) | dstPort, protocol);
    if (entry < 0) return -1;
    // An entry left untrusted by a full trusted quota keeps the untrusted timeout, whatever
    // its packet count: the queue an entry is in decides its timeout.
    const queue = this.queues[this.queueIds[entry] as number] as TimeoutQueue;
    return nowNs - (this.lastSeen[entry] as number) > queue.timeoutNs ? -1 : entry;
  }

  /**
   * Records a new flow's DIP as an untrusted entry, replacing any entry of the flow, unless
   * the untrusted quota is full.
   * @returns the entry number, or -1 when the quota was full (the flow gets no state)
   */
  insertFlow(
    protocol: number,
    srcAddress: number,
    srcPort: number,
    dstAddress: number,
    dstPort: number,
    dip: number,
    ruleName: string,
    trustedIdleTimeoutNs: number,
    nowNs: number,
  ): number {
    this.expire(nowNs);
    const ports = (srcPort << 16) | dstPort;
    const existing = this.index.find(srcAddress, dstAddress, ports, protocol);
    if (existing >= 0) this.removeEntry(existing);
    const untrusted = this.queues[untrustedQueueId] as TimeoutQueue;
    if (untrusted.length >= this.limits.untrustedQuota) {
      this.counters.quotaFallbacks++;
      return -1;
    }
    const entry = this.index.add(srcAddress >>> 0, dstAddress >>> 0, ports >>> 0, protocol >>> 0);
    if (entry >= this.dips.length) this.growColumns();
    this.dips[entry] = dip;
    this.rules[entry] = this.ruleNumberOf(ruleName);
    this.lastSeen[entry] = nowNs;
    this.packetCounts[entry] = 1;
    this.queueIds[entry] = untrustedQueueId;
    this.trustedQueueIds[entry] = this.trustedQueueIdOf(trustedIdleTimeoutNs);
    this.links.append(untrusted, entry);
    this.noteSeen(untrusted, nowNs);
    this.counters.inserted++;
    return entry;
  }

  /** The DIP of a live entry number. */
  dipOf(entry: number): number {
    return this.dips[entry] as number;
  }

  /** A copy of a live entry's fields. */
  entryAt(entry: number): FlowEntry {
    return {
      dip: this.dips[entry] as number,
      ruleName: this.ruleNames[this.rules[entry] as number] as string,
      lastSeenNs: this.lastSeen[entry] as number,
      packets: this.packetCounts[entry] as number,
      trustedIdleTimeoutNs: (this.queues[this.trustedQueueIds[entry] as number] as TimeoutQueue).timeoutNs,
    };
  }

  /** {@link lookupFlow} by a {@link flowKey} string. */
  lookup(key: string, nowNs: number): FlowLookup {
    const t = tupleOfFlowKey(key);
    const entry = this.lookupFlow(t.protocol, t.srcAddress, t.srcPort, t.dstAddress, t.dstPort, nowNs);
    return entry < 0 ? { kind: 'miss' } : { kind: 'hit', entry: this.entryAt(entry) };
  }

  /** {@link peekFlow} by a {@link flowKey} string. */
  peek(key: string, nowNs: number): FlowEntry | undefined {
    const t = tupleOfFlowKey(key);
    const entry = this.peekFlow(t.protocol, t.srcAddress, t.srcPort, t.dstAddress, t.dstPort, nowNs);
    return entry < 0 ? undefined : this.entryAt(entry);
  }

  /** {@link insertFlow} by a {@link flowKey} string. */
  insert(key: string, dip: number, ruleName: string, trustedIdleTimeoutNs: number, nowNs: number): FlowInsert {
    const t = tupleOfFlowKey(key);
    const entry = this.insertFlow(
      t.protocol,
      t.srcAddress,
      t.srcPort,
      t.dstAddress,
      t.dstPort,
      dip,
      ruleName,
      trustedIdleTimeoutNs,
      nowNs,
    );
    return entry < 0 ? { kind: 'quota-full' } : { kind: 'inserted', entry: this.entryAt(entry) };
  }

  /** Forgets everything (a Mux that restarts comes back with an empty table). */
  clear(): void {
    this.index.clear();
    for (const queue of this.queues) {
      queue.head = -1;
      queue.tail = -1;
      queue.length = 0;
      queue.frontSeenNs = Number.POSITIVE_INFINITY;
    }
    this.trustedCount = 0;
    this.nextSweepNs = Number.POSITIVE_INFINITY;
  }

  /**
   * Every live entry with its {@link flowKey}: trusted first (by idle timeout, shortest
   * first), then untrusted; each queue least recently seen first.
   */
  *entries(nowNs: number): IterableIterator<readonly [string, FlowEntry]> {
    this.expire(nowNs);
    const trusted = this.queues.filter((queue) => queue.trusted).sort((a, b) => a.timeoutNs - b.timeoutNs);
    for (const queue of [...trusted, this.queues[untrustedQueueId] as TimeoutQueue]) {
      for (let entry = queue.head; entry >= 0; entry = this.links.next(entry)) {
        yield [this.keyOf(entry), this.entryAt(entry)];
      }
    }
  }

  /** The {@link flowKey} of a live entry. */
  private keyOf(entry: number): string {
    const index = this.index;
    const ports = index.keyWord(entry, 2);
    return flowKeyOf(
      index.keyWord(entry, 3),
      index.keyWord(entry, 0),
      ports >>> 16,
      index.keyWord(entry, 1),
      ports & 0xffff,
    );
  }

  private removeEntry(entry: number): void {
    const queue = this.queues[this.queueIds[entry] as number] as TimeoutQueue;
    this.links.unlink(queue, entry);
    if (queue.trusted) this.trustedCount--;
    this.index.remove(entry);
  }

  private growColumns(): void {
    const capacity = this.index.capacity;
    this.links.grow(capacity);
    this.dips = growColumn(this.dips, capacity);
    this.rules = growColumn(this.rules, capacity);
    this.lastSeen = growColumn(this.lastSeen, capacity);
    this.packetCounts = growColumn(this.packetCounts, capacity);
    this.queueIds = growColumn(this.queueIds, capacity);
    this.trustedQueueIds = growColumn(this.trustedQueueIds, capacity);
  }

  private ruleNumberOf(ruleName: string): number {
    let number = this.ruleNumbers.get(ruleName);
    if (number === undefined) {
      number = this.ruleNames.length;
      this.ruleNames.push(ruleName);
      this.ruleNumbers.set(ruleName, number);
    }
    return number;
  }

  /** The trusted queue of an idle timeout, created on first use. */
  private trustedQueueIdOf(timeoutNs: number): number {
    let id = this.trustedQueueIdByTimeout.get(timeoutNs);
    if (id === undefined) {
      id = this.queues.length;
      if (id > 0xffff) throw new RangeError('a flow table holds at most 65,535 distinct idle timeouts');
      this.queues.push(timeoutQueue(timeoutNs, true));
      this.trustedQueueIdByTimeout.set(timeoutNs, id);
    }
    return id;
  }

  /** Keeps a queue's front bound, and the table's next sweep time, bounds when an entry joins at `nowNs`. */
  private noteSeen(queue: TimeoutQueue, nowNs: number): void {
    if (nowNs < queue.frontSeenNs) queue.frontSeenNs = nowNs;
    const sweepNs = nowNs + queue.timeoutNs;
    if (sweepNs < this.nextSweepNs) this.nextSweepNs = sweepNs;
  }

  /** Removes expired entries from the front of every queue: the untrusted one, then each trusted one. */
  private expire(nowNs: number): void {
    if (nowNs <= this.nextSweepNs) return;
    let next = Number.POSITIVE_INFINITY;
    for (const queue of this.queues) {
      this.sweep(queue, nowNs);
      next = Math.min(next, queue.frontSeenNs + queue.timeoutNs);
    }
    this.nextSweepNs = next;
  }

  /**
   * Removes expired entries from the front of `queue`. The queue is ordered by last seen, so
   * its front's last-seen time bounds every entry's; while that bound is younger than the
   * timeout nothing can have expired and the queue is not touched.
   */
  private sweep(queue: TimeoutQueue, nowNs: number): void {
    if (nowNs - queue.frontSeenNs <= queue.timeoutNs) return;
    queue.frontSeenNs = Number.POSITIVE_INFINITY;
    for (let entry = queue.head; entry >= 0; entry = queue.head) {
      const seenNs = this.lastSeen[entry] as number;
      if (nowNs - seenNs <= queue.timeoutNs) {
        queue.frontSeenNs = seenNs;
        return;
      }
      this.removeEntry(entry);
      if (queue.trusted) this.counters.expiredTrusted++;
      else this.counters.expiredUntrusted++;
    }
  }
}
