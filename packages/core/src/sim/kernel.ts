/**
 * The discrete-event kernel: virtual clock, event queue and named random streams.
 *
 * Nothing in the simulation reads the wall clock or global randomness: time is `nowNs` here
 * and randomness comes from {@link Kernel.random}. Runs are bounded by an end time, an event
 * budget and a bound on pending events, so a routing loop, a retransmission storm or a flood
 * of timers stops with a clear status instead of hanging or exhausting the heap.
 */
import type { DelayLane } from './delay-lane.ts';
import { type EventCall, EventQueue, type QueueTimer, type ScheduledEvent } from './event-queue.ts';
import { type RandomStream, randomStream } from './random.ts';
import { doubleFieldStart } from './time.ts';

/** How a call to {@link Kernel.runUntil} ended. */
export type RunStatus =
  | { readonly kind: 'completed'; readonly endNs: number; readonly eventsRun: number }
  | {
      readonly kind: 'event-budget-exhausted';
      /** Virtual time of the last event run. */
      readonly atNs: number;
      readonly eventsRun: number;
    }
  | {
      /**
       * The run held more state than the memory it was given allows, and stopped there rather
       * than exhaust the process's heap: too many events pending at once, or more connections
       * than the run may keep (a stop requested through {@link Kernel.stopForLimit}).
       */
      readonly kind: 'state-limit-reached';
      /** Virtual time of the last event run. */
      readonly atNs: number;
      readonly eventsRun: number;
      /** What grew too large. */
      readonly what: 'pending-events' | 'connections';
      /** The bound it reached. */
      readonly limit: number;
    };

/** Options of a {@link Kernel}. */
export interface KernelOptions {
  /** Root seed of every random stream in the run (any 32-bit integer). */
  readonly seed: number;
  /** Most events a run may process before it stops (default 50,000,000). */
  readonly eventBudget?: number;
  /**
   * Most events that may be pending at once (default {@link defaultMaxPendingEvents}); beyond
   * it the run stops with `state-limit-reached` instead of growing the queue until the heap
   * is exhausted.
   */
  readonly maxPendingEvents?: number;
}

/** Default bound on pending events: a 4 GB heap's worth at about 200 bytes an event and its closure. */
export const defaultMaxPendingEvents = 20_000_000;

/** Default event budget: far above any catalogue scenario, low enough to stop a loop in seconds. */
export const defaultEventBudget = 50_000_000;

/** Why {@link Kernel.runUntil}'s loop stopped: the next event is after the end time (or none is left). */
const loopReachedEnd = 0;
/** … the event budget is spent. */
const loopBudgetSpent = 1;
/** … a state limit is reached. */
const loopLimitReached = 2;

/** The simulation kernel. */
export class Kernel {
  /** Root seed of the run. */
  readonly seed: number;
  /** Most events a run may process. */
  readonly eventBudget: number;
  private readonly queue = new EventQueue();
  /** Most events pending at once. */
  readonly maxPendingEvents: number;
  private currentNs = doubleFieldStart;
  private eventsRunCount = 0;
  private stopRequest: { readonly what: 'connections'; readonly limit: number } | undefined;

  constructor(options: KernelOptions) {
    this.currentNs = 0;
    this.seed = options.seed | 0;
    this.eventBudget = options.eventBudget ?? defaultEventBudget;
    this.maxPendingEvents = options.maxPendingEvents ?? defaultMaxPendingEvents;
  }

  /**
   * Asks the run to stop after the current event because state outside the kernel (the run's
   * connections) reached `limit`; {@link runUntil} then returns `state-limit-reached`.
   */
  stopForLimit(what: 'connections', limit: number): void {
    this.stopRequest ??= { what, limit };
  }

  /** Current virtual time in ns. */
  get nowNs(): number {
    return this.currentNs;
  }

  /** Events run so far. */
  get eventsRun(): number {
    return this.eventsRunCount;
  }

  /** Events scheduled and not yet run. */
  get pendingEvents(): number {
    return this.queue.size;
  }

  /**
   * Schedules `action` at virtual time `atNs`.
   * @throws RangeError when `atNs` is in the past or not a safe integer: a programmer error.
   */
  at(atNs: number, action: () => void): ScheduledEvent {
    if (!Number.isSafeInteger(atNs) || atNs < this.currentNs) {
      throw new RangeError(`cannot schedule at ${atNs} ns (now ${this.currentNs} ns)`);
    }
    return this.queue.push(atNs, action);
  }

