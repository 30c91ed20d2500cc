/**
 * A hash index from flow keys to dense entry numbers, over typed arrays: the shared core of
 * the data path's per-flow tables (the Mux flow table now; NAT, NSG flow records, SNAT and
 * endpoint connections are meant to follow).
 *
 * A key is four 32-bit words, which holds a 5-tuple (two addresses, two ports, the protocol)
 * or an endpoint's connection key with room to spare; {@link flowKeyWordsOf} packs a 5-tuple.
 * Each live key owns an entry number 0..capacity-1; the table that uses the index keeps its
 * values in its own typed arrays ("columns") indexed by entry number, grown when
 * {@link FlowIndex.capacity} grows. Numbers of removed keys are reused.
 *
 * Why not a `Map` keyed by a string: building a 5-tuple string and hashing it cost about
 * 300 ns per lookup and a third of a kilobyte per entry (issue 20's profile); here a lookup is
 * a few multiplications and array reads, and an entry's key is 16 bytes. Open addressing with
 * linear probing and backward-shift deletion (no tombstones, so lookups stay short however
 * many keys come and go), at most half full.
 */

/** The words of a 5-tuple's key: addresses, ports (source in the high half), protocol. */
export interface FlowKeyWords {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
}

/** Packs a 5-tuple into the four words {@link FlowIndex} keys by. */
export function flowKeyWordsOf(
  protocol: number,
  srcAddress: number,
  srcPort: number,
  dstAddress: number,
  dstPort: number,
): FlowKeyWords {
  return { a: srcAddress >>> 0, b: dstAddress >>> 0, c: ((srcPort << 16) | dstPort) >>> 0, d: protocol >>> 0 };
}

/** One MurmurHash3 round: mixes `word` into `h`. */
function mixWord(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  let mixed = h ^ Math.imul(k, 0x1b873593);
  mixed = (mixed << 13) | (mixed >>> 19);
  return (Math.imul(mixed, 5) + 0xe6546b64) | 0;
}

/** Mixes four words into a 32-bit hash (MurmurHash3_x86_32's body and finaliser). */
function hashWords(a: number, b: number, c: number, d: number): number {
  let h = mixWord(mixWord(mixWord(mixWord(0x9747b28c, a), b), c), d);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** An open-addressing index from four-word keys to entry numbers. */
export class FlowIndex {
  /**
   * Key words of each entry, four per entry. A removed entry's first word holds the next
   * removed entry's number (-1 at the end): the free list costs no memory of its own.
   */
  private keys: Uint32Array;
  /** Slot → entry number + 1 (0: empty); twice the entries, so at most half full. */
  private slots: Int32Array;
  private mask: number;
  private entryCapacity: number;
  /** The most recently removed entry number (reused first), or -1. */
  private freeHead = -1;
  /** Entry numbers handed out so far (live or free). */
  private highWater = 0;
  private count = 0;

  /** @param initialCapacity entries before the first growth (rounded up to a power of two, at least 8) */
  constructor(initialCapacity = 16) {
    let capacity = 8;
    while (capacity < initialCapacity) capacity *= 2;
    this.entryCapacity = capacity;
    this.keys = new Uint32Array(capacity * 4);
    this.slots = new Int32Array(capacity * 2);
    this.mask = capacity * 2 - 1;
  }

  /** Live keys. */
  get size(): number {
    return this.count;
  }

  /** Entry numbers are below this; a table's columns must have this many rows. */
  get capacity(): number {
    return this.entryCapacity;
  }

  /** The entry number of a key, or -1. */
  find(a: number, b: number, c: number, d: number): number {
    const keys = this.keys;
    const slots = this.slots;
    const mask = this.mask;
    for (let slot = hashWords(a, b, c, d) & mask; ; slot = (slot + 1) & mask) {
      const held = slots[slot] as number;
      if (held === 0) return -1;
      const entry = held - 1;
      const at = entry * 4;
      if (keys[at] === a >>> 0 && keys[at + 1] === b >>> 0 && keys[at + 2] === c >>> 0 && keys[at + 3] === d >>> 0) {
        return entry;
      }
    }
  }

  /**
   * Adds a key that is not in the index and returns its entry number (below {@link capacity},
   * which may have grown: grow the columns before writing to them).
   */
  add(a: number, b: number, c: number, d: number): number {
    if (this.freeHead < 0 && this.highWater === this.entryCapacity) this.grow();
    let entry = this.freeHead;
    if (entry >= 0) this.freeHead = (this.keys[entry * 4] as number) | 0;
    else entry = this.highWater++;
    const at = entry * 4;
    this.keys[at] = a;
    this.keys[at + 1] = b;
    this.keys[at + 2] = c;
    this.keys[at + 3] = d;
    this.place(entry);
    this.count++;
    return entry;
  }

  /** Removes the key of a live entry; its number may be handed out again. */
  remove(entry: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let slot = this.slotOf(entry);
    // Backward-shift deletion: pull later keys of the probe run into the hole when their home
    // slot is at or before it, so that no lookup ever has to step over a deleted slot.
    for (let next = (slot + 1) & mask; ; next = (next + 1) & mask) {
      const held = slots[next] as number;
      if (held === 0) break;
      const home = this.homeSlot(held - 1);
      if (((next - home) & mask) >= ((next - slot) & mask)) {
        slots[slot] = held;
        slot = next;
      }
    }
    slots[slot] = 0;
    this.keys[entry * 4] = this.freeHead;
    this.freeHead = entry;
    this.count--;
  }

  /** Removes every key. */
  clear(): void {
    this.slots.fill(0);
    this.freeHead = -1;
    this.highWater = 0;
    this.count = 0;
  }

  /** Key word `word` (0..3) of a live entry. */
  keyWord(entry: number, word: number): number {
    return this.keys[entry * 4 + word] as number;
  }

  private homeSlot(entry: number): number {
    const at = entry * 4;
    const keys = this.keys;
    return (
      hashWords(keys[at] as number, keys[at + 1] as number, keys[at + 2] as number, keys[at + 3] as number) & this.mask
    );
  }

  private slotOf(entry: number): number {
    const slots = this.slots;
    const mask = this.mask;
    for (let slot = this.homeSlot(entry); ; slot = (slot + 1) & mask) {
      const held = slots[slot] as number;
      if (held === entry + 1) return slot;
      if (held === 0) throw new Error(`flow index: entry ${entry} is not in the index`);
    }
  }

  private place(entry: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let slot = this.homeSlot(entry);
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = entry + 1;
  }

  /** Doubles the entry capacity and the slots, and re-places every live key. */
  private grow(): void {
    const capacity = this.capacity * 2;
    const keys = new Uint32Array(capacity * 4);
    keys.set(this.keys);
    this.keys = keys;
    this.entryCapacity = capacity;
    const old = this.slots;
    this.slots = new Int32Array(capacity * 2);
    this.mask = capacity * 2 - 1;
    for (const held of old) if (held !== 0) this.place(held - 1);
  }
}

/** A copy of `column` with `capacity` rows (typed arrays do not grow in place). */
export function growColumn<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array>(
  column: T,
  capacity: number,
): T {
  if (column.length >= capacity) return column;
  const grown = new (column.constructor as new (length: number) => T)(capacity);
  grown.set(column);
  return grown;
}
