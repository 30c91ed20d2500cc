import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashFiveTuple, hashThreeTuple, hashTwoTuple, murmur3Words } from '../src/index.ts';
import { propertyTimeoutMs } from '../src/testing/index.ts';

/** Reference MurmurHash3_x86_32 over bytes, written from the algorithm's description. */
function murmur3Bytes(bytes: readonly number[], seed: number): number {
  let h = seed >>> 0;
  const blocks = Math.floor(bytes.length / 4);
  const mix = (k0: number) => {
    let k = Math.imul(k0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    return Math.imul(k, 0x1b873593);
  };
  for (let i = 0; i < blocks; i++) {
    const k =
      (bytes[i * 4] as number) |
      ((bytes[i * 4 + 1] as number) << 8) |
      ((bytes[i * 4 + 2] as number) << 16) |
      ((bytes[i * 4 + 3] as number) << 24);
    h ^= mix(k);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let tail = 0;
  const rest = bytes.length & 3;
  const at = blocks * 4;
  if (rest >= 3) tail ^= (bytes[at + 2] as number) << 16;
  if (rest >= 2) tail ^= (bytes[at + 1] as number) << 8;
  if (rest >= 1) {
    tail ^= bytes[at] as number;
    h ^= mix(tail);
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

describe('MurmurHash3_x86_32', () => {
  it('the reference matches published test vectors', () => {
    expect(murmur3Bytes([], 0)).toBe(0);
    expect(murmur3Bytes([], 1)).toBe(0x514e28b7);
    expect(murmur3Bytes([], 0xffffffff)).toBe(0x81f16f39);
    expect(murmur3Bytes([0, 0, 0, 0], 0)).toBe(0x2362f9de);
    expect(murmur3Bytes(ascii('aaaa'), 0x9747b28c)).toBe(0x5a97808a);
    expect(murmur3Bytes(ascii('Hello, world!'), 0x9747b28c)).toBe(0x24884cba);
    expect(murmur3Bytes(ascii('The quick brown fox jumps over the lazy dog'), 0x9747b28c)).toBe(0x2fa826cd);
  });

  it('hashing words equals hashing their little-endian bytes', { timeout: propertyTimeoutMs() }, () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 8 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (words, seed) => {
          const bytes = words.flatMap((w) => [w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, w >>> 24]);
          expect(murmur3Words(words, seed)).toBe(murmur3Bytes(bytes, seed));
        },
      ),
    );
  });

  it('the unrolled tuple hashes equal the word hash of their documented inputs', {
    timeout: propertyTimeoutMs(),
  }, () => {
    fc.assert(
      fc.property(
        fc.record({
          protocol: fc.constantFrom(6, 17),
          srcAddress: fc.integer({ min: 0, max: 0xffffffff }),
          srcPort: fc.integer({ min: 0, max: 65535 }),
          dstAddress: fc.integer({ min: 0, max: 0xffffffff }),
          dstPort: fc.integer({ min: 0, max: 65535 }),
        }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (t, seed) => {
          expect(hashFiveTuple(t, seed)).toBe(
            murmur3Words([t.srcAddress, t.dstAddress, (t.srcPort << 16) | t.dstPort, t.protocol], seed),
          );
          expect(hashThreeTuple(t, seed)).toBe(murmur3Words([t.srcAddress, t.dstAddress, t.protocol], seed));
          expect(hashTwoTuple(t, seed)).toBe(murmur3Words([t.srcAddress, t.dstAddress], seed));
        },
      ),
    );
  });

  it('spreads sequential source ports evenly over a few buckets', () => {
    const buckets = [0, 0, 0];
    for (let port = 40000; port < 43000; port++) {
      const h = hashFiveTuple(
        { protocol: 6, srcAddress: 0xcb007107, srcPort: port, dstAddress: 0x34aa0a14, dstPort: 80 },
        7,
      );
      buckets[h % 3] = (buckets[h % 3] as number) + 1;
    }
    for (const count of buckets) expect(Math.abs(count - 1000)).toBeLessThan(100);
  });
});
