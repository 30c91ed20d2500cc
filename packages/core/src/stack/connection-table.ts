/**
 * An endpoint's TCP connections by their four-tuple (local address and port, remote address and
 * port), without a string key per segment: the stack looks a connection up for every segment it
 * receives, and a `${a}|${p}|${b}|${q}` key cost a string build and hash each time (issue 20).
 *
 * Keys are integers mixed from the remote address and the two ports; the table is an array of
 * buckets (a power of two, doubled when entries outnumber buckets) picked by the key's low
 * bits, and four-tuples that share a bucket chain in it. An array rather than a `Map` of
 * buckets: connections open and close all the time, and a `Map`'s deletions cost table upkeep
 * (issue 20). Iteration is in insertion order and replacing the connection under a key keeps
 * its place, as a `Map` keyed by the four-tuple would.
 */
import type { Ipv4Address } from '../net/ipv4-address.ts';

/** One four-tuple and the connection it holds now. */
class Entry<T> {
  next: Entry<T> | undefined;

  constructor(
    /** When the four-tuple was first set: entries count up from 0 in the order they were made. */
    readonly order: number,
    readonly localAddress: Ipv4Address,
    readonly localPort: number,
    readonly remoteAddress: Ipv4Address,
    readonly remotePort: number,
    public value: T,
  ) {}

  matches(localAddress: number, localPort: number, remoteAddress: number, remotePort: number): boolean {
    return (
      this.localPort === localPort &&
      this.remotePort === remotePort &&
      this.remoteAddress === remoteAddress &&
      this.localAddress === localAddress
    );
  }
}

/** The bucket key: a 30-bit mix of the remote address and the two ports (a small integer). */
function bucketKey(localPort: number, remoteAddress: number, remotePort: number): number {
  const h = Math.imul(remoteAddress ^ Math.imul(remotePort, 0x9e3779b1), 0x85ebca6b) ^ Math.imul(localPort, 0xc2b2ae35);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}

/** Values of type `T` by TCP four-tuple. */
export class ConnectionTable<T> {
  /** Chains by the key's low bits; the length is a power of two. */
  private buckets: Array<Entry<T> | undefined> = new Array<Entry<T> | undefined>(16).fill(undefined);
  private count = 0;
  /** The {@link Entry.order} of the next new entry. */
  private nextOrder = 0;

  /** The value under a four-tuple, or `undefined`. */
  get(localAddress: number, localPort: number, remoteAddress: number, remotePort: number): T | undefined {
    return this.find(localAddress, localPort, remoteAddress, remotePort)?.value;
  }

  /**
   * Sets the value under a four-tuple; a four-tuple already present keeps its place in the order.
   * @param order the place of a new entry in the order: one it had before (from {@link orderOf},
   *   for a connection that left the table and comes back); by default after every other
   */
  set(
    localAddress: number,
    localPort: number,
    remoteAddress: number,
    remotePort: number,
    value: T,
    order?: number,
  ): void {
    const found = this.find(localAddress, localPort, remoteAddress, remotePort);
    if (found !== undefined) {
      found.value = value;
      return;
    }
    if (this.count >= this.buckets.length) this.grow();
    const bucket = bucketKey(localPort, remoteAddress, remotePort) & (this.buckets.length - 1);
    const entry = new Entry(order ?? this.nextOrder++, localAddress, localPort, remoteAddress, remotePort, value);
    entry.next = this.buckets[bucket];
    this.buckets[bucket] = entry;
    this.count++;
  }

  /** The place of a four-tuple's entry in the order ({@link values}), or -1 when absent. */
  orderOf(localAddress: number, localPort: number, remoteAddress: number, remotePort: number): number {
    return this.find(localAddress, localPort, remoteAddress, remotePort)?.order ?? -1;
  }

  /** Removes a four-tuple; no effect when absent. */
  delete(localAddress: number, localPort: number, remoteAddress: number, remotePort: number): void {
    const bucket = bucketKey(localPort, remoteAddress, remotePort) & (this.buckets.length - 1);
    let previous: Entry<T> | undefined;
    for (let entry = this.buckets[bucket]; entry !== undefined; previous = entry, entry = entry.next) {
      if (!entry.matches(localAddress, localPort, remoteAddress, remotePort)) continue;
      if (previous !== undefined) previous.next = entry.next;
      else this.buckets[bucket] = entry.next;
      this.count--;
      return;
    }
  }

  /**
   * Every value, in the order its four-tuple was first set. Sorted when asked (a VM stop, tests)
   * rather than kept in order per connection.
   */
  values(): T[] {
    return this.entries().map((entry) => entry.value);
  }

  /** Every value with its place in the order, in that order. */
  entries(): Array<{ readonly order: number; readonly value: T }> {
    const entries: Entry<T>[] = [];
    for (const head of this.buckets) {
      for (let entry: Entry<T> | undefined = head; entry !== undefined; entry = entry.next) entries.push(entry);
    }
    return entries.sort((a, b) => a.order - b.order);
  }

  /** Doubles the buckets and rechains every entry by its key's new low bits. */
  private grow(): void {
    const old = this.buckets;
    const buckets = new Array<Entry<T> | undefined>(old.length * 2).fill(undefined);
    const mask = buckets.length - 1;
    for (const head of old) {
      for (let entry = head; entry !== undefined; ) {
        const next: Entry<T> | undefined = entry.next;
        const bucket = bucketKey(entry.localPort, entry.remoteAddress, entry.remotePort) & mask;
        entry.next = buckets[bucket];
        buckets[bucket] = entry;
        entry = next;
      }
    }
    this.buckets = buckets;
  }

  private find(
    localAddress: number,
    localPort: number,
    remoteAddress: number,
    remotePort: number,
  ): Entry<T> | undefined {
    let entry = this.buckets[bucketKey(localPort, remoteAddress, remotePort) & (this.buckets.length - 1)];
    while (entry !== undefined && !entry.matches(localAddress, localPort, remoteAddress, remotePort))
      entry = entry.next;
    return entry;
  }
}
