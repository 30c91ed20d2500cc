/**
 * Queues of entry numbers linked through typed arrays: the least-recently-seen and expiry
 * orders of a {@link FlowIndex} table, with no object per entry.
 *
 * Each entry is in at most one queue at a time; moving one to the back of its queue (a flow
 * seen again) or taking it out is O(1). Each {@link IndexQueue} is a small object of its own,
 * so a table keeps per-queue facts (its timeout, a bound on its front) as plain fields.
 */

/** One queue: its ends and length. Entries are linked through the owning {@link IndexLinks}. */
export interface IndexQueue {
  /** First (oldest) entry number, or -1 when empty. */
  head: number;
  /** Last (newest) entry number, or -1 when empty. */
  tail: number;
  /** Entries in the queue. */
  length: number;
}

/** A new empty queue. */
export function emptyIndexQueue(): IndexQueue {
  return { head: -1, tail: -1, length: 0 };
}

/** The previous/next links of every entry of a table, for the queues its entries are in. */
export class IndexLinks {
  private previous: Int32Array;
  private following: Int32Array;

  constructor(capacity: number) {
    this.previous = new Int32Array(capacity);
    this.following = new Int32Array(capacity);
  }

  /** Grows the links to `capacity` entries (a {@link FlowIndex} grew). */
  grow(capacity: number): void {
    if (this.previous.length >= capacity) return;
    const previous = new Int32Array(capacity);
    previous.set(this.previous);
    this.previous = previous;
    const following = new Int32Array(capacity);
    following.set(this.following);
    this.following = following;
  }

  /** The entry after `entry` in its queue, or -1. */
  next(entry: number): number {
    return this.following[entry] as number;
  }

  /** Appends `entry` (in no queue) at the back of `queue`. */
  append(queue: IndexQueue, entry: number): void {
    this.previous[entry] = queue.tail;
    this.following[entry] = -1;
    if (queue.tail >= 0) this.following[queue.tail] = entry;
    else queue.head = entry;
    queue.tail = entry;
    queue.length++;
  }

  /** Takes `entry` out of `queue`, which it must be in. */
  unlink(queue: IndexQueue, entry: number): void {
    const before = this.previous[entry] as number;
    const after = this.following[entry] as number;
    if (before >= 0) this.following[before] = after;
    else queue.head = after;
    if (after >= 0) this.previous[after] = before;
    else queue.tail = before;
    queue.length--;
  }

  /** Moves `entry`, in `queue`, to its back. */
  moveToBack(queue: IndexQueue, entry: number): void {
    if (queue.tail === entry) return;
    this.unlink(queue, entry);
    this.append(queue, entry);
  }
}
