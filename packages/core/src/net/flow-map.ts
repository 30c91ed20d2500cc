/**
 * A map from 5-tuples to values over a {@link FlowIndex}: the Host Agent's per-flow tables
 * (NAT entries, NSG flow records, SNAT flows and their tombstones) keyed by numbers instead of
 * a string built per packet.
 *
 * It keeps the order a `Map` keeps: keys in the order they were first set (setting a present
 * key keeps its place, deleting and setting it again moves it to the back), so iteration and
 * "forget the oldest" behave as they did over `Map<string, V>` (issue 20: a string key cost
 * about 300 ns to build and hash per lookup, a numeric one a few array reads).
 *
 * Addresses are taken as unsigned 32-bit values (`-1` and `0xffffffff` are the same address);
 * ports must be 0..65535.
 */
import type { FiveTuple } from './five-tuple.ts';
import { FlowIndex } from './flow-index.ts';
import { emptyIndexQueue, IndexLinks } from './index-queues.ts';

/** A `Map` from 5-tuples to `V`, in insertion order. */
export class FlowMap<V> {
  private readonly index = new FlowIndex();
  private readonly links = new IndexLinks(this.index.capacity);
  private readonly order = emptyIndexQueue();
  /** Values by entry number (`undefined` for free numbers). */
  private readonly held: (V | undefined)[] = [];

  /** Number of keys. */
  get size(): number {
    return this.index.size;
  }

  /** The value of a 5-tuple, or `undefined`. */
  get(protocol: number, srcAddress: number, srcPort: number, dstAddress: number, dstPort: number): V | undefined {
    const entry = this.index.find(srcAddress, dstAddress, (srcPort << 16) | dstPort, protocol);
    return entry < 0 ? undefined : this.held[entry];
  }

  /** {@link get} by a tuple record. */
  getTuple(tuple: FiveTuple): V | undefined {
    return this.get(tuple.protocol, tuple.srcAddress, tuple.srcPort, tuple.dstAddress, tuple.dstPort);
  }

  /** Sets the value of a 5-tuple; a new key goes to the back of the order, a present one stays. */
  set(protocol: number, srcAddress: number, srcPort: number, dstAddress: number, dstPort: number, value: V): void {
    const ports = ((srcPort << 16) | dstPort) >>> 0;
    const present = this.index.find(srcAddress, dstAddress, ports, protocol);
    if (present >= 0) {
      this.held[present] = value;
      return;
    }
    const entry = this.index.add(srcAddress >>> 0, dstAddress >>> 0, ports, protocol >>> 0);
    this.links.grow(this.index.capacity);
    this.held[entry] = value;
    this.links.append(this.order, entry);
  }

  /** {@link set} by a tuple record. */
  setTuple(tuple: FiveTuple, value: V): void {
    this.set(tuple.protocol, tuple.srcAddress, tuple.srcPort, tuple.dstAddress, tuple.dstPort, value);
  }

  /** Removes a 5-tuple; whether it was there. */
  delete(protocol: number, srcAddress: number, srcPort: number, dstAddress: number, dstPort: number): boolean {
    const entry = this.index.find(srcAddress, dstAddress, (srcPort << 16) | dstPort, protocol);
    if (entry < 0) return false;
    this.removeEntry(entry);
    return true;
  }

  /** {@link delete} by a tuple record. */
  deleteTuple(tuple: FiveTuple): boolean {
    return this.delete(tuple.protocol, tuple.srcAddress, tuple.srcPort, tuple.dstAddress, tuple.dstPort);
  }

  /** Removes the key set longest ago (the first in the order), if any. */
  deleteOldest(): void {
    if (this.order.head >= 0) this.removeEntry(this.order.head);
  }

  /** The values in the order of their keys. */
  *values(): IterableIterator<V> {
    for (let entry = this.order.head; entry >= 0; entry = this.links.next(entry)) yield this.held[entry] as V;
  }

  private removeEntry(entry: number): void {
    this.links.unlink(this.order, entry);
    this.held[entry] = undefined;
    this.index.remove(entry);
  }
}