  /** Schedules `action` `delayNs` after now (a non-negative integer). */
  after(delayNs: number, action: () => void): ScheduledEvent {
    return this.at(this.currentNs + delayNs, action);
  }

  /**
   * Schedules `call(a, b, c)` `delayNs` after now: what {@link after} does, without a closure
   * per event when `call` is a function bound once (the fabric's delivery on each link).
   * @throws RangeError when `delayNs` is negative or not a safe integer: a programmer error.
   */
  afterCall<A, B, C>(delayNs: number, call: EventCall<A, B, C>, a: A, b: B, c: C): ScheduledEvent {
    const atNs = this.currentNs + delayNs;
    if (!Number.isSafeInteger(atNs) || atNs < this.currentNs) {
      throw new RangeError(`cannot schedule at ${atNs} ns (now ${this.currentNs} ns)`);
    }
    return this.queue.pushCall(atNs, call, a, b, c);
  }

  /**
   * A schedule for events `delayNs` after the time they are scheduled at, for
   * {@link afterOnLane}: the fabric takes one per link latency. Events on it cost no object and
   * no heap operation (delay-lane.ts), and run in the same order as if {@link afterCall} had
   * scheduled them.
   * @throws RangeError when `delayNs` is negative or not a safe integer: a programmer error.
   */
  lane(delayNs: number): KernelLane {
    if (!Number.isSafeInteger(delayNs) || delayNs < 0) throw new RangeError(`cannot schedule ${delayNs} ns later`);
    return { delayNs, lane: this.queue.lane(delayNs) };
  }

  /**
   * Schedules `call(a, b, c)` `lane.delayNs` after now: what {@link afterCall} does, without a
   * handle (the event cannot be cancelled) and without allocating.
   * @throws RangeError when the time is beyond the safe integers: a programmer error.
   */
  afterOnLane<A, B, C>(lane: KernelLane, call: EventCall<A, B, C>, a: A, b: B, c: C): void {
    const atNs = this.currentNs + lane.delayNs;
    if (!Number.isSafeInteger(atNs)) throw new RangeError(`cannot schedule at ${atNs} ns (now ${this.currentNs} ns)`);
    this.queue.pushToLane(lane.lane, atNs, call, a, b, c);
  }

  /**
   * A reusable timer that calls `action` when it runs: for a timer armed and disarmed far more
   * often than it fires (a TCP retransmission timer, re-armed per segment), without an event
   * and a closure per arming. It runs when, and in the order among same-time events that, an
   * event {@link after}-scheduled at its last arming and cancelled at each disarming would.
   */
  timer(action: () => void): KernelTimer {
    return new KernelTimer(this, this.queue.timer(action));
  }

  /**
   * Takes the sequence number an event scheduled now would take (scheduling order among
   * same-time events), for {@link KernelTimer.armAtSequence}: an owner that keeps many
   * same-duration timers as records (TCP TIME-WAIT) runs each at the time and in the order its
   * own scheduled event would have had.
   */
  takeSequence(): number {
    return this.queue.takeSeq();
  }

  /**
   * Counts `delta` more (or fewer) pending events kept outside the queue by an owner that runs
   * them through one timer ({@link takeSequence}): {@link pendingEvents} and the pending-event
   * limit count them as the events they stand for.
   */
  addStandInEvents(delta: number): void {
    this.queue.standInEvents += delta;
  }

  /** Cancels a scheduled event (no effect if it already ran or was cancelled). */
  cancel(event: ScheduledEvent): void {
    this.queue.cancel(event);
  }

  /** The random stream named `name`; see `random.ts` for how streams are derived. */
  random(name: string): RandomStream {
    return randomStream(this.seed, name);
  }

