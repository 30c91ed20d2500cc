import type { FiveTuple, NatRule } from '@lbsim/core';
import { propertyTimeoutMs, scaledRuns } from '@lbsim/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type NatEntry, type NatFlow, NatTable, type NatTombstone } from '../src/nat-table.ts';
import { type NatEntry as ReferenceNatEntry, ReferenceNatTable } from './nat-table-reference.ts';

const vip1 = 0x34aa0a14;
const vip2 = 0x34aa0a15;
const dip1 = 0x0a010004;
const dip2 = 0x0a010005;

function natRule(
  name: string,
  vip: number,
  port: number,
  dip: number,
  backendPort: number,
  idleTimeoutNs: number,
  floatingIp = false,
): NatRule {
  return {
    name,
    endpoint: { vip, protocol: 6, port },
    dip,
    backendPort,
    floatingIp,
    idleTimeoutNs,
    enableTcpReset: false,
  };
}

/** Rules with two idle timeouts, an HA-ports rule and a floating-IP rule; no two flows share a reply tuple. */
const rules = [
  natRule('web', vip1, 80, dip1, 8080, 100),
  natRule('admin', vip1, 81, dip1, 8081, 100),
  natRule('tls', vip2, 443, dip2, 443, 250, true),
  natRule('ha', vip2, 444, dip2, 0, 100),
] as const;

/** Client addresses, one above 2^31 (198.18.0.1). */
const clients = [0xc6120001, 0x0a000001] as const;

function inboundOf(rule: NatRule, client: number, clientPort: number): FiveTuple {
  return {
    protocol: 6,
    srcAddress: client,
    srcPort: clientPort,
    dstAddress: rule.endpoint.vip,
    dstPort: rule.endpoint.port,
  };
}

function replyOf(rule: NatRule, inbound: FiveTuple): FiveTuple {
  return {
    protocol: 6,
    srcAddress: rule.floatingIp ? rule.endpoint.vip : rule.dip,
    srcPort: rule.backendPort === 0 ? inbound.dstPort : rule.backendPort,
    dstAddress: inbound.srcAddress,
    dstPort: inbound.srcPort,
  };
}

function findInbound(table: NatTable, tuple: FiveTuple, nowNs: number): NatFlow;
function findInbound(table: ReferenceNatTable, tuple: FiveTuple, nowNs: number): ReferenceNatEntry | undefined;
function findInbound(table: NatTable | ReferenceNatTable, tuple: FiveTuple, nowNs: number) {
  return table.findInbound(tuple.protocol, tuple.srcAddress, tuple.srcPort, tuple.dstAddress, tuple.dstPort, nowNs);
}

function findReply(table: NatTable, tuple: FiveTuple, nowNs: number): NatFlow;
function findReply(table: ReferenceNatTable, tuple: FiveTuple, nowNs: number): ReferenceNatEntry | undefined;
function findReply(table: NatTable | ReferenceNatTable, tuple: FiveTuple, nowNs: number) {
  return table.findReply(tuple.protocol, tuple.srcAddress, tuple.srcPort, tuple.dstAddress, tuple.dstPort, nowNs);
}

function findTombstone(table: NatTable | ReferenceNatTable, tuple: FiveTuple) {
  return table.findTombstone(tuple.protocol, tuple.srcAddress, tuple.srcPort, tuple.dstAddress, tuple.dstPort);
}

/** What a caller can see of a flow of the flat table. */
function flowViewOf(table: NatTable, flow: NatFlow) {
  return flow < 0 ? undefined : viewOf(table.entryOf(flow));
}

/** What a caller can see of an entry. */
function viewOf(entry: NatEntry | ReferenceNatEntry | undefined) {
  if (entry === undefined) return undefined;
  const { rule, inbound, guestAddress, connectionId, lastSeenNs, tcp } = entry;
  return { rule: rule.name, inbound, guestAddress, connectionId, lastSeenNs, tcp: { ...tcp } };
}

