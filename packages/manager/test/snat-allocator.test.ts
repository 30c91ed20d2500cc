import {
  ControlChannel,
  type ControlReceiver,
  type HostAgentControlMessage,
  ipv4,
  Kernel,
  type MuxControlMessage,
  type SnatPolicy,
} from '@lbsim/core';
import { describe, expect, it } from 'vitest';
import { AnantaManager, SnatAllocator, SnatPortPool, snatPoolKey, snatPortsLeftByRules } from '../src/index.ts';

const vipA = ipv4('52.170.20.30');
const vipB = ipv4('52.170.20.31');
const dip = ipv4('10.1.0.4');
const otherDip = ipv4('10.1.0.5');

function policy(fields: Partial<SnatPolicy> = {}): SnatPolicy {
  return {
    name: 'lb/out',
    dip,
    host: 'host-a',
    vm: 'app-1',
    protocol: 6,
    frontends: [vipA],
    portLimit: 64,
    idleTimeoutNs: 240e9,
    enableTcpReset: false,
    ...fields,
  };
}

const options = { preallocatedPorts: 8, demandWindowNs: 1e9, processingNs: 35e6 };

describe('SNAT port pool of a frontend IP', () => {
  it('offers 64,000 ports less 8 per range a rule port falls in, however many rules share it', () => {
    expect(snatPortsLeftByRules([])).toBe(64_000);
    expect(snatPortsLeftByRules([80, 443])).toBe(63_984);
    expect(snatPortsLeftByRules([80, 81, 87])).toBe(63_992);
    expect(snatPortsLeftByRules([0])).toBe(64_000);
    expect(new SnatPortPool([80, 443]).capacityRanges).toBe(7998);
  });

  it('hands out aligned ranges from 1024 up, lowest first, never one that holds a rule port', () => {
    const pool = new SnatPortPool([1030]);
    expect(pool.take()).toBe(1032);
    expect(pool.take()).toBe(1040);
    pool.give(1032);
    expect(pool.take()).toBe(1032);
    // A rule's range cannot be given back into the pool.
    pool.give(1024);
    expect(pool.take()).toBe(1048);
    expect(pool.rangesOut).toBe(3);
  });

  it('stops at its capacity', () => {
    const pool = new SnatPortPool([80]);
    const taken = Array.from({ length: 8000 }, () => pool.take());
    expect(taken.filter((port) => port !== undefined)).toHaveLength(7999);
    expect(taken.at(-1)).toBeUndefined();
    expect(pool.rangesFree).toBe(0);
  });
});

describe('SNAT allocator', () => {
  it('preallocates when a policy first appears, capped by the allocation', () => {
    const allocator = new SnatAllocator({ ...options, preallocatedPorts: 32 });
    const change = allocator.configure({ policies: [policy({ portLimit: 16 })], blocked: [] }, new Map());
    expect(change.preallocated[0]?.ranges.map((range) => range.firstPort)).toEqual([1024, 1032]);
    expect(allocator.heldPorts(dip, 6)).toBe(16);
    // Configured again, the DIP keeps its ranges and gets no more.
    expect(allocator.configure({ policies: [policy({ portLimit: 16 })], blocked: [] }, new Map()).preallocated).toEqual(
      [],
    );
  });

  it('grants one range, then twice as many to a DIP that asks again within the window, up to 8', () => {
    const allocator = new SnatAllocator({ ...options, preallocatedPorts: 0 });
    allocator.configure({ policies: [policy({ portLimit: 1024 })], blocked: [] }, new Map());
    const sizes = [0, 0.1, 0.2, 0.3, 0.4, 0.5].map((s) => {
      const outcome = allocator.request(dip, 6, s * 1e9);
      return outcome.kind === 'granted' ? outcome.ranges.length : outcome.kind;
    });
    expect(sizes).toEqual([1, 2, 4, 8, 8, 8]);
    // After a quiet spell a request gets one range again.
    const later = allocator.request(dip, 6, 10e9);
    expect(later.kind === 'granted' ? later.ranges.length : later.kind).toBe(1);
  });

  it('drops a request from a DIP whose previous one is still being processed (one outstanding per DIP)', () => {
    const allocator = new SnatAllocator({ ...options, preallocatedPorts: 0 });
    allocator.configure({ policies: [policy(), policy({ dip: otherDip })], blocked: [] }, new Map());
    expect(allocator.request(dip, 6, 0).kind).toBe('granted');
    expect(allocator.request(dip, 6, 10e6).kind).toBe('dropped');
    // Another DIP is served meanwhile: first come, first served.
    expect(allocator.request(otherDip, 6, 10e6).kind).toBe('granted');
    expect(allocator.request(dip, 6, 35e6).kind).toBe('granted');
    expect(allocator.counters).toMatchObject({ requests: 4, droppedRequests: 1, grants: 3 });
  });

  it('refuses beyond the allocation, and uses the next frontend only when the first has no range left', () => {
    const allocator = new SnatAllocator({ ...options, preallocatedPorts: 64_000 });
    const rulePorts = new Map([[snatPoolKey(vipA, 6), [80]]]);
    allocator.configure(
      {
        policies: [policy({ portLimit: 64_000 }), policy({ dip: otherDip, frontends: [vipA, vipB], portLimit: 16 })],
        blocked: [],
      },
      rulePorts,
    );
    // The first DIP took all 7999 ranges vipA had; the second got its two from vipB.
    expect(allocator.heldPorts(dip, 6)).toBe(63_992);
    const second = allocator.owners().filter((owner) => owner.dip === otherDip);
    expect(second.map((owner) => [owner.range.vip, owner.range.firstPort])).toEqual([
      [vipB, 1024],
      [vipB, 1032],
    ]);
    const refused = allocator.request(otherDip, 6, 0);
    expect(refused).toEqual({ kind: 'refused', why: 'it holds all 16 ports of its allocation' });
    expect(allocator.request(dip, 6, 0)).toEqual({
      kind: 'refused',
      why: 'no frontend IP of its policy has a free port range left',
    });
  });

  it("takes back released ranges (only the DIP's own) and revokes those of a policy that is gone", () => {
    const allocator = new SnatAllocator(options);
    allocator.configure({ policies: [policy(), policy({ dip: otherDip })], blocked: [] }, new Map());
    const mine = { vip: vipA, protocol: 6, firstPort: 1024 };
    expect(allocator.release(otherDip, [mine])).toEqual([]);
    expect(allocator.release(dip, [mine])).toEqual([mine]);
    expect(allocator.heldPorts(dip, 6)).toBe(0);
    const change = allocator.configure({ policies: [policy()], blocked: [] }, new Map());
    expect(change.revoked).toEqual([{ range: { vip: vipA, protocol: 6, firstPort: 1032 }, dip: otherDip }]);
    // The freed ranges are handed out again, lowest first.
    expect(allocator.request(dip, 6, 0)).toEqual({ kind: 'granted', ranges: [mine] });
  });
});

