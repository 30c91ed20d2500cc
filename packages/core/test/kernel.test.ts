import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, Kernel, type KernelLane, maxDelayLanes, randomStream, type ScheduledEvent } from '../src/index.ts';
import { propertyTimeoutMs } from '../src/testing/index.ts';

describe('event queue', () => {
  it('pops in (time, scheduling order), whatever the insertion order', { timeout: propertyTimeoutMs() }, () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
        const queue = new EventQueue();
        const popped: Array<[number, number]> = [];
        times.forEach((t, i) => {
          queue.push(t, () => popped.push([t, i]));
        });
        for (let event = queue.pop(); event !== undefined; event = queue.pop()) event.run();
        const expected = times.map((t, i) => [t, i] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(popped).toEqual(expected);
      }),
    );
  });

  it('pops the live events in (time, scheduling order) whatever is cancelled, and when', {
    timeout: propertyTimeoutMs(),
  }, () => {
    // Each step schedules an event at a time, cancels one scheduled earlier (by index), or pops.
    const step = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), atNs: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ kind: fc.constant('cancel' as const), which: fc.nat() }),
      fc.record({ kind: fc.constant('pop' as const) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), (steps) => {
        const queue = new EventQueue();
        const handles: ScheduledEvent[] = [];
        const reference: Array<{ atNs: number; id: number; live: boolean }> = [];
        const popped: number[] = [];
        const expected: number[] = [];
        let floorNs = 0;
        for (const s of steps) {
          if (s.kind === 'push') {
            // Like the kernel, never schedule before the last popped event.
            const atNs = floorNs + s.atNs;
            const id = handles.length;
            handles.push(queue.push(atNs, () => popped.push(id)));
            reference.push({ atNs, id, live: true });
          } else if (s.kind === 'cancel' && handles.length > 0) {
            const id = s.which % handles.length;
            queue.cancel(handles[id] as ScheduledEvent);
            (reference[id] as { live: boolean }).live = false;
          } else if (s.kind === 'pop') {
            const event = queue.pop();
            const next = reference.filter((r) => r.live).sort((a, b) => a.atNs - b.atNs || a.id - b.id)[0];
            expect(event?.atNs).toBe(next?.atNs);
            if (next !== undefined) {
              next.live = false;
              expected.push(next.id);
              floorNs = next.atNs;
            }
            event?.run();
          }
          expect(queue.size).toBe(reference.filter((r) => r.live).length);
        }
        expect(popped).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('a reusable timer runs when, and in the order, an event scheduled at each arming and cancelled at each disarming would', {
    timeout: propertyTimeoutMs(),
  }, () => {
    // The same script of steps runs twice: timers as kernel timers, and as after()/cancel() pairs.
    // Each step, run inside an event at its time, arms or disarms one of three timers or
    // schedules a plain event; the log of what ran, with when and the pending count, must match.
    const step = fc.record({
      atNs: fc.integer({ min: 0, max: 40 }),
      kind: fc.constantFrom('arm' as const, 'disarm' as const, 'plain' as const),
      which: fc.integer({ min: 0, max: 2 }),
      delayNs: fc.integer({ min: 0, max: 15 }),
    });
    const run = (
      steps: ReadonlyArray<typeof step extends fc.Arbitrary<infer S> ? S : never>,
      lazy: boolean,
    ): string[] => {
      const kernel = new Kernel({ seed: 1 });
      const log: string[] = [];
      const fired = (which: number) => log.push(`timer ${which} at ${kernel.nowNs} pending ${kernel.pendingEvents}`);
      const timers = [0, 1, 2].map((which) => kernel.timer(() => fired(which)));
      const eager: Array<ScheduledEvent | undefined> = [undefined, undefined, undefined];
      steps.forEach((s, i) => {
        kernel.at(s.atNs, () => {
          if (s.kind === 'plain') {
            kernel.after(s.delayNs, () => log.push(`plain ${i} at ${kernel.nowNs} pending ${kernel.pendingEvents}`));
          } else if (lazy) {
            const timer = timers[s.which];
            if (s.kind === 'arm') timer?.armAfter(s.delayNs);
            else timer?.disarm();
          } else {
            const previous = eager[s.which];
            if (previous !== undefined) kernel.cancel(previous);
            eager[s.which] =
              s.kind === 'arm'
                ? kernel.after(s.delayNs, () => {
                    eager[s.which] = undefined;
                    fired(s.which);
                  })
                : undefined;
          }
        });
      });
      const status = kernel.runUntil(100);
      log.push(`events ${status.eventsRun}`);
      return log;
    };
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        expect(run(steps, true)).toEqual(run(steps, false));
      }),
    );
  });

  it('skips cancelled events and counts only live ones', () => {
    const queue = new EventQueue();
    const ran: string[] = [];
    const a = queue.push(5, () => ran.push('a'));
    queue.push(3, () => ran.push('b'));
    queue.cancel(a);
    queue.cancel(a);
    expect(queue.size).toBe(1);
    for (let event = queue.pop(); event !== undefined; event = queue.pop()) event.run();
    expect(ran).toEqual(['b']);
    expect(queue.size).toBe(0);
  });
});

