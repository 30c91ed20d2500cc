/**
 * The event queue: an indexed binary min-heap ordered by (time, sequence number).
 *
 * The sequence number is assigned when an event is scheduled, so events at the same virtual
 * time run in the order they were scheduled — a total order that makes every run repeatable
 * (SimPy's `(time, priority, eid)`, ns-3's `EventKey {m_ts, m_uid}`). A binary heap is not
 * stable by itself; the sequence number is what makes it so. Because no two events share a
 * key, the order events run in depends only on the keys, not on the heap's shape.
 *
 * Each event knows its position in the heap, so a cancelled event leaves the heap at once
 * (O(log n)) instead of waiting to reach the top: TCP arms and cancels a retransmission timer
 * per data segment, and lazily dropped timers made up most of the heap (issue 20: 241 k
 * entries for 12.8 k live events).
 *
 * An event either runs a closure (`push`) or calls a function with three arguments
 * (`pushCall`, {@link EventQueue.pushToLane}). Events of one constant delay (every packet hop:
 * a link's latency is constant) can go to a {@link DelayLane} instead of the heap: a FIFO that
 * is sorted by construction, merged with the heap when the next event is chosen, so a hop costs
 * no object and no sift (delay-lane.ts).
 */
import { DelayLane } from './delay-lane.ts';
import type { EventCall } from './event-call.ts';
import { doubleFieldStart } from './time.ts';

/** A scheduled event. Keep it to cancel the event; its fields are the queue's own. */
export interface ScheduledEvent {
  /** Virtual time the event runs at, in ns. */
  readonly atNs: number;
  /** Order of scheduling; breaks ties between events at the same time. */
  readonly seq: number;
  /** True once the event was cancelled or has been popped to run. */
  readonly cancelled: boolean;
  /** Runs what was scheduled. */
  run(): void;
}

export type { EventCall } from './event-call.ts';

/** The queue's own record of an event. */
class QueuedEvent implements ScheduledEvent {
  /** Position in the heap array, or -1 once popped or cancelled. */
  index = -1;
  atNs = doubleFieldStart;
  seq = doubleFieldStart;

  constructor(
    atNs: number,
    seq: number,
    private readonly call: EventCall<unknown, unknown, unknown>,
    private readonly a: unknown,
    private readonly b: unknown,
    private readonly c: unknown,
  ) {
    this.atNs = atNs;
    this.seq = seq;
  }

  get cancelled(): boolean {
    return this.index < 0;
  }

  run(): void {
    this.call(this.a, this.b, this.c);
  }
}

/**
 * A timer's slot in the heap (see {@link EventQueue.timer}): one event object that is armed,
 * disarmed and re-armed for the life of its owner. `dueNs`/`dueSeq` are when it is meant to
 * run; its heap key may be earlier (a disarm or a later re-arm leaves the entry where it was),
 * and the queue moves it to its due key, or drops it, when it reaches the top.
 */
class TimerEvent extends QueuedEvent implements QueueTimer {
  armed = false;
  dueNs = doubleFieldStart;
  dueSeq = doubleFieldStart;

  constructor(
    private readonly queue: EventQueue,
    action: () => void,
  ) {
    super(0, 0, action as EventCall<unknown, unknown, unknown>, undefined, undefined, undefined);
    this.dueNs = 0;
    this.dueSeq = 0;
  }

  /** Whether the heap holds this entry for nothing: it is disarmed. */
  isDead(): boolean {
    return this.index >= 0 && !this.armed;
  }

  /** Whether the heap holds this entry at a key that is not its due one (it must not run there). */
  isStale(): boolean {
    return this.index >= 0 && !(this.armed && this.atNs === this.dueNs && this.seq === this.dueSeq);
  }

  arm(atNs: number): void {
    this.queue.armTimer(this, atNs);
  }

  armAt(atNs: number, seq: number): void {
    this.queue.armTimerAt(this, atNs, seq);
  }

  disarm(): void {
    this.queue.disarmTimer(this);
  }
}

