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
 * Each queue is a Map in least-recently-seen order (a hit moves the entry to the end), so
 * expiry only ever looks at the front: O(1) amortised per packet, no timers. Trusted flows
 * time out after their rule's idle timeout, so trusted entries are queued by timeout, one
 * queue per distinct timeout (a handful: Azure allows 4..100 minutes): every queue expires
 * from its front, so no expired entry lingers behind a live one and quotas count live flows.
 */

/** What the Mux remembers about a flow. */
export interface FlowEntry {
  readonly dip: number;
  /** The rule the flow matched (`loadBalancer/rule`). */
  readonly ruleName: string;
  readonly createdAtNs: number;
  lastSeenNs: number;
  /** Packets seen; a flow with more than one is trusted. */
  packets: number;
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

/** One Mux's flow table. */
export class FlowTable {
  readonly counters: FlowTableCounters = { inserted: 0, quotaFallbacks: 0, expiredUntrusted: 0, expiredTrusted: 0 };
  private readonly untrusted = new Map<string, FlowEntry>();
  /** Every trusted entry by key. */
  private readonly trusted = new Map<string, FlowEntry>();
  /** Trusted entries by idle timeout (ns), each queue least recently seen first. */
  private readonly trustedQueues = new Map<number, Map<string, FlowEntry>>();
  /**
   * A lower bound of the last-seen time of every untrusted entry: the front entry's when the
   * queue was last swept (+∞ when it was empty then); entries only join at the back.
   */
  private untrustedFrontSeenNs = Number.POSITIVE_INFINITY;
  /** The same bound for each trusted queue, by idle timeout. */
  private readonly trustedFrontSeenNs = new Map<number, number>();

  constructor(private readonly limits: FlowTableLimits = defaultFlowTableLimits) {}

  /** Number of live entries (expired ones not yet swept may be counted). */
  get size(): number {
    return this.untrusted.size + this.trusted.size;
  }

  /** Number of untrusted and trusted entries (expired ones not yet swept may be counted). */
  get sizes(): { readonly untrusted: number; readonly trusted: number } {
    return { untrusted: this.untrusted.size, trusted: this.trusted.size };
  }

  /**
   * The live entry for `key`, refreshed as seen at `nowNs` and counted; a flow seeing its
   * second packet becomes trusted if the trusted quota allows.
   */
  lookup(key: string, nowNs: number): FlowLookup {
    this.expire(nowNs);
    const trusted = this.trusted.get(key);
    if (trusted !== undefined) {
      const queue = this.queueOf(trusted);
      queue.delete(key);
      queue.set(key, trusted);
      this.noteTrustedSeen(trusted.trustedIdleTimeoutNs, nowNs);
      trusted.lastSeenNs = nowNs;
      trusted.packets++;
      return { kind: 'hit', entry: trusted };
    }
    const untrusted = this.untrusted.get(key);
    if (untrusted === undefined) return { kind: 'miss' };
    this.untrusted.delete(key);
    untrusted.lastSeenNs = nowNs;
    untrusted.packets++;
    if (this.trusted.size < this.limits.trustedQuota) {
      this.trusted.set(key, untrusted);
      this.queueOf(untrusted).set(key, untrusted);
      this.noteTrustedSeen(untrusted.trustedIdleTimeoutNs, nowNs);
    } else {
      this.untrusted.set(key, untrusted);
      this.untrustedFrontSeenNs = Math.min(this.untrustedFrontSeenNs, nowNs);
    }
    return { kind: 'hit', entry: untrusted };
  }

  /** The live entry for `key` without counting it as a packet of the flow (for ICMP errors). */
  peek(key: string, nowNs: number): FlowEntry | undefined {
    const trusted = this.trusted.get(key);
    // An entry left untrusted by a full trusted quota keeps the untrusted timeout, whatever
    // its packet count: the queue an entry is in decides its timeout.
    const entry = trusted ?? this.untrusted.get(key);
    if (entry === undefined) return undefined;
    const timeout = trusted !== undefined ? entry.trustedIdleTimeoutNs : this.limits.untrustedIdleTimeoutNs;
    return nowNs - entry.lastSeenNs > timeout ? undefined : entry;
  }

