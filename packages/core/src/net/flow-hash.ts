/**
 * The seeded flow hash: MurmurHash3 (x86, 32-bit) over the tuple's 32-bit words.
 *
 * Why MurmurHash3: it avalanches fully (every input bit flips each output bit with probability
 * about 1/2), so `hash mod M` for a Maglev table, `hash mod N` for ECMP and the hash of a
 * 2-tuple stay independent of how addresses and ports are structured; it is seedable; and on
 * 32-bit words it is a handful of `Math.imul`s, a few nanoseconds in JavaScript. Toeplitz, the
 * NIC RSS hash, was the alternative: it is linear over GF(2), so structured inputs (sequential
 * ports) map to structured outputs, which a simulator that shows "about 1/N" must avoid.
 * Ananta requires only that every Mux uses the same function and seed (docs/mechanics.md §1.3,
 * [ANANTA §3.3.2]); the real function is unpublished.
 *
 * The words are hashed as MurmurHash3_x86_32 hashes their little-endian bytes, so
 * `murmur3Words([w], seed)` equals the reference hash of the 4 bytes of `w` in little-endian
 * order (tested against the reference vectors).
 *
 * Inputs: 5-tuple = [srcAddress, dstAddress, srcPort << 16 | dstPort, protocol];
 * 3-tuple = [srcAddress, dstAddress, protocol]; 2-tuple = [srcAddress, dstAddress].
 */
import type { FiveTuple } from './five-tuple.ts';

const c1 = 0xcc9e2d51;
const c2 = 0x1b873593;

function mixWord(h: number, word: number): number {
  let k = Math.imul(word, c1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, c2);
  let x = h ^ k;
  x = (x << 13) | (x >>> 19);
  return (Math.imul(x, 5) + 0xe6546b64) | 0;
}

function finalize(h: number, lengthBytes: number): number {
  let x = h ^ lengthBytes;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * MurmurHash3_x86_32 of a sequence of 32-bit words (each taken as 4 little-endian bytes).
 *
 * @param words unsigned or signed 32-bit integers
 * @param seed unsigned 32-bit seed
 * @returns an unsigned 32-bit hash
 */
export function murmur3Words(words: ArrayLike<number>, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < words.length; i++) h = mixWord(h, words[i] as number);
  return finalize(h, words.length * 4);
}

/** {@link murmur3Words} of the one word `word`, without an array. */
export function murmur3Word(word: number, seed: number): number {
  return finalize(mixWord(seed | 0, word), 4);
}

/**
 * Hash of a 5-tuple (`loadDistribution: Default`), unsigned 32-bit.
 * Unrolled {@link murmur3Words} of [src, dst, srcPort << 16 | dstPort, protocol].
 */
export function hashFiveTuple(tuple: FiveTuple, seed: number): number {
  let h = seed | 0;
  h = mixWord(h, tuple.srcAddress);
  h = mixWord(h, tuple.dstAddress);
  h = mixWord(h, (tuple.srcPort << 16) | tuple.dstPort);
  h = mixWord(h, tuple.protocol);
  return finalize(h, 16);
}

/** Hash of the 3-tuple (source IP, destination IP, protocol) — `SourceIPProtocol`. */
export function hashThreeTuple(tuple: FiveTuple, seed: number): number {
  let h = seed | 0;
  h = mixWord(h, tuple.srcAddress);
  h = mixWord(h, tuple.dstAddress);
  h = mixWord(h, tuple.protocol);
  return finalize(h, 12);
}

/** Hash of the 2-tuple (source IP, destination IP) — `SourceIP`. */
export function hashTwoTuple(tuple: FiveTuple, seed: number): number {
  let h = seed | 0;
  h = mixWord(h, tuple.srcAddress);
  h = mixWord(h, tuple.dstAddress);
  return finalize(h, 8);
}

/**
 * Hash of a text (a node or stream name) as MurmurHash3_x86_32 of its UTF-16 code units packed
 * two per word. Used to derive seeds from names, never on the per-packet path.
 */
export function hashString(text: string, seed: number): number {
  const words: number[] = [];
  for (let i = 0; i < text.length; i += 2) {
    words.push(text.charCodeAt(i) | ((i + 1 < text.length ? text.charCodeAt(i + 1) : 0) << 16));
  }
  let h = seed | 0;
  for (const word of words) h = mixWord(h, word);
  return finalize(h, text.length * 2);
}