/**
 * A reusable timer (a TCP connection's retransmission timer): {@link arm} and {@link disarm}
 * cost no allocation and, in the usual case of a timer disarmed or pushed later before it
 * fires, no heap operation either. It runs exactly when, and in the same order among events at
 * the same time as, an event scheduled at the last {@link arm} and cancelled at each
 * {@link disarm} would: arming takes the next sequence number, as scheduling does.
 */
export interface QueueTimer {
  /** Whether it is armed (and has not run since). */
  readonly armed: boolean;
  /** When it runs, ns, while armed. */
  readonly dueNs: number;
  /** Arms it (again) for `atNs`, replacing any earlier arming. */
  arm(atNs: number): void;
  /**
   * Arms it (again) for `atNs` with a sequence number taken earlier ({@link EventQueue.takeSeq}):
   * it runs where the event scheduled when that number was taken would have run.
   */
  armAt(atNs: number, seq: number): void;
  /** Disarms it; no effect when it is not armed. */
  disarm(): void;
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.atNs < b.atNs || (a.atNs === b.atNs && a.seq < b.seq);
}

/** Most delay lanes a queue keeps: choosing the next event looks at every lane's head. */
export const maxDelayLanes = 8;

/** {@link EventQueue.chosen} when nothing is chosen, or the heap's top is. */
const chosenNone = -2;
const chosenHeap = -1;

/** An indexed min-heap of {@link ScheduledEvent}s, merged with FIFO {@link DelayLane}s. */
export class EventQueue {
  private readonly heap: QueuedEvent[] = [];
  private readonly lanes: DelayLane[] = [];
  /** Events in the lanes. */
  private laneEvents = 0;
  /** What {@link nextTimeNs} chose: a lane's index, {@link chosenHeap} or {@link chosenNone}. */
  private chosen = chosenNone;
  private nextSeq = 0;
  /** Timer entries in the heap at a key that is not their due one (see {@link TimerEvent}). */
  private staleTimers = 0;
  /** Of those, the disarmed ones: they stand for no pending event. */
  private deadTimers = 0;

  /**
   * Events an owner keeps outside the queue and runs through one timer of its own (TCP
   * TIME-WAIT records, time-wait-records.ts): counted in {@link size} as the events they stand
   * for, so a run's pending-event limit trips where it would with one event each.
   */
  standInEvents = 0;

  /** Number of events scheduled and not yet run or cancelled (armed timers count once). */
  get size(): number {
    return this.heap.length - this.deadTimers + this.laneEvents + this.standInEvents;
  }

  /**
   * Takes the sequence number the next scheduled event would take, as scheduling one does,
   * for a timer armed later with {@link QueueTimer.armAt} to run in that event's place.
   */
  takeSeq(): number {
    return this.nextSeq++;
  }

  /**
   * The lane of events scheduled `delayNs` after the current time (one per delay), or
   * `undefined` when the queue already keeps {@link maxDelayLanes} lanes: then such events go
   * to the heap ({@link pushToLane} accepts `undefined`).
   */
  lane(delayNs: number): DelayLane | undefined {
    for (const lane of this.lanes) if (lane.delayNs === delayNs) return lane;
    if (this.lanes.length >= maxDelayLanes) return undefined;
    const lane = new DelayLane(delayNs);
    this.lanes.push(lane);
    return lane;
  }

  /**
   * Schedules `call(a, b, c)` at `atNs` on `lane`, or in the heap when there is no lane or
   * `atNs` is earlier than the lane's newest event (the lane would not stay sorted). Returns no
   * handle: such an event cannot be cancelled.
   */
  pushToLane<A, B, C>(lane: DelayLane | undefined, atNs: number, call: EventCall<A, B, C>, a: A, b: B, c: C): void {
    this.chosen = chosenNone;
    if (lane === undefined || !lane.accepts(atNs)) {
      this.pushCall(atNs, call, a, b, c);
      return;
    }
    lane.append(atNs, this.nextSeq++, call as EventCall<unknown, unknown, unknown>, a, b, c);
    this.laneEvents++;
  }