  /** Records a new flow's DIP as an untrusted entry, unless the untrusted quota is full. */
  insert(key: string, dip: number, ruleName: string, trustedIdleTimeoutNs: number, nowNs: number): FlowInsert {
    this.expire(nowNs);
    this.untrusted.delete(key);
    const trusted = this.trusted.get(key);
    if (trusted !== undefined) {
      this.trusted.delete(key);
      this.queueOf(trusted).delete(key);
    }
    if (this.untrusted.size >= this.limits.untrustedQuota) {
      this.counters.quotaFallbacks++;
      return { kind: 'quota-full' };
    }
    const entry: FlowEntry = { dip, ruleName, createdAtNs: nowNs, lastSeenNs: nowNs, packets: 1, trustedIdleTimeoutNs };
    this.untrusted.set(key, entry);
    this.untrustedFrontSeenNs = Math.min(this.untrustedFrontSeenNs, nowNs);
    this.counters.inserted++;
    return { kind: 'inserted', entry };
  }

  /** Forgets everything (a Mux that restarts comes back with an empty table). */
  clear(): void {
    this.untrusted.clear();
    this.trusted.clear();
    this.trustedQueues.clear();
    this.untrustedFrontSeenNs = Number.POSITIVE_INFINITY;
    this.trustedFrontSeenNs.clear();
  }

  /**
   * Every live entry with its key: trusted first (by idle timeout, shortest first), then
   * untrusted; each queue least recently seen first.
   */
  *entries(nowNs: number): IterableIterator<readonly [string, FlowEntry]> {
    this.expire(nowNs);
    for (const timeout of [...this.trustedQueues.keys()].sort((a, b) => a - b)) {
      yield* this.trustedQueues.get(timeout) ?? [];
    }
    yield* this.untrusted;
  }

  /** The trusted queue of an entry's idle timeout, created on first use. */
  private queueOf(entry: FlowEntry): Map<string, FlowEntry> {
    let queue = this.trustedQueues.get(entry.trustedIdleTimeoutNs);
    if (queue === undefined) {
      queue = new Map();
      this.trustedQueues.set(entry.trustedIdleTimeoutNs, queue);
    }
    return queue;
  }

  /** Keeps a trusted queue's bound a lower bound when an entry joins it at `nowNs`. */
  private noteTrustedSeen(timeoutNs: number, nowNs: number): void {
    const bound = this.trustedFrontSeenNs.get(timeoutNs) ?? Number.POSITIVE_INFINITY;
    if (nowNs < bound) this.trustedFrontSeenNs.set(timeoutNs, nowNs);
  }

  /**
   * Removes expired entries from the front of every queue. Each queue is ordered by last
   * seen, so its front's last-seen time bounds every entry's; while that bound is younger than
   * the timeout nothing can have expired and the queue is not touched. Without the bound each
   * call would walk the holes that promotions and refreshes leave at the front of a Map
   * (V8 compacts them only on rehash), which made lookups quadratic in the table size.
   */
  private expire(nowNs: number): void {
    if (nowNs - this.untrustedFrontSeenNs > this.limits.untrustedIdleTimeoutNs) {
      this.untrustedFrontSeenNs = Number.POSITIVE_INFINITY;
      for (const [key, entry] of this.untrusted) {
        if (nowNs - entry.lastSeenNs <= this.limits.untrustedIdleTimeoutNs) {
          this.untrustedFrontSeenNs = entry.lastSeenNs;
          break;
        }
        this.untrusted.delete(key);
        this.counters.expiredUntrusted++;
      }
    }
    for (const [timeout, queue] of this.trustedQueues) {
      if (nowNs - (this.trustedFrontSeenNs.get(timeout) ?? Number.POSITIVE_INFINITY) <= timeout) continue;
      this.trustedFrontSeenNs.set(timeout, Number.POSITIVE_INFINITY);
      for (const [key, entry] of queue) {
        if (nowNs - entry.lastSeenNs <= timeout) {
          this.trustedFrontSeenNs.set(timeout, entry.lastSeenNs);
          break;
        }
        queue.delete(key);
        this.trusted.delete(key);
        this.counters.expiredTrusted++;
      }
    }
  }
}
