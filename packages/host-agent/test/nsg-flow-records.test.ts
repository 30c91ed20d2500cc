import type { FiveTuple } from '@lbsim/core';
import { propertyTimeoutMs, scaledRuns } from '@lbsim/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NsgFlowRecords, nsgFlowIdleTimeoutNs } from '../src/nsg-flow-records.ts';
import { ReferenceNsgFlowRecords } from './nsg-flow-records-reference.ts';

function tcp(srcAddress: number, srcPort: number, dstAddress: number, dstPort: number): FiveTuple {
  return { protocol: 6, srcAddress, srcPort, dstAddress, dstPort };
}

const client = 0xc6120001;
const vm = 0x0a010004;

describe('NSG flow records', () => {
  it('hold only the flows within the idle timeout: finished flows leave by themselves', () => {
    const records = new NsgFlowRecords();
    const stepNs = nsgFlowIdleTimeoutNs / 10;
    for (let i = 0; i < 1000; i++) {
      const tuple = tcp(client, 1024 + i, vm, 80);
      expect(records.find(tuple, i * stepNs)).toBeUndefined();
      records.record(tuple, 'Inbound', i * stepNs);
    }
    expect(records.size).toBeLessThanOrEqual(11);
  });

  it('answer as the records before issue 20 (c27cf55) did, for any sequence of packets and time', {
    timeout: propertyTimeoutMs(),
  }, () => {
    const tupleArbitrary = fc
      .record({ port: fc.nat(3), reversed: fc.boolean(), other: fc.boolean() })
      .map(({ port, reversed, other }) => {
        const forward = tcp(other ? vm + 1 : client, 40000 + port, vm, 80);
        return reversed ? tcp(forward.dstAddress, forward.dstPort, forward.srcAddress, forward.srcPort) : forward;
      });
    const operationArbitrary = fc.oneof(
      { weight: 1, arbitrary: fc.record({ op: fc.constant('advance' as const), byNs: fc.nat(nsgFlowIdleTimeoutNs) }) },
      {
        weight: 4,
        arbitrary: fc.record({ op: fc.constant('packet' as const), tuple: tupleArbitrary, outbound: fc.boolean() }),
      },
    );
    fc.assert(
      fc.property(fc.array(operationArbitrary, { maxLength: 200 }), (operations) => {
        const records = new NsgFlowRecords();
        const reference = new ReferenceNsgFlowRecords();
        /** Record ids of the new table against the reference's record objects. */
        const idOf = new Map<object, number>();
        let nowNs = 0;
        for (const operation of operations) {
          if (operation.op === 'advance') {
            nowNs += operation.byNs;
            continue;
          }
          // As the Host Agent uses them: a packet of a recorded flow refreshes it, else a new flow is recorded.
          const id = records.find(operation.tuple, nowNs);
          const was = reference.find(operation.tuple, nowNs);
          if (was === undefined) {
            expect(id).toBeUndefined();
            const direction = operation.outbound ? 'Outbound' : 'Inbound';
            idOf.set(
              reference.record(operation.tuple, direction, nowNs),
              records.record(operation.tuple, direction, nowNs),
            );
            expect(records.directionOf(operation.tuple)).toBe(direction);
          } else {
            expect(id).toBe(idOf.get(was));
            expect(records.directionOf(was.initiator)).toBe(was.direction);
          }
        }
      }),
      { numRuns: scaledRuns(300) },
    );
  });
});
