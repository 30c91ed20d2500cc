/**
 * An endpoint's TCP connections by their four-tuple (local address and port, remote address and
 * port), without a string key per segment: the stack looks a connection up for every segment it
 * receives, and a `${a}|${p}|${b}|${q}` key cost a string build and hash each time (issue 20).
 *
 * Keys are small integers mixed from the remote address and the two ports, and the rare
 * four-tuples that share one (another local address, or a mix that collides) chain in the same
 * bucket. Iteration is in insertion order and replacing the
 * connection under a key keeps its place, as a `Map` keyed by the four-tuple would.
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

/**
 * The bucket key: a 30-bit mix of the remote address and the two ports. It stays a small
 * integer (a V8 Smi), which a `Map` hashes without boxing; a key above 2^31 became a heap
 * number on every lookup.
 */
function bucketKey(localPort: number, remoteAddress: number, remotePort: number): number {
  const h = Math.imul(remoteAddress ^ Math.imul(remotePort, 0x9e3779b1), 0x85ebca6b) ^ Math.imul(localPort, 0xc2b2ae35);
  return (h ^ (h >>> 15)) & 0x3fffffff;
}

/** Values of type `T` by TCP four-tuple. */
export class ConnectionTable<T> {
  private readonly buckets = new Map<number, Entry<T>>();
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
    const key = bucketKey(localPort, remoteAddress, remotePort);
    const entry = new Entry(order ?? this.nextOrder++, localAddress, localPort, remoteAddress, remotePort, value);
    entry.next = this.buckets.get(key);
    this.buckets.set(key, entry);
  }

  /** The place of a four-tuple's entry in the order ({@link values}), or -1 when absent. */
  orderOf(localAddress: number, localPort: number, remoteAddress: number, remotePort: number): number {
    return this.find(localAddress, localPort, remoteAddress, remotePort)?.order ?? -1;
  }

  /** Removes a four-tuple; no effect when absent. */
  delete(localAddress: number, localPort: number, remoteAddress: number, remotePort: number): void {
    const key = bucketKey(localPort, remoteAddress, remotePort);
    let previous: Entry<T> | undefined;
    for (let entry = this.buckets.get(key); entry !== undefined; previous = entry, entry = entry.next) {
      if (!entry.matches(localAddress, localPort, remoteAddress, remotePort)) continue;
      if (previous !== undefined) previous.next = entry.next;
      else if (entry.next !== undefined) this.buckets.set(key, entry.next);
      else this.buckets.delete(key);
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
    for (const head of this.buckets.values()) {
      for (let entry: Entry<T> | undefined = head; entry !== undefined; entry = entry.next) entries.push(entry);
    }
    return entries.sort((a, b) => a.order - b.order);
  }

  private find(
    localAddress: number,
    localPort: number,
    remoteAddress: number,
    remotePort: number,
  ): Entry<T> | undefined {
    let entry = this.buckets.get(bucketKey(localPort, remoteAddress, remotePort));
    while (entry !== undefined && !entry.matches(localAddress, localPort, remoteAddress, remotePort))
      entry = entry.next;
    return entry;
  }
}
