import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyIndexQueue, FlowIndex, flowKeyWordsOf, IndexLinks } from '../src/index.ts';
import { propertyTimeoutMs } from '../src/testing/index.ts';

describe('flow index (open addressing over four-word keys)', () => {
  it('agrees with a Map under any sequence of adds and removes, through growth and deletion shifts', {
    timeout: propertyTimeoutMs(),
  }, () => {
    // Keys from a small space so that adds, removes and re-adds of the same key interleave.
    const step = fc.record({ add: fc.boolean(), key: fc.integer({ min: 0, max: 199 }) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 600 }), (steps) => {
        const index = new FlowIndex(8);
        const model = new Map<number, number>();
        for (const { add, key } of steps) {
          const words = flowKeyWordsOf(6, 0xc6120000 + (key % 7), 1024 + key, 0x34aa0a14, 80);
          const found = index.find(words.a, words.b, words.c, words.d);
          expect(found).toBe(model.get(key) ?? -1);
          if (add && found < 0) {
            const entry = index.add(words.a, words.b, words.c, words.d);
            expect(entry).toBeLessThan(index.capacity);
            expect([...model.values()]).not.toContain(entry);
            model.set(key, entry);
          } else if (!add && found >= 0) {
            index.remove(found);
            model.delete(key);
          }
          expect(index.size).toBe(model.size);
        }
        for (const [key, entry] of model) {
          const words = flowKeyWordsOf(6, 0xc6120000 + (key % 7), 1024 + key, 0x34aa0a14, 80);
          expect(index.find(words.a, words.b, words.c, words.d)).toBe(entry);
          expect(index.keyWord(entry, 2)).toBe(words.c);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keeps queues in order through appends, moves to the back and unlinks', () => {
    const links = new IndexLinks(8);
    const queue = emptyIndexQueue();
    for (const entry of [0, 1, 2, 3]) links.append(queue, entry);
    links.moveToBack(queue, 1);
    links.unlink(queue, 0);
    links.grow(16);
    links.append(queue, 9);
    const order: number[] = [];
    for (let entry = queue.head; entry >= 0; entry = links.next(entry)) order.push(entry);
    expect(order).toEqual([2, 3, 1, 9]);
    expect(queue).toMatchObject({ head: 2, tail: 9, length: 4 });
  });
});
