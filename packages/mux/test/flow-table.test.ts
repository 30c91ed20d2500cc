import { flowKeyOf } from '@lbsim/core';
import { propertyTimeoutMs, scaledRuns } from '@lbsim/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FlowTable, type FlowTableLimits, tupleOfFlowKey } from '../src/index.ts';
import { ReferenceFlowTable } from './flow-table-reference.ts';

/** Flow keys as the Mux builds them: TCP from one client's ports to a VIP. */
const flow = (port: number) => flowKeyOf(6, 0xc6120001, 40000 + port, 0x34aa0a14, 80);
const [a, b, c, d, long, short, fresh] = [1, 2, 3, 4, 5, 6, 7].map(flow) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];

const limits = { untrustedQuota: 3, trustedQuota: 2, untrustedIdleTimeoutNs: 10 };

describe('flow table (Ananta §3.3.3)', () => {
  it("keeps a flow's DIP; a second packet makes it trusted and gives it the rule's longer timeout", () => {
    const table = new FlowTable(limits);
    table.insert(a, 1, 'r', 100, 0);
    expect(table.sizes).toEqual({ untrusted: 1, trusted: 0 });
    expect(table.lookup(a, 5)).toMatchObject({ kind: 'hit', entry: { dip: 1, packets: 2 } });
    expect(table.sizes).toEqual({ untrusted: 0, trusted: 1 });
    // Untrusted flows expire after 10 ns idle, trusted ones after their rule's 100 ns.
    expect(table.lookup(a, 95).kind).toBe('hit');
    expect(table.lookup(a, 196).kind).toBe('miss');
  });

  it('expires untrusted flows after the short timeout', () => {
    const table = new FlowTable(limits);
    table.insert(a, 1, 'r', 100, 0);
    expect(table.lookup(a, 11).kind).toBe('miss');
    expect(table.counters.expiredUntrusted).toBe(1);
  });

  it('creates no state when the untrusted quota is full: the Mux falls back to hashing', () => {
    const table = new FlowTable(limits);
    for (const key of [a, b, c]) expect(table.insert(key, 1, 'r', 100, 0).kind).toBe('inserted');
    expect(table.insert(d, 1, 'r', 100, 0).kind).toBe('quota-full');
    expect(table.counters.quotaFallbacks).toBe(1);
    // Once the untrusted flows time out there is room again.
    expect(table.insert(d, 1, 'r', 100, 20).kind).toBe('inserted');
  });

  it('leaves a flow untrusted when the trusted quota is full', () => {
    const table = new FlowTable(limits);
    for (const key of [a, b, c]) table.insert(key, 1, 'r', 100, 0);
    for (const key of [a, b, c]) table.lookup(key, 1);
    expect(table.sizes).toEqual({ untrusted: 1, trusted: 2 });
  });

  it('a flow left untrusted by a full trusted quota keeps the untrusted timeout, for ICMP errors too', () => {
    // Arrange: no room for trusted flows, so a flow's second packet leaves it untrusted.
    const table = new FlowTable({ untrustedQuota: 3, trustedQuota: 0, untrustedIdleTimeoutNs: 10 });
    table.insert(a, 1, 'r', 100, 0);
    table.lookup(a, 1);
    // Act / Assert: after 14 ns idle it is gone for packets and for ICMP errors alike.
    expect(table.peek(a, 15)).toBeUndefined();
    expect(table.lookup(a, 15).kind).toBe('miss');
  });

  it("counts only live trusted flows against the trusted quota, whatever their rules' timeouts", () => {
    // Arrange: two trusted flows, the longer-timeout one queued first; the other then expires.
    const table = new FlowTable({ untrustedQuota: 3, trustedQuota: 2, untrustedIdleTimeoutNs: 10 });
    table.insert(long, 1, 'r40', 40, 0);
    table.lookup(long, 0);
    table.insert(short, 2, 'r15', 15, 0);
    table.lookup(short, 0);
    // Act: at 16 ns only long is alive, so a new flow's second packet finds room to be trusted.
    table.insert(fresh, 3, 'r15', 15, 16);
    table.lookup(fresh, 16);
    // Assert: trusted, it outlives the 10 ns untrusted timeout.
    expect(table.sizes).toEqual({ untrusted: 0, trusted: 2 });
    expect(table.lookup(fresh, 30)).toMatchObject({ kind: 'hit', entry: { dip: 3 } });
    expect([...table.entries(30)].map(([key]) => key)).toEqual([fresh, long]);
  });

  it('reads flow keys, negative addresses as the same unsigned ones, and refuses anything else', () => {
    expect(tupleOfFlowKey('17|-2|53|167772164|7')).toEqual({
      protocol: 17,
      srcAddress: 0xfffffffe,
      srcPort: 53,
      dstAddress: 167772164,
      dstPort: 7,
    });
    for (const bad of ['', 'a', '6|1|2|3', '6|1|2|3|4|5', '6||2|3|4', '6|1|2|3|-']) {
      expect(() => tupleOfFlowKey(bad)).toThrow(RangeError);
    }
  });

  it('agrees with a model of its specification under any sequence of commands (quotas, two queues, expiry)', {
    timeout: propertyTimeoutMs(),
  }, () => {
    fc.assert(
      fc.property(
        fc.record({
          untrustedQuota: fc.integer({ min: 0, max: 3 }),
          trustedQuota: fc.integer({ min: 0, max: 2 }),
        }),
        fc.commands(flowTableCommands, { maxCommands: 60, size: 'max' }),
        (quotas, commands) => {
          const limits = { ...quotas, untrustedIdleTimeoutNs: untrustedTimeoutNs };
          fc.modelRun(() => ({ model: new FlowTableModel(limits), real: new FlowTable(limits) }), commands);
        },
      ),
      // Cheap runs (microseconds each): enough of them to meet rare interleavings.
      { numRuns: scaledRuns(3000) },
    );
  });

  it('answers, counts and iterates as the table before the interleaved records did, across growth and deletion', {
    timeout: propertyTimeoutMs(),
  }, () => {
    // Tuples drawn from a pool of up to 300 (growth past 16, 32, … entries; collisions of home
    // slots; backward-shift deletions by expiry, replacement and quota), any protocol and address.
    const tuple = fc.record({
      protocol: fc.constantFrom(6, 17, 1, 255),
      srcAddress: fc.integer({ min: -0x80000000, max: 0xffffffff }),
      srcPort: fc.integer({ min: 0, max: 65535 }),
      dstAddress: fc.constantFrom(0x34aa0a14, 0xffffffff, -2),
      dstPort: fc.constantFrom(80, 0, 65535),
    });
    const operation = fc.oneof(
      {
        weight: 60,
        arbitrary: fc.record({ op: fc.constant('insert' as const), pick: fc.nat(), dip: fc.nat(), rule: fc.nat(2) }),
      },
      { weight: 100, arbitrary: fc.record({ op: fc.constant('lookup' as const), pick: fc.nat() }) },
      { weight: 20, arbitrary: fc.record({ op: fc.constant('peek' as const), pick: fc.nat() }) },
      {
        weight: 40,
        arbitrary: fc.record({ op: fc.constant('advance' as const), ns: fc.constantFrom(0, 1, 3, 9, 10, 11, 41, 101) }),
      },
      { weight: 20, arbitrary: fc.record({ op: fc.constant('entries' as const) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const) }) },
    );
    fc.assert(
      fc.property(
        fc.array(tuple, { minLength: 1, maxLength: 300, size: 'max' }),
        fc.record({
          untrustedQuota: fc.integer({ min: 0, max: 400 }),
          trustedQuota: fc.integer({ min: 0, max: 400 }),
          untrustedIdleTimeoutNs: fc.constantFrom(10, 50),
        }),
        fc.array(operation, { maxLength: 800, size: 'max' }),
        (pool, limits, operations) => {
          const table = new FlowTable(limits);
          const reference = new ReferenceFlowTable(limits);
          const timeouts = [15, 40, 100];
          let now = 0;
          for (const operation of operations) {
            if (operation.op === 'advance') now += operation.ns;
            else if (operation.op === 'clear') {
              table.clear();
              reference.clear();
            } else if (operation.op === 'entries') {
              expect([...table.entries(now)]).toEqual([...reference.entries(now)]);
            } else {
              const t = pool[operation.pick % pool.length] as (typeof pool)[number];
              const args = [t.protocol, t.srcAddress, t.srcPort, t.dstAddress, t.dstPort] as const;
              const entry =
                operation.op === 'insert'
                  ? table.insertFlow(
                      ...args,
                      operation.dip,
                      `r${operation.rule}`,
                      timeouts[operation.rule] as number,
                      now,
                    )
                  : operation.op === 'lookup'
                    ? table.lookupFlow(...args, now)
                    : table.peekFlow(...args, now);
              const expected =
                operation.op === 'insert'
                  ? reference.insertFlow(
                      ...args,
                      operation.dip,
                      `r${operation.rule}`,
                      timeouts[operation.rule] as number,
                      now,
                    )
                  : operation.op === 'lookup'
                    ? reference.lookupFlow(...args, now)
                    : reference.peekFlow(...args, now);
              expect(entry).toBe(expected);
              if (entry >= 0) {
                expect(table.dipOf(entry)).toBe(reference.dipOf(expected));
                expect(table.entryAt(entry)).toEqual(reference.entryAt(expected));
              }
            }
            expect(table.size).toBe(reference.size);
            expect(table.sizes).toEqual(reference.sizes);
            expect(table.counters).toEqual(reference.counters);
          }
          expect([...table.entries(now)]).toEqual([...reference.entries(now)]);
        },
      ),
      { numRuns: scaledRuns(30) },
    );
  });
});

