import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCodePoints, compareNaturalText } from '../src/sim/text-order.ts';
import { propertyTimeoutMs } from '../src/testing/index.ts';

describe('locale-independent text order', () => {
  it('orders by code point: "aa" before "b" (Danish collation would not), astral after U+FFFF', () => {
    expect(['b', 'aa', 'Z', 'a'].sort(compareCodePoints)).toEqual(['Z', 'a', 'aa', 'b']);
    expect(['\u{1F600}', '\uFFFD', 'a'].sort(compareCodePoints)).toEqual(['a', '\uFFFD', '\u{1F600}']);
  });

  it('agrees with the order of UTF-8 bytes', { timeout: propertyTimeoutMs() }, () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
    );
  });

  it('natural order takes digit runs as numbers and is total', { timeout: propertyTimeoutMs() }, () => {
    expect(['mux-10', 'mux-2', 'mux-1', 'mux-02'].sort(compareNaturalText)).toEqual([
      'mux-1',
      'mux-02',
      'mux-2',
      'mux-10',
    ]);
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(Math.sign(compareNaturalText(a, b))).toBe(-Math.sign(compareNaturalText(b, a)));
        if (compareNaturalText(a, b) === 0) expect(a).toBe(b);
      }),
    );
  });
});
