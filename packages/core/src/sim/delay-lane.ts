/**
 * A delay lane: the events scheduled with one constant delay, kept in a FIFO ring instead of
 * the event queue's heap.
 *
 * The clock never goes back, so events scheduled "now + d" for one constant d are scheduled in
 * nondecreasing time and increasing sequence number: their (time, sequence) order is the order
 * they were scheduled in, and a FIFO holds them sorted for free. Every packet hop is such an
 * event (a link has a constant latency), so the queue keeps one lane per link latency and merges
 * the lanes' heads with its heap's top: a hop costs no object, no closure and no heap sift, and
 * the order events run in is exactly the (time, sequence) order a single heap would give.
 * (A calendar queue would exploit the same regularity; a FIFO per delay needs no tuning.)
 */
import type { EventCall } from './event-call.ts';

/** A lane's ring starts this large and doubles when full. */
const initialCapacity = 64;

/** The events of one delay, oldest first, in parallel arrays (no object per event). */
export class DelayLane {
  /** Event times, ns, by ring slot. */
  times = new Float64Array(initialCapacity);
  /** Event sequence numbers, by ring slot. */
  seqs = new Float64Array(initialCapacity);
  calls: Array<EventCall<unknown, unknown, unknown> | undefined> = new Array(initialCapacity).fill(undefined);
  firsts: unknown[] = new Array(initialCapacity).fill(undefined);
  seconds: unknown[] = new Array(initialCapacity).fill(undefined);
  thirds: unknown[] = new Array(initialCapacity).fill(undefined);
  /** Ring slot of the oldest event. */
  head = 0;
  /** Events in the lane. */
  count = 0;
  /** Capacity − 1 (the capacity is a power of two). */
  mask = initialCapacity - 1;
  /** Time of the newest event, ns: a later event may not be earlier (see {@link accepts}). */
  lastNs = Number.NEGATIVE_INFINITY;

  constructor(
    /** The delay every event of the lane was scheduled with, ns. */
    readonly delayNs: number,
  ) {}

  /** Whether an event at `atNs` keeps the lane sorted (true whenever the clock did not go back). */
  accepts(atNs: number): boolean {
    return atNs >= this.lastNs;
  }

  /** Appends an event; the caller checked {@link accepts}. */
  append(
    atNs: number,
    seq: number,
    call: EventCall<unknown, unknown, unknown>,
    a: unknown,
    b: unknown,
    c: unknown,
  ): void {
    if (this.count > this.mask) this.grow();
    const slot = (this.head + this.count) & this.mask;
    this.times[slot] = atNs;
    this.seqs[slot] = seq;
    this.calls[slot] = call;
    this.firsts[slot] = a;
    this.seconds[slot] = b;
    this.thirds[slot] = c;
    this.count++;
    this.lastNs = atNs;
  }

  /**
   * Removes the oldest event and runs it. The slot's arguments are cleared before the call,
   * so the lane holds no packet it has delivered.
   */
  runOldest(): void {
    const slot = this.head;
    const call = this.calls[slot] as EventCall<unknown, unknown, unknown>;
    const a = this.firsts[slot];
    const b = this.seconds[slot];
    const c = this.thirds[slot];
    this.releaseHead(slot);
    call(a, b, c);
  }

  /** Removes the oldest event without running it and returns what it would call. */
  takeOldest(): { readonly atNs: number; readonly seq: number; readonly run: () => void } {
    const slot = this.head;
    const atNs = this.times[slot] as number;
    const seq = this.seqs[slot] as number;
    const call = this.calls[slot] as EventCall<unknown, unknown, unknown>;
    const a = this.firsts[slot];
    const b = this.seconds[slot];
    const c = this.thirds[slot];
    this.releaseHead(slot);
    return { atNs, seq, run: () => call(a, b, c) };
  }

  /**
   * Lets go of the oldest slot's arguments (a ring slot must not keep a delivered packet alive)
   * and moves the head past it.
   */
  private releaseHead(slot: number): void {
    this.firsts[slot] = undefined;
    this.seconds[slot] = undefined;
    this.thirds[slot] = undefined;
    this.head = (slot + 1) & this.mask;
    this.count--;
  }

  /** Doubles the ring, keeping the events in order from slot 0. */
  private grow(): void {
    const capacity = (this.mask + 1) * 2;
    const times = new Float64Array(capacity);
    const seqs = new Float64Array(capacity);
    const calls: Array<EventCall<unknown, unknown, unknown> | undefined> = new Array(capacity).fill(undefined);
    const firsts: unknown[] = new Array(capacity).fill(undefined);
    const seconds: unknown[] = new Array(capacity).fill(undefined);
    const thirds: unknown[] = new Array(capacity).fill(undefined);
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) & this.mask;
      times[i] = this.times[slot] as number;
      seqs[i] = this.seqs[slot] as number;
      calls[i] = this.calls[slot];
      firsts[i] = this.firsts[slot];
      seconds[i] = this.seconds[slot];
      thirds[i] = this.thirds[slot];
    }
    this.times = times;
    this.seqs = seqs;
    this.calls = calls;
    this.firsts = firsts;
    this.seconds = seconds;
    this.thirds = thirds;
    this.head = 0;
    this.mask = capacity - 1;
  }
}
