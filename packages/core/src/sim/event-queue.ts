/**
 * The event queue: a binary min-heap ordered by (time, sequence number).
 *
 * The sequence number is assigned when an event is scheduled, so events at the same virtual
 * time run in the order they were scheduled — a total order that makes every run repeatable
 * (SimPy's `(time, priority, eid)`, ns-3's `EventKey {m_ts, m_uid}`). A binary heap is not
 * stable by itself; the sequence number is what makes it so.
 */

/** A scheduled event. Keep it to cancel the event; its fields are the queue's own. */
export interface ScheduledEvent {
  /** Virtual time the event runs at, in ns. */
  readonly atNs: number;
  /** Order of scheduling; breaks ties between events at the same time. */
  readonly seq: number;
  /** What runs. */
  readonly action: () => void;
  /** Set by {@link EventQueue.cancel}; a cancelled event is skipped when popped. */
  cancelled: boolean;
}

function before(a: ScheduledEvent, b: ScheduledEvent): boolean {
  return a.atNs < b.atNs || (a.atNs === b.atNs && a.seq < b.seq);
}

/** A min-heap of {@link ScheduledEvent}s. */
export class EventQueue {
  private readonly heap: ScheduledEvent[] = [];
  private nextSeq = 0;
  private live = 0;

  /** Number of events scheduled and not yet run or cancelled. */
  get size(): number {
    return this.live;
  }

  /** Schedules `action` at `atNs` and returns a handle for {@link cancel}. */
  push(atNs: number, action: () => void): ScheduledEvent {
    const event: ScheduledEvent = { atNs, seq: this.nextSeq++, action, cancelled: false };
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as ScheduledEvent;
      if (!before(event, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
    this.live++;
    return event;
  }

  /** Cancels a scheduled event; cancelling twice or after it ran does nothing. */
  cancel(event: ScheduledEvent): void {
    if (event.cancelled) return;
    event.cancelled = true;
    this.live--;
  }

  /** The time of the earliest live event, or `undefined` when none is left. */
  peekTimeNs(): number | undefined {
    this.dropCancelledTop();
    return this.heap[0]?.atNs;
  }

  /** Removes and returns the earliest live event, or `undefined` when none is left. */
  pop(): ScheduledEvent | undefined {
    this.dropCancelledTop();
    const top = this.removeTop();
    if (top !== undefined) {
      this.live--;
      // Marking it cancelled makes a later cancel() of a run event a no-op.
      top.cancelled = true;
    }
    return top;
  }

  private dropCancelledTop(): void {
    while (this.heap.length > 0 && (this.heap[0] as ScheduledEvent).cancelled) this.removeTop();
  }

  private removeTop(): ScheduledEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    const n = heap.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(heap[right] as ScheduledEvent, heap[left] as ScheduledEvent)) child = right;
      const c = heap[child] as ScheduledEvent;
      if (!before(c, last)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
