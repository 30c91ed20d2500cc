/**
 * The Mux flow table (docs/mechanics.md §1.3, [ANANTA §3.3.3]).
 *
 * Once a DIP is chosen for a flow the choice is remembered, and "every non-SYN TCP packet, and
 * every packet for connection-less protocols, is matched against this flow table first" — so a
 * flow keeps its DIP even when the DIP list changes.
 *
 * Against SYN floods Ananta keeps two kinds of entries: untrusted flows (only one packet seen)
 * with a short idle timeout, and trusted flows (more than one packet) with a longer one, in
 * separate queues with separate memory quotas. When a quota is full the Mux "stops creating
 * new flow states and falls back to lookup in the mapping entry": it hashes statelessly.
 *
 * Each queue is kept in least-recently-seen order (a hit moves the entry to the back), so
 * expiry only ever looks at the front: O(1) amortised per packet, no timers. Trusted flows
 * time out after their rule's idle timeout, so trusted entries are queued by timeout, one
 * queue per distinct timeout (a handful: Azure allows 4..100 minutes): every queue expires
 * from its front, so no expired entry lingers behind a live one and quotas count live flows.
 *
 * The table is flat (issue 20): flows are keyed by their 5-tuple packed in four 32-bit words
 * in a core {@link FlowIndex}, each entry's fields live in typed arrays indexed by its entry
 * number, and the queues are links through those numbers ({@link IndexLinks}). An entry costs
 * about 60 bytes at a million flows, where a `Map` keyed by the 5-tuple's string cost 355.
 * The `*Flow` methods take the 5-tuple's numbers; the methods taking a {@link flowKey}
 * string remain for callers that build one.
 */
import { type FiveTuple, FlowIndex, flowKeyOf, growColumn, IndexLinks, type IndexQueue } from '@lbsim/core';

/** What the Mux remembers about a flow (a copy: the table keeps it in typed arrays). */
export interface FlowEntry {
  readonly dip: number;
  /** The rule the flow matched (`loadBalancer/rule`). */
  readonly ruleName: string;
  readonly lastSeenNs: number;
  /** Packets seen; a flow with more than one is trusted. */
  readonly packets: number;
  /** Idle timeout once trusted: the rule's idle timeout, ns. */
  readonly trustedIdleTimeoutNs: number;
}

/** Limits of a flow table. Ananta does not publish its values; these are design choices. */
export interface FlowTableLimits {
  /** Most untrusted (one-packet) flows; when full, new flows get no state. */
  readonly untrustedQuota: number;
  /** Most trusted flows; when full, a flow stays untrusted until it expires. */
  readonly trustedQuota: number;
  /** Idle timeout of untrusted flows, ns (docs/mechanics.md §7.10 suggests 10 s). */
  readonly untrustedIdleTimeoutNs: number;
}

/** Defaults: generous quotas, a 10 s untrusted idle timeout (docs/mechanics.md §7.10). */
export const defaultFlowTableLimits: FlowTableLimits = {
  untrustedQuota: 1_000_000,
  trustedQuota: 4_000_000,
  untrustedIdleTimeoutNs: 10_000_000_000,
};

/** Result of {@link FlowTable.lookup}. */
export type FlowLookup =
  | { readonly kind: 'hit'; readonly entry: FlowEntry }
  /** No entry, or it had expired and was removed. */
  | { readonly kind: 'miss' };

/** Result of {@link FlowTable.insert}. */
export type FlowInsert = { readonly kind: 'inserted'; readonly entry: FlowEntry } | { readonly kind: 'quota-full' };

/** Counters of a flow table. */
export interface FlowTableCounters {
  inserted: number;
  /** New flows that got no state because the untrusted quota was full. */
  quotaFallbacks: number;
  expiredUntrusted: number;
  expiredTrusted: number;
}

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
export class FlowTable {
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

/**
 * The 5-tuple of a {@link flowKey} string (`protocol|src|srcPort|dst|dstPort`), read without
 * splitting it into strings.
 * @throws RangeError when `key` is not such a key: a programmer error
 */
export function tupleOfFlowKey(key: string): FiveTuple {
  const fields = [0, 0, 0, 0, 0];
  let field = 0;
  let digits = 0;
  let sign = 1;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code === 124 && digits > 0 && field < 4) {
      fields[field] = sign * (fields[field] as number);
      field++;
      digits = 0;
      sign = 1;
    } else if (code >= 48 && code <= 57) {
      fields[field] = (fields[field] as number) * 10 + (code - 48);
      digits++;
    } else if (code === 45 && digits === 0 && sign === 1) {
      // Addresses that came out of bitwise operators may be negative: the same address.
      sign = -1;
    } else {
      throw new RangeError(`not a flow key: ${key}`);
    }
  }
  if (field !== 4 || digits === 0) throw new RangeError(`not a flow key: ${key}`);
  fields[4] = sign * (fields[4] as number);
  const [protocol, srcAddress, srcPort, dstAddress, dstPort] = fields as [number, number, number, number, number];
  return { protocol, srcAddress: srcAddress >>> 0, srcPort, dstAddress: dstAddress >>> 0, dstPort };
}
