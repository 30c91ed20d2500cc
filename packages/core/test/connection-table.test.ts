/**
 * The connection table (packages/core/src/stack/connection-table.ts) keys connections by a small
 * mixed integer and chains four-tuples that share one: whatever the keys collide on, it must
 * answer as a Map keyed by the whole four-tuple does, iteration order included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConnectionTable } from '../src/stack/connection-table.ts';
import { propertyTimeoutMs } from '../src/testing/index.ts';

type FourTuple = readonly [number, number, number, number];

/** Few distinct values per field, so that operations meet the same four-tuples often. */
const fourTuple = fc.tuple(
  fc.constantFrom(0x0a010004, 0x0a010005, 0xfffffffe),
  fc.constantFrom(80, 443, 50000),
  fc.constantFrom(0xc6120001, 0x80000000, 0),
  fc.constantFrom(1024, 65535, 80),
);

const operation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), tuple: fourTuple, value: fc.integer() }),
  fc.record({ kind: fc.constant('delete' as const), tuple: fourTuple }),
  fc.record({ kind: fc.constant('get' as const), tuple: fourTuple }),
);

const keyOf = (tuple: FourTuple): string => tuple.join('|');

describe('ConnectionTable', () => {
  it('answers get, set, delete and values as a Map keyed by the four-tuple', { timeout: propertyTimeoutMs() }, () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 200 }), (operations) => {
        const table = new ConnectionTable<number>();
        const model = new Map<string, number>();
        for (const op of operations) {
          const [localAddress, localPort, remoteAddress, remotePort] = op.tuple;
          if (op.kind === 'set') {
            table.set(localAddress, localPort, remoteAddress, remotePort, op.value);
            model.set(keyOf(op.tuple), op.value);
          } else if (op.kind === 'delete') {
            table.delete(localAddress, localPort, remoteAddress, remotePort);
            model.delete(keyOf(op.tuple));
          }
          expect(table.get(localAddress, localPort, remoteAddress, remotePort)).toBe(model.get(keyOf(op.tuple)));
        }
        expect(table.values()).toEqual([...model.values()]);
      }),
      { numRuns: 200 },
    );
  });
});