describe('kernel', () => {
  it('runs events in order and leaves the clock at the end time', () => {
    const kernel = new Kernel({ seed: 1 });
    const log: number[] = [];
    kernel.at(10, () => {
      log.push(kernel.nowNs);
      kernel.after(5, () => log.push(kernel.nowNs));
    });
    kernel.at(12, () => log.push(kernel.nowNs));
    kernel.at(100, () => log.push(kernel.nowNs));
    expect(kernel.runUntil(50)).toEqual({ kind: 'completed', endNs: 50, eventsRun: 3 });
    expect(log).toEqual([10, 12, 15]);
    expect(kernel.pendingEvents).toBe(1);
  });

  it('refuses to schedule in the past or at fractional times', () => {
    const kernel = new Kernel({ seed: 1 });
    kernel.runUntil(10);
    expect(() => kernel.at(5, () => {})).toThrow(RangeError);
    expect(() => kernel.after(0.5, () => {})).toThrow(RangeError);
  });

  it('stops a runaway loop at the event budget', () => {
    const kernel = new Kernel({ seed: 1, eventBudget: 1000 });
    const loop = () => kernel.after(1, loop);
    kernel.after(0, loop);
    const status = kernel.runUntil(1_000_000_000);
    expect(status).toEqual({ kind: 'event-budget-exhausted', atNs: 999, eventsRun: 1000 });
  });
});