  /**
   * The time of the earliest event, or `Infinity` when none is left; remembers where it is for
   * {@link runNext}.
   */
  nextTimeNs(): number {
    if (this.staleTimers > 0) this.settleTop();
    let bestNs = Number.POSITIVE_INFINITY;
    let bestSeq = Number.POSITIVE_INFINITY;
    let chosen = chosenNone;
    const top = this.heap[0];
    if (top !== undefined) {
      bestNs = top.atNs;
      bestSeq = top.seq;
      chosen = chosenHeap;
    }
    if (this.laneEvents > 0) {
      const lanes = this.lanes;
      for (let i = 0; i < lanes.length; i++) {
        const lane = lanes[i] as DelayLane;
        if (lane.count === 0) continue;
        const atNs = lane.times[lane.head] as number;
        if (atNs > bestNs) continue;
        const seq = lane.seqs[lane.head] as number;
        if (atNs < bestNs || seq < bestSeq) {
          bestNs = atNs;
          bestSeq = seq;
          chosen = i;
        }
      }
    }
    this.chosen = chosen;
    return bestNs;
  }

  /**
   * Removes the event {@link nextTimeNs} found and runs it (nothing when the queue is empty).
   * Meant to follow {@link nextTimeNs} directly; after anything was scheduled in between it
   * chooses again.
   */
  runNext(): void {
    if (this.chosen === chosenNone && this.nextTimeNs() === Number.POSITIVE_INFINITY) return;
    const chosen = this.chosen;
    this.chosen = chosenNone;
    if (chosen >= 0) {
      this.laneEvents--;
      (this.lanes[chosen] as DelayLane).runOldest();
      return;
    }
    const top = this.heap[0] as QueuedEvent;
    this.removeTop(top);
    if (top instanceof TimerEvent) top.armed = false;
    top.run();
  }

  /** A disarmed timer that calls `action` when it runs; see {@link QueueTimer}. */
  timer(action: () => void): QueueTimer {
    return new TimerEvent(this, action);
  }

  /** {@link QueueTimer.arm}: takes a sequence number and moves the entry only if it must run earlier. */
  armTimer(timer: TimerEvent, atNs: number): void {
    this.chosen = chosenNone;
    const wasStale = timer.isStale();
    const wasDead = timer.isDead();
    timer.armed = true;
    timer.dueNs = atNs;
    timer.dueSeq = this.nextSeq++;
    if (timer.index < 0) {
      timer.atNs = atNs;
      timer.seq = timer.dueSeq;
      this.insert(timer);
    } else if (atNs < timer.atNs) {
      // Due before where the entry waits: move it up to its due key.
      timer.atNs = atNs;
      timer.seq = timer.dueSeq;
      this.siftUp(timer, timer.index);
    }
    this.staleTimers += Number(timer.isStale()) - Number(wasStale);
    this.deadTimers += Number(timer.isDead()) - Number(wasDead);
  }

  /** {@link QueueTimer.armAt}: {@link armTimer} with a sequence number taken earlier. */
  armTimerAt(timer: TimerEvent, atNs: number, seq: number): void {
    this.chosen = chosenNone;
    const wasStale = timer.isStale();
    const wasDead = timer.isDead();
    timer.armed = true;
    timer.dueNs = atNs;
    timer.dueSeq = seq;
    if (timer.index < 0) {
      timer.atNs = atNs;
      timer.seq = seq;
      this.insert(timer);
    } else if (atNs < timer.atNs || (atNs === timer.atNs && seq < timer.seq)) {
      timer.atNs = atNs;
      timer.seq = seq;
      this.siftUp(timer, timer.index);
    }
    this.staleTimers += Number(timer.isStale()) - Number(wasStale);
    this.deadTimers += Number(timer.isDead()) - Number(wasDead);
  }

  /** {@link QueueTimer.disarm}: the entry stays where it is and is dropped when it reaches the top. */
  disarmTimer(timer: TimerEvent): void {
    if (!timer.armed) return;
    this.chosen = chosenNone;
    const wasStale = timer.isStale();
    const wasDead = timer.isDead();
    timer.armed = false;
    this.staleTimers += Number(timer.isStale()) - Number(wasStale);
    this.deadTimers += Number(timer.isDead()) - Number(wasDead);
  }