/**
 * The flow table as its documentation specifies it, kept as plainly as possible: a map of
 * entries, each live while idle no longer than its timeout (the rule's when trusted, the
 * short one while untrusted); a quota counts live entries only.
 */
class FlowTableModel {
  now = 0;
  readonly entries = new Map<string, { dip: number; lastSeen: number; trusted: boolean; trustedTimeout: number }>();

  constructor(readonly limits: FlowTableLimits) {}

  live(key: string) {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    const timeout = entry.trusted ? entry.trustedTimeout : this.limits.untrustedIdleTimeoutNs;
    if (this.now - entry.lastSeen <= timeout) return entry;
    this.entries.delete(key);
    return undefined;
  }

  /** Live entries that are (or are not) trusted. */
  count(trusted: boolean): number {
    return [...this.entries.keys()].filter((key) => this.live(key)?.trusted === trusted).length;
  }
}

type FlowTableCommand = fc.Command<FlowTableModel, FlowTable>;

const untrustedTimeoutNs = 10;
/** Two rules' idle timeouts, so trusted entries expire out of queue order. */
const trustedTimeoutsNs = [15, 40];
const key = fc.constantFrom(a, b, c);

/** Time passes, often to just before or just after a timeout. */
class Advance implements FlowTableCommand {
  constructor(readonly ns: number) {}
  check = () => true;
  run(model: FlowTableModel): void {
    model.now += this.ns;
  }
  toString = () => `advance(${this.ns})`;
}