describe('the manager serving SNAT requests', () => {
  function setup() {
    const kernel = new Kernel({ seed: 1 });
    const channel = new ControlChannel(kernel);
    const log: string[] = [];
    const summarize = (message: MuxControlMessage | HostAgentControlMessage): string => {
      if (message.kind === 'snat-ranges') return `snat-ranges +${message.add.map((o) => o.range.firstPort).join(',')}`;
      if (message.kind === 'snat-grant') return `snat-grant ${message.ranges.map((r) => r.firstPort).join(',')}`;
      return message.kind;
    };
    const mux: ControlReceiver<MuxControlMessage> = {
      name: 'mux-1',
      receiveControl: (message) => log.push(`${kernel.nowNs / 1e6} ms mux-1 ${summarize(message)}`),
    };
    const agent: ControlReceiver<HostAgentControlMessage> = {
      name: 'host-a',
      receiveControl: (message) => log.push(`${kernel.nowNs / 1e6} ms host-a ${summarize(message)}`),
    };
    const manager = new AnantaManager({
      channel,
      configLatencyNs: 10e6,
      healthLatencyNs: 500e6,
      muxes: [mux],
      hostAgents: new Map([['host-a', agent]]),
      snat: { ...options, preallocatedPorts: 0, rangeReturnIdleNs: 120e9 },
    });
    return { kernel, channel, manager, log };
  }

  it('programs every Mux with a range before the Host Agent that asked gets it, after the processing time', () => {
    const { kernel, manager, log } = setup();
    manager.configure([], { policies: [policy()], blocked: [] });
    kernel.runUntil(20e6);
    log.length = 0;
    manager.receiveControl({ kind: 'snat-request', host: 'host-a', dip, protocol: 6 });
    kernel.runUntil(100e6);
    expect(log).toEqual(['65 ms mux-1 snat-ranges +1024', '65 ms host-a snat-grant 1024']);
  });

  it('tells every Mux when a DIP gives a range back, and a restarted Mux learns every range', () => {
    const { kernel, manager, log } = setup();
    manager.configure([], { policies: [policy()], blocked: [] });
    manager.receiveControl({ kind: 'snat-request', host: 'host-a', dip, protocol: 6 });
    kernel.runUntil(100e6);
    log.length = 0;
    manager.receiveControl({ kind: 'snat-release', dip, ranges: [{ vip: vipA, protocol: 6, firstPort: 1024 }] });
    manager.resync({ name: 'mux-1', receiveControl: (message) => log.push(`resync ${message.kind}`) });
    kernel.runUntil(200e6);
    expect(log).toEqual(['110 ms mux-1 snat-ranges +', 'resync vip-map', 'resync snat-ranges']);
  });
});