  /**
   * Brings a live event to the top: a timer entry found there at a key that is not its due one
   * moves to its due key (later) or, disarmed, leaves the heap. So a stale entry never runs,
   * counts as no event, and never decides when a run stops.
   */
  private settleTop(): void {
    for (;;) {
      const top = this.heap[0];
      if (!(top instanceof TimerEvent) || !top.isStale()) return;
      this.staleTimers--;
      if (!top.armed) this.deadTimers--;
      this.removeTop(top);
      if (top.armed) {
        top.atNs = top.dueNs;
        top.seq = top.dueSeq;
        this.insert(top);
      }
    }
  }

  private removeTop(top: QueuedEvent): void {
    top.index = -1;
    const last = this.heap.pop() as QueuedEvent;
    if (last !== top) this.siftDown(last, 0);
  }

  /** Schedules `action` at `atNs` and returns a handle for {@link cancel}. */
  push(atNs: number, action: () => void): ScheduledEvent {
    this.chosen = chosenNone;
    return this.insert(new QueuedEvent(atNs, this.nextSeq++, action, undefined, undefined, undefined));
  }

  /** Schedules `call(a, b, c)` at `atNs`: no closure per event when `call` is bound once. */
  pushCall<A, B, C>(atNs: number, call: EventCall<A, B, C>, a: A, b: B, c: C): ScheduledEvent {
    this.chosen = chosenNone;
    return this.insert(new QueuedEvent(atNs, this.nextSeq++, call as EventCall<unknown, unknown, unknown>, a, b, c));
  }

  /** Cancels a scheduled event: it leaves the heap now. Cancelling twice or after it ran does nothing. */
  cancel(event: ScheduledEvent): void {
    const queued = event as QueuedEvent;
    const i = queued.index;
    if (i === undefined || i < 0) return;
    this.chosen = chosenNone;
    queued.index = -1;
    const heap = this.heap;
    const last = heap.pop() as QueuedEvent;
    if (last === queued) return;
    // The last event takes the cancelled one's place and moves up or down to where it belongs.
    if (i > 0 && before(last, heap[(i - 1) >> 1] as QueuedEvent)) this.siftUp(last, i);
    else this.siftDown(last, i);
  }

  /** The time of the earliest event, or `undefined` when none is left. */
  peekTimeNs(): number | undefined {
    const next = this.nextTimeNs();
    return next === Number.POSITIVE_INFINITY ? undefined : next;
  }

  /** Removes and returns the earliest event, or `undefined` when none is left. */
  pop(): ScheduledEvent | undefined {
    if (this.nextTimeNs() === Number.POSITIVE_INFINITY) return undefined;
    const chosen = this.chosen;
    this.chosen = chosenNone;
    if (chosen >= 0) {
      this.laneEvents--;
      const { atNs, seq, run } = (this.lanes[chosen] as DelayLane).takeOldest();
      return { atNs, seq, cancelled: true, run };
    }
    const top = this.heap[0] as QueuedEvent;
    // Marking it out of the heap makes a later cancel() of a run event a no-op.
    this.removeTop(top);
    // A timer that runs is no longer armed: its action may arm it again.
    if (top instanceof TimerEvent) top.armed = false;
    return top;
  }

  private insert(event: QueuedEvent): QueuedEvent {
    this.heap.push(event);
    this.siftUp(event, this.heap.length - 1);
    return event;
  }

  /** Places `event` at `i` or above it. */
  private siftUp(event: QueuedEvent, start: number): void {
    const heap = this.heap;
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as QueuedEvent;
      if (!before(event, p)) break;
      heap[i] = p;
      p.index = i;
      i = parent;
    }
    heap[i] = event;
    event.index = i;
  }

  /** Places `event` at `i` or below it. */
  private siftDown(event: QueuedEvent, start: number): void {
    const heap = this.heap;
    const n = heap.length;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(heap[right] as QueuedEvent, heap[left] as QueuedEvent)) child = right;
      const c = heap[child] as QueuedEvent;
      if (!before(c, event)) break;
      heap[i] = c;
      c.index = i;
      i = child;
    }
    heap[i] = event;
    event.index = i;
  }
}