/** A new flow (a SYN): an untrusted entry unless the untrusted quota is full of live entries. */
class Insert implements FlowTableCommand {
  constructor(
    readonly key: string,
    readonly dip: number,
    readonly trustedTimeout: number,
  ) {}
  check = () => true;
  run(model: FlowTableModel, real: FlowTable): void {
    model.entries.delete(this.key);
    const full = model.count(false) >= model.limits.untrustedQuota;
    const result = real.insert(this.key, this.dip, 'r', this.trustedTimeout, model.now);
    expect(result.kind).toBe(full ? 'quota-full' : 'inserted');
    if (!full) {
      model.entries.set(this.key, {
        dip: this.dip,
        lastSeen: model.now,
        trusted: false,
        trustedTimeout: this.trustedTimeout,
      });
    }
  }
  toString = () => `insert(${this.key}, dip ${this.dip}, timeout ${this.trustedTimeout})`;
}

/** A later packet of a flow: a hit refreshes it and trusts it if the trusted quota allows. */
class Lookup implements FlowTableCommand {
  constructor(readonly key: string) {}
  check = () => true;
  run(model: FlowTableModel, real: FlowTable): void {
    const entry = model.live(this.key);
    const roomToTrust = model.count(true) < model.limits.trustedQuota;
    const result = real.lookup(this.key, model.now);
    if (entry === undefined) {
      expect(result.kind).toBe('miss');
      return;
    }
    expect(result).toMatchObject({ kind: 'hit', entry: { dip: entry.dip } });
    entry.lastSeen = model.now;
    if (!entry.trusted && roomToTrust) entry.trusted = true;
  }
  toString = () => `lookup(${this.key})`;
}

/** An ICMP error about a flow: the live entry's DIP, nothing changed. */
class Peek implements FlowTableCommand {
  constructor(readonly key: string) {}
  check = () => true;
  run(model: FlowTableModel, real: FlowTable): void {
    expect(real.peek(this.key, model.now)?.dip).toBe(model.live(this.key)?.dip);
  }
  toString = () => `peek(${this.key})`;
}

/** The Mux restarts. */
class Clear implements FlowTableCommand {
  check = () => true;
  run(model: FlowTableModel, real: FlowTable): void {
    real.clear();
    model.entries.clear();
    expect(real.size).toBe(0);
  }
  toString = () => 'clear()';
}

/** Counts never exceed the quotas (live entries), and every live entry is in the table. */
class CheckSizes implements FlowTableCommand {
  check = () => true;
  run(model: FlowTableModel, real: FlowTable): void {
    const live = [...real.entries(model.now)];
    const untrusted = model.count(false);
    const trusted = model.count(true);
    expect(untrusted).toBeLessThanOrEqual(model.limits.untrustedQuota);
    expect(trusted).toBeLessThanOrEqual(model.limits.trustedQuota);
    expect(new Set(live.map(([k]) => k))).toEqual(new Set(model.entries.keys()));
    expect(real.sizes.untrusted).toBeGreaterThanOrEqual(untrusted);
    expect(real.sizes.trusted).toBeGreaterThanOrEqual(trusted);
  }
  toString = () => 'checkSizes()';
}

const advance = fc.constantFrom(1, 5, 9, 10, 11, 14, 15, 16, 39, 41).map((ns) => new Advance(ns));
const insert = fc
  .tuple(key, fc.integer({ min: 1, max: 9 }), fc.constantFrom(...trustedTimeoutsNs))
  .map(([k, dip, timeout]) => new Insert(k, dip, timeout));
const lookup = key.map((k) => new Lookup(k));
const checkSizes = fc.constant(new CheckSizes());
/** Repeats weight the draw: mostly flows arriving, packets and time passing. */
const flowTableCommands = [
  advance,
  advance,
  insert,
  insert,
  insert,
  lookup,
  lookup,
  lookup,
  key.map((k) => new Peek(k)),
  fc.constant(new Clear()),
  checkSizes,
  checkSizes,
];