describe('delay lanes', () => {
  // Each event, when it runs, logs itself and schedules children as the program says: on a lane
  // of one of 12 delays (more than the queue keeps lanes for), or as an ordinary event, some of
  // which it cancels again. The same program run with every lane event scheduled by afterCall
  // instead is the reference: lanes must not change which events run, or when, or in what order.
  const child = fc.record({
    delay: fc.integer({ min: 0, max: 11 }),
    onLane: fc.boolean(),
    cancel: fc.boolean(),
  });
  const program = fc.record({
    spawns: fc.array(fc.array(child, { maxLength: 3 }), { minLength: 1, maxLength: 120 }),
    steps: fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 6 }),
  });
  const delays = [0, 1, 2, 3, 5, 7, 10, 20, 30, 50, 70, 100];

  function runProgram(
    spawns: ReadonlyArray<ReadonlyArray<{ delay: number; onLane: boolean; cancel: boolean }>>,
    steps: readonly number[],
    useLanes: boolean,
  ): string[] {
    const kernel = new Kernel({ seed: 1 });
    const lanes = delays.map((d) => kernel.lane(d));
    const log: string[] = [];
    let nextId = 0;
    let spawned = 0;
    const run = (id: number): void => {
      log.push(`${kernel.nowNs}:${id}`);
      const children = spawns[spawned++ % spawns.length] ?? [];
      if (spawned > 400) return;
      for (const c of children) {
        const childId = nextId++;
        const delayNs = delays[c.delay] as number;
        if (c.onLane && useLanes) kernel.afterOnLane(lanes[c.delay] as KernelLane, run, childId, 0, 0);
        else if (c.onLane) kernel.afterCall(delayNs, run, childId, 0, 0);
        else {
          const event = kernel.after(delayNs, () => run(childId));
          if (c.cancel) kernel.cancel(event);
        }
      }
    };
    kernel.at(0, () => run(nextId++));
    let untilNs = 0;
    for (const step of steps) {
      untilNs += step;
      kernel.runUntil(untilNs);
      log.push(`until ${untilNs}: ${kernel.pendingEvents} pending`);
    }
    return log;
  }

  it('run the same events at the same times in the same order as the heap alone would', {
    timeout: propertyTimeoutMs(),
  }, () => {
    fc.assert(
      fc.property(program, ({ spawns, steps }) => {
        expect(runProgram(spawns, steps, true)).toEqual(runProgram(spawns, steps, false));
      }),
      { numRuns: 200 },
    );
  });

  it('pop merges lane events with heap events in (time, scheduling order)', () => {
    const queue = new EventQueue();
    const ran: string[] = [];
    const lane = queue.lane(10);
    const log = (what: unknown): void => void ran.push(String(what));
    queue.pushToLane(lane, 10, log, 'lane@10', 0, 0);
    queue.push(10, () => ran.push('heap@10'));
    queue.pushToLane(lane, 12, log, 'lane@12', 0, 0);
    queue.push(5, () => ran.push('heap@5'));
    // Earlier than the lane's newest event: it goes to the heap and still runs in order.
    queue.pushToLane(lane, 11, log, 'late@11', 0, 0);
    expect(queue.size).toBe(5);
    for (let event = queue.pop(); event !== undefined; event = queue.pop()) event.run();
    expect(ran).toEqual(['heap@5', 'lane@10', 'heap@10', 'late@11', 'lane@12']);
    expect(queue.size).toBe(0);
  });

  it('keeps at most maxDelayLanes lanes; further delays use the heap', () => {
    const queue = new EventQueue();
    const lanes = Array.from({ length: maxDelayLanes + 2 }, (_, i) => queue.lane(i + 1));
    expect(lanes.filter((lane) => lane !== undefined)).toHaveLength(maxDelayLanes);
    expect(queue.lane(1)).toBe(lanes[0]);
  });
});

describe('random streams', () => {
  it('the same (seed, name) gives the same numbers; another name or seed does not', () => {
    const draw = (seed: number, name: string) => {
      const stream = randomStream(seed, name);
      return Array.from({ length: 8 }, () => stream.nextUint32());
    };
    expect(draw(7, 'mux-1')).toEqual(draw(7, 'mux-1'));
    expect(draw(7, 'mux-1')).not.toEqual(draw(7, 'mux-2'));
    expect(draw(7, 'mux-1')).not.toEqual(draw(8, 'mux-1'));
  });

  it('below(n) stays in range and covers it', () => {
    const stream = randomStream(1, 'test');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const x = stream.below(10);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(10);
      seen.add(x);
    }
    expect(seen.size).toBe(10);
    expect(() => stream.below(0)).toThrow(RangeError);
  });

  it('between(min, max) includes both ends', () => {
    const stream = randomStream(3, 'ports');
    const values = new Set(Array.from({ length: 500 }, () => stream.between(5, 7)));
    expect([...values].sort()).toEqual([5, 6, 7]);
  });
});

describe('the pending-event bound', () => {
  it('stops the run with state-limit-reached when more events are pending than allowed', () => {
    const kernel = new Kernel({ seed: 1, maxPendingEvents: 100 });
    // Each event schedules two more: the queue doubles until the bound stops it.
    const spawn = () => {
      kernel.after(1, spawn);
      kernel.after(1, spawn);
    };
    kernel.at(0, spawn);
    const status = kernel.runUntil(1_000_000);
    expect(status).toMatchObject({ kind: 'state-limit-reached', what: 'pending-events', limit: 100 });
    expect(kernel.pendingEvents).toBeLessThanOrEqual(102);
  });

  it('stops after the current event when asked to for a limit outside the kernel', () => {
    const kernel = new Kernel({ seed: 1 });
    let ran = 0;
    for (let t = 0; t < 10; t++) {
      kernel.at(t, () => {
        ran++;
        if (t === 3) kernel.stopForLimit('connections', 4);
      });
    }
    expect(kernel.runUntil(100)).toEqual({
      kind: 'state-limit-reached',
      atNs: 3,
      eventsRun: 4,
      what: 'connections',
      limit: 4,
    });
    expect(ran).toBe(4);
  });
});