  /**
   * Runs events in (time, sequence) order until the next one would be after `endNs`, the queue
   * is empty, the event budget is spent, or a state limit is reached (more than
   * `maxPendingEvents` pending, or a {@link stopForLimit}). On completion the clock stands at
   * `endNs`.
   *
   * @param onProgress called every `progressEvery` events with the current time (for progress
   *   bars; it must not schedule events)
   */
  runUntil(endNs: number, onProgress?: (nowNs: number, eventsRun: number) => void, progressEvery = 65536): RunStatus {
    const stopped = this.runEvents(endNs, onProgress, progressEvery);
    if (stopped === loopBudgetSpent) {
      return { kind: 'event-budget-exhausted', atNs: this.currentNs, eventsRun: this.eventsRunCount };
    }
    if (stopped === loopLimitReached) {
      const stop = this.limitReached() as { readonly what: 'pending-events' | 'connections'; readonly limit: number };
      return { kind: 'state-limit-reached', atNs: this.currentNs, eventsRun: this.eventsRunCount, ...stop };
    }
    this.currentNs = Math.max(this.currentNs, endNs);
    return { kind: 'completed', endNs: this.currentNs, eventsRun: this.eventsRunCount };
  }

  /**
   * The event loop of {@link runUntil}; returns why it stopped as a number. It is a function of
   * its own whose exits are bare returns because V8 compiles a long first run of the loop
   * on-stack before the loop has ever exited: code after the loop would then have no type
   * feedback, and every later call deoptimised there (80 times in the UDP bench).
   */
  private runEvents(
    endNs: number,
    onProgress: ((nowNs: number, eventsRun: number) => void) | undefined,
    progressEvery: number,
  ): number {
    const queue = this.queue;
    for (;;) {
      const next = queue.nextTimeNs();
      if (next > endNs) return loopReachedEnd;
      if (this.eventsRunCount >= this.eventBudget) return loopBudgetSpent;
      this.currentNs = next;
      const eventsRun = ++this.eventsRunCount;
      queue.runNext();
      if (this.stopRequest !== undefined || queue.size > this.maxPendingEvents) return loopLimitReached;
      // The remainder is computed whether or not there is a callback, so that a run with one
      // after runs without one finds the operation's type feedback there.
      if (eventsRun % progressEvery === 0 && onProgress !== undefined) onProgress(this.currentNs, eventsRun);
    }
  }

  /** The bound the run has reached, if any: a requested stop, or too many pending events. */
  private limitReached(): { readonly what: 'pending-events' | 'connections'; readonly limit: number } | undefined {
    if (this.stopRequest !== undefined) return this.stopRequest;
    if (this.queue.size > this.maxPendingEvents) return { what: 'pending-events', limit: this.maxPendingEvents };
    return undefined;
  }
}

/** A schedule of a {@link Kernel} for events one constant delay after now (see {@link Kernel.lane}). */
export interface KernelLane {
  /** The delay, ns. */
  readonly delayNs: number;
  /** The queue's lane, or `undefined` when the queue keeps no more lanes (the heap serves). */
  readonly lane: DelayLane | undefined;
}

/** A reusable timer of a {@link Kernel} (see {@link Kernel.timer}). */
export class KernelTimer {
  constructor(
    private readonly kernel: Kernel,
    private readonly slot: QueueTimer,
  ) {}

  /** Whether it is armed and has not run since. */
  get armed(): boolean {
    return this.slot.armed;
  }

  /**
   * Arms it to run `delayNs` after now, replacing any earlier arming.
   * @throws RangeError when `delayNs` is negative or not a safe integer: a programmer error.
   */
  armAfter(delayNs: number): void {
    const now = this.kernel.nowNs;
    const atNs = now + delayNs;
    if (!Number.isSafeInteger(atNs) || atNs < now)
      throw new RangeError(`cannot schedule at ${atNs} ns (now ${now} ns)`);
    this.slot.arm(atNs);
  }

  /**
   * Arms it to run at `atNs` in the place of sequence number `seq` (from
   * {@link Kernel.takeSequence}), replacing any earlier arming: it runs where an event scheduled
   * at `atNs` when `seq` was taken would run.
   * @throws RangeError when `atNs` is in the past or not a safe integer: a programmer error.
   */
  armAtSequence(atNs: number, seq: number): void {
    const now = this.kernel.nowNs;
    if (!Number.isSafeInteger(atNs) || atNs < now)
      throw new RangeError(`cannot schedule at ${atNs} ns (now ${now} ns)`);
    this.slot.armAt(atNs, seq);
  }

  /** Disarms it; no effect when it is not armed. */
  disarm(): void {
    this.slot.disarm();
  }
}
