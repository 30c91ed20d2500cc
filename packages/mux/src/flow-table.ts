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
 * The table is flat (issue 20): flows are keyed by their 5-tuple packed in four 32-bit words,
 * each entry is one 48-byte record in a typed array, and the queues are links through entry
 * numbers (see {@link FlowTable}). An entry costs about 59 bytes at a million flows, where a
 * `Map` keyed by the 5-tuple's string cost 355.
 * The `*Flow` methods take the 5-tuple's numbers; the methods taking a {@link flowKey}
 * string remain for callers that build one.
 */
import { type FiveTuple, flowKeyOf } from '@lbsim/core';

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

/**
 * A queue of entries sharing one idle timeout, least recently seen first, linked through the
 * entries' records (-1: none).
 */
interface TimeoutQueue {
  head: number;
  tail: number;
  length: number;
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

/**
 * An entry's record: 12 32-bit words (48 bytes), everything a lookup reads or writes side by
 * side, so that a hit touches the record's one or two cache lines rather than one line in
 * each of nine columns.
 */
const recordWords = 12;
/** Key words: source address, destination address, ports (source in the high half), protocol. */
const srcWord = 0;
const dstWord = 1;
const portsWord = 2;
const protocolWord = 3;
/** Words 4..5: the last-seen time, a float64 (read through the Float64Array view at entry · 6 + 2). */
const lastSeenFloat = 2;
const floatsPerRecord = recordWords / 2;
const dipWord = 6;
const packetsWord = 7;
/** Queue links: the previous and next entry in the entry's queue (as Int32, -1: none). */
const previousWord = 8;
const nextWord = 9;
const ruleWord = 10;
/** The queue the entry is in (low 16 bits) and the trusted queue it joins (high 16 bits). */
const queuesWord = 11;

/** MurmurHash3_x86_32's body and finaliser over the four key words (unseeded by the run). */
function hashKey(src: number, dst: number, ports: number, protocol: number): number {
  let h = mixWord(mixWord(mixWord(mixWord(0x9747b28c, src), dst), ports), protocol);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function mixWord(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  let mixed = h ^ Math.imul(k, 0x1b873593);
  mixed = (mixed << 13) | (mixed >>> 19);
  return (Math.imul(mixed, 5) + 0xe6546b64) | 0;
}

/**
 * One Mux's flow table.
 *
 * Layout (issue 20): entries are 48-byte records in one typed array (key, last seen, DIP,
 * packets, queue links, rule, queues), numbered 0..capacity-1 and reused when freed. An
 * open-addressing index (linear probing, at most half full, backward-shift deletion so there
 * are no tombstones) maps the key's hash to the entry: each index slot holds the entry number
 * + 1 in its low bits and the hash's high bits above them, a fingerprint, so a probe rarely
 * reads a record that is not the one looked for. About 59 bytes per entry at a million flows.
 */
export class FlowTable {
  readonly counters: FlowTableCounters = { inserted: 0, quotaFallbacks: 0, expiredUntrusted: 0, expiredTrusted: 0 };
  /** Records by entry number; a free record's first word is the next free entry (-1 at the end). */
  private words: Uint32Array;
  /** The same buffer as float64s, for last-seen times. */
  private floats: Float64Array;
  /** Index slots: 0 empty, else (hash & ~lowMask) | (entry + 1); twice the entry capacity. */
  private slots: Int32Array;
  /** Slot count − 1: the low bits of a hash that pick the home slot, and that hold entry + 1. */
  private lowMask: number;
  private entryCapacity: number;
  /** The most recently freed entry (reused first), or -1. */
  private freeHead = -1;
  /** Entry numbers handed out so far (live or free). */
  private highWater = 0;
  private count = 0;
  /** Queue 0 is the untrusted queue; the others are trusted, one per idle timeout. */
  private readonly queues: TimeoutQueue[];
  private readonly trustedQueueIdByTimeout = new Map<number, number>();
  private trustedCount = 0;
  /**
   * The earliest time any queue may hold an expired entry (its front bound plus its timeout,
   * the least over the queues): before it, a lookup's expiry check is one comparison.
   */
  private nextSweepNs = Number.POSITIVE_INFINITY;
  /** Rule names by number, and numbers by name: entries hold the number. */
  private readonly ruleNames: string[] = [];
  private readonly ruleNumbers = new Map<string, number>();

  constructor(private readonly limits: FlowTableLimits = defaultFlowTableLimits) {
    this.queues = [timeoutQueue(limits.untrustedIdleTimeoutNs, false)];
    this.entryCapacity = 16;
    this.words = new Uint32Array(this.entryCapacity * recordWords);
    this.floats = new Float64Array(this.words.buffer);
    this.slots = new Int32Array(this.entryCapacity * 2);
    this.lowMask = this.entryCapacity * 2 - 1;
  }

  /** Number of live entries (expired ones not yet swept may be counted). */
  get size(): number {
    return this.count;
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
    if (nowNs > this.nextSweepNs) this.expire(nowNs);
    const entry = this.find(srcAddress >>> 0, dstAddress >>> 0, ((srcPort << 16) | dstPort) >>> 0, protocol >>> 0);
    if (entry < 0) return -1;
    const words = this.words;
    const at = entry * recordWords;
    this.floats[entry * floatsPerRecord + lastSeenFloat] = nowNs;
    words[at + packetsWord] = (words[at + packetsWord] as number) + 1;
    const queuesOf = words[at + queuesWord] as number;
    const queue = this.queues[queuesOf & 0xffff] as TimeoutQueue;
    if (queue.trusted) {
      if (queue.tail !== entry) {
        this.unlink(queue, entry);
        this.append(queue, entry);
      }
      this.noteSeen(queue, nowNs);
      return entry;
    }
    this.unlink(queue, entry);
    if (this.trustedCount < this.limits.trustedQuota) {
      const trustedId = queuesOf >>> 16;
      const trusted = this.queues[trustedId] as TimeoutQueue;
      words[at + queuesWord] = (queuesOf & 0xffff0000) | trustedId;
      this.trustedCount++;
      this.append(trusted, entry);
      this.noteSeen(trusted, nowNs);
    } else {
      this.append(queue, entry);
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
    const entry = this.find(srcAddress >>> 0, dstAddress >>> 0, ((srcPort << 16) | dstPort) >>> 0, protocol >>> 0);
    if (entry < 0) return -1;
    // An entry left untrusted by a full trusted quota keeps the untrusted timeout, whatever
    // its packet count: the queue an entry is in decides its timeout.
    const queue = this.queueOf(entry);
    return nowNs - this.lastSeenOf(entry) > queue.timeoutNs ? -1 : entry;
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
    if (nowNs > this.nextSweepNs) this.expire(nowNs);
    const src = srcAddress >>> 0;
    const dst = dstAddress >>> 0;
    const ports = ((srcPort << 16) | dstPort) >>> 0;
    const proto = protocol >>> 0;
    const existing = this.find(src, dst, ports, proto);
    if (existing >= 0) this.removeEntry(existing);
    const untrusted = this.queues[untrustedQueueId] as TimeoutQueue;
    if (untrusted.length >= this.limits.untrustedQuota) {
      this.counters.quotaFallbacks++;
      return -1;
    }
    const entry = this.add(src, dst, ports, proto);
    const words = this.words;
    const at = entry * recordWords;
    words[at + dipWord] = dip;
    words[at + ruleWord] = this.ruleNumberOf(ruleName);
    this.floats[entry * floatsPerRecord + lastSeenFloat] = nowNs;
    words[at + packetsWord] = 1;
    words[at + queuesWord] = (this.trustedQueueIdOf(trustedIdleTimeoutNs) << 16) | untrustedQueueId;
    this.append(untrusted, entry);
    this.noteSeen(untrusted, nowNs);
    this.counters.inserted++;
    return entry;
  }

  /** The DIP of a live entry number. */
  dipOf(entry: number): number {
    return this.words[entry * recordWords + dipWord] as number;
  }

  /** A copy of a live entry's fields. */
  entryAt(entry: number): FlowEntry {
    const at = entry * recordWords;
    return {
      dip: this.words[at + dipWord] as number,
      ruleName: this.ruleNames[this.words[at + ruleWord] as number] as string,
      lastSeenNs: this.lastSeenOf(entry),
      packets: this.words[at + packetsWord] as number,
      trustedIdleTimeoutNs: (this.queues[(this.words[at + queuesWord] as number) >>> 16] as TimeoutQueue).timeoutNs,
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
    this.slots.fill(0);
    this.freeHead = -1;
    this.highWater = 0;
    this.count = 0;
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
      for (let entry = queue.head; entry >= 0; entry = this.nextOf(entry)) {
        yield [this.keyOf(entry), this.entryAt(entry)];
      }
    }
  }

  /** The {@link flowKey} of a live entry. */
  private keyOf(entry: number): string {
    const words = this.words;
    const at = entry * recordWords;
    const ports = words[at + portsWord] as number;
    return flowKeyOf(
      words[at + protocolWord] as number,
      words[at + srcWord] as number,
      ports >>> 16,
      words[at + dstWord] as number,
      ports & 0xffff,
    );
  }

  private lastSeenOf(entry: number): number {
    return this.floats[entry * floatsPerRecord + lastSeenFloat] as number;
  }

  private queueOf(entry: number): TimeoutQueue {
    return this.queues[(this.words[entry * recordWords + queuesWord] as number) & 0xffff] as TimeoutQueue;
  }

  private nextOf(entry: number): number {
    return (this.words[entry * recordWords + nextWord] as number) | 0;
  }

  /** The entry of a key (words as unsigned 32-bit), or -1. */
  private find(src: number, dst: number, ports: number, protocol: number): number {
    const words = this.words;
    const slots = this.slots;
    const lowMask = this.lowMask;
    const hash = hashKey(src, dst, ports, protocol);
    const fingerprint = hash & ~lowMask;
    for (let slot = hash & lowMask; ; slot = (slot + 1) & lowMask) {
      const held = slots[slot] as number;
      if (held === 0) return -1;
      if ((held & ~lowMask) !== fingerprint) continue;
      const entry = (held & lowMask) - 1;
      const at = entry * recordWords;
      if (words[at] === src && words[at + 1] === dst && words[at + 2] === ports && words[at + 3] === protocol) {
        return entry;
      }
    }
  }

  /** Takes a free entry for a key that is not in the table, and indexes it. */
  private add(src: number, dst: number, ports: number, protocol: number): number {
    if (this.freeHead < 0 && this.highWater === this.entryCapacity) this.grow();
    let entry = this.freeHead;
    if (entry >= 0) this.freeHead = (this.words[entry * recordWords] as number) | 0;
    else entry = this.highWater++;
    const words = this.words;
    const at = entry * recordWords;
    words[at + srcWord] = src;
    words[at + dstWord] = dst;
    words[at + portsWord] = ports;
    words[at + protocolWord] = protocol;
    this.place(entry);
    this.count++;
    return entry;
  }

  /** The hash of a live entry's key. */
  private hashOf(entry: number): number {
    const words = this.words;
    const at = entry * recordWords;
    return hashKey(
      words[at + srcWord] as number,
      words[at + dstWord] as number,
      words[at + portsWord] as number,
      words[at + protocolWord] as number,
    );
  }

  /** Puts a live entry in the first empty slot from its home slot. */
  private place(entry: number): void {
    const slots = this.slots;
    const lowMask = this.lowMask;
    const hash = this.hashOf(entry);
    let slot = hash & lowMask;
    while (slots[slot] !== 0) slot = (slot + 1) & lowMask;
    slots[slot] = (hash & ~lowMask) | (entry + 1);
  }

  /** Takes a live entry out of its queue and the index, and frees it. */
  private removeEntry(entry: number): void {
    const queue = this.queueOf(entry);
    this.unlink(queue, entry);
    if (queue.trusted) this.trustedCount--;
    this.unindex(entry);
    this.words[entry * recordWords] = this.freeHead;
    this.freeHead = entry;
    this.count--;
  }

  /**
   * Empties a live entry's slot with backward-shift deletion: later keys of the probe run move
   * into the hole when their home slot is at or before it, so that no lookup ever has to step
   * over a deleted slot.
   */
  private unindex(entry: number): void {
    const slots = this.slots;
    const lowMask = this.lowMask;
    let slot = this.hashOf(entry) & lowMask;
    while (((slots[slot] as number) & lowMask) !== entry + 1) slot = (slot + 1) & lowMask;
    for (let next = (slot + 1) & lowMask; ; next = (next + 1) & lowMask) {
      const held = slots[next] as number;
      if (held === 0) break;
      const home = this.hashOf((held & lowMask) - 1) & lowMask;
      if (((next - home) & lowMask) >= ((next - slot) & lowMask)) {
        slots[slot] = held;
        slot = next;
      }
    }
    slots[slot] = 0;
  }

  /** Doubles the entry capacity and the slots, and re-places every live entry. */
  private grow(): void {
    const capacity = this.entryCapacity * 2;
    const words = new Uint32Array(capacity * recordWords);
    words.set(this.words);
    this.words = words;
    this.floats = new Float64Array(words.buffer);
    this.entryCapacity = capacity;
    const old = this.slots;
    const oldLowMask = this.lowMask;
    this.slots = new Int32Array(capacity * 2);
    this.lowMask = capacity * 2 - 1;
    for (const held of old) if (held !== 0) this.place((held & oldLowMask) - 1);
  }

  /** Appends `entry` (in no queue) at the back of `queue`. */
  private append(queue: TimeoutQueue, entry: number): void {
    const words = this.words;
    const at = entry * recordWords;
    const tail = queue.tail;
    words[at + previousWord] = tail;
    words[at + nextWord] = -1;
    if (tail >= 0) words[tail * recordWords + nextWord] = entry;
    else queue.head = entry;
    queue.tail = entry;
    queue.length++;
  }

  /** Takes `entry` out of `queue`, which it must be in. */
  private unlink(queue: TimeoutQueue, entry: number): void {
    const words = this.words;
    const at = entry * recordWords;
    const before = (words[at + previousWord] as number) | 0;
    const after = (words[at + nextWord] as number) | 0;
    if (before >= 0) words[before * recordWords + nextWord] = after;
    else queue.head = after;
    if (after >= 0) words[after * recordWords + previousWord] = before;
    else queue.tail = before;
    queue.length--;
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
      const seenNs = this.lastSeenOf(entry);
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