function tombstoneViewOf(tombstone: NatTombstone | undefined) {
  return tombstone === undefined ? undefined : { rule: tombstone.rule.name, expiredAtNs: tombstone.expiredAtNs };
}

describe('NAT table', () => {
  it('holds only the flows within their idle timeout: finished flows leave by themselves', () => {
    const table = new NatTable();
    const rule = rules[0];
    // 2,000 flows, one every 10 ns, each answered once 5 ns later, then never seen again;
    // the idle timeout (100 ns) covers 10 of them.
    for (let i = 0; i < 2000; i++) {
      const inbound = inboundOf(rule, clients[i % 2] as number, 1024 + (i >> 1));
      table.create(inbound, rule, i, i * 10);
      expect(findReply(table, replyOf(rule, inbound), i * 10 + 5)).toBeGreaterThanOrEqual(0);
    }
    expect(table.size).toBeLessThanOrEqual(12);
    // A flow that expired long ago is still recognised by its tombstone, expired when its
    // idle timeout ran out (last seen 5 ns after its start, + 100 ns).
    const first = inboundOf(rule, clients[0], 1024);
    expect(findInbound(table, first, 30_000)).toBe(-1);
    expect(tombstoneViewOf(findTombstone(table, first))).toEqual({ rule: 'web', expiredAtNs: 105 });
    expect(tombstoneViewOf(findTombstone(table, replyOf(rule, first)))).toEqual({ rule: 'web', expiredAtNs: 105 });
  });

  it('leaves a flow whose expiry is claimed (a TCP-reset timer) to its claimer', () => {
    const table = new NatTable();
    const rule = rules[0];
    const inbound = inboundOf(rule, clients[0], 5000);
    const entry = table.create(inbound, rule, 1, 0);
    expect(table.claimExpiry(entry)).toBe(true);
    expect(table.claimExpiry(entry)).toBe(false);
    // Another flow's packet long after the timeout: the claimed flow stays for its timer.
    table.create(inboundOf(rule, clients[1], 5001), rule, 2, 500);
    expect(table.size).toBe(2);
    expect(table.isIdle(entry, 500)).toBe(true);
    table.expire(entry, 101);
    expect(tombstoneViewOf(findTombstone(table, inbound))).toEqual({ rule: 'web', expiredAtNs: 101 });
    expect(table.size).toBe(1);
  });

  it("keeps a claimed flow's last state for its claimer when a lookup finds it idle first", () => {
    const table = new NatTable();
    const rule = rules[0];
    const inbound = inboundOf(rule, clients[0], 5000);
    const flow = table.create(inbound, rule, 7, 0);
    table.claimExpiry(flow);
    const generation = table.generationOf(flow);
    // A packet at the nanosecond the timer is due (idle timeout 100 ns), before the timer runs.
    expect(findInbound(table, inbound, 101)).toBe(-1);
    expect(table.generationOf(flow)).not.toBe(generation);
    expect(table.takeLateExpiry(flow, generation)).toMatchObject({ connectionId: 7, lastSeenNs: 0, inbound });
    expect(table.takeLateExpiry(flow, generation)).toBeUndefined();
    expect(tombstoneViewOf(findTombstone(table, inbound))).toEqual({ rule: 'web', expiredAtNs: 100 });
  });

  it('answers as the unbounded table before it (c27cf55) did, for any sequence of packets, timers and time', {
    timeout: propertyTimeoutMs(),
  }, () => {
    const flowArbitrary = fc.record({
      rule: fc.nat(rules.length - 1),
      client: fc.nat(clients.length - 1),
      port: fc.nat(3),
    });
    const operationArbitrary = fc.oneof(
      { weight: 3, arbitrary: fc.record({ op: fc.constant('advance' as const), byNs: fc.nat(120) }) },
      { weight: 5, arbitrary: fc.record({ op: fc.constant('inbound' as const), flow: flowArbitrary }) },
      { weight: 4, arbitrary: fc.record({ op: fc.constant('reply' as const), flow: flowArbitrary }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('peek' as const), flow: flowArbitrary }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('claim' as const), flow: flowArbitrary }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('timer' as const), flow: flowArbitrary }) },
    );
    fc.assert(
      fc.property(fc.array(operationArbitrary, { maxLength: 200 }), (operations) => {
        const table = new NatTable();
        const reference = new ReferenceNatTable();
        /** The latest entry of each flow on both sides, and whether its expiry was claimed. */
        const held = new Map<string, { flow: NatFlow; generation: number; was: ReferenceNatEntry; claimed: boolean }>();
        let nowNs = 0;
        let connectionId = 0;
        for (const operation of operations) {
          if (operation.op === 'advance') {
            nowNs += operation.byNs;
            continue;
          }
          const { flow } = operation;
          const rule = rules[flow.rule] as NatRule;
          const inbound = inboundOf(rule, clients[flow.client] as number, 40000 + flow.port);
          const key = `${flow.rule}|${flow.client}|${flow.port}`;
          switch (operation.op) {
            case 'inbound': {
              const flow = findInbound(table, inbound, nowNs);
              const was = findInbound(reference, inbound, nowNs);
              expect(flowViewOf(table, flow)).toEqual(viewOf(was));
              if (flow < 0 || was === undefined) {
                expect(tombstoneViewOf(findTombstone(table, inbound))).toEqual(
                  tombstoneViewOf(findTombstone(reference, inbound)),
                );
                connectionId++;
                const created = table.create(inbound, rule, connectionId, nowNs);
                held.set(key, {
                  flow: created,
                  generation: table.generationOf(created),
                  was: reference.create(inbound, rule, connectionId, nowNs),
                  claimed: false,
                });
              }
              break;
            }
            case 'reply': {
              const reply = replyOf(rule, inbound);
              const flow = findReply(table, reply, nowNs);
              expect(flowViewOf(table, flow)).toEqual(viewOf(findReply(reference, reply, nowNs)));
              if (flow < 0) {
                expect(tombstoneViewOf(findTombstone(table, reply))).toEqual(
                  tombstoneViewOf(findTombstone(reference, reply)),
                );
              }
              break;
            }
            case 'peek':
              expect(flowViewOf(table, table.peekInbound(inbound, nowNs))).toEqual(
                viewOf(reference.peekInbound(inbound, nowNs)),
              );
              break;
            case 'claim': {
              const both = held.get(key);
              // The Host Agent claims a flow's expiry when it arms its timer, on a packet of the live flow.
              if (both === undefined || table.peekInbound(inbound, nowNs) !== both.flow) break;
              if (table.generationOf(both.flow) !== both.generation) break;
              both.claimed = table.claimExpiry(both.flow) || both.claimed;
              break;
            }
            case 'timer': {
              // A reset timer fires: it expires its idle flow at the time it runs.
              const both = held.get(key);
              if (both === undefined || !both.claimed) break;
              // The Host Agent's timer gives up on a flow a lookup expired (its number may be reused).
              if (table.generationOf(both.flow) !== both.generation) {
                // A lookup expired it first: the old timer still acted on its last state.
                expect(reference.peekInbound(inbound, nowNs)).not.toBe(both.was);
                expect(reference.isIdle(both.was, nowNs)).toBe(true);
                expect(viewOf(table.takeLateExpiry(both.flow, both.generation))).toEqual(viewOf(both.was));
                both.claimed = false;
                break;
              }
              expect(table.isIdle(both.flow, nowNs)).toBe(reference.isIdle(both.was, nowNs));
              if (reference.isIdle(both.was, nowNs)) {
                table.expire(both.flow, nowNs);
                reference.expire(both.was, nowNs);
                both.claimed = false;
              }
              break;
            }
          }
        }
      }),
      { numRuns: scaledRuns(300) },
    );
  });
});
