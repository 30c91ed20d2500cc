/**
 * Seeded random streams, one per named component.
 *
 * One root seed per run; each component draws from its own stream whose state is derived from
 * (root seed, stream name) alone, so adding a component does not shift anyone else's numbers
 * (ns-3's seed/run/stream, TigerBeetle's PRNG per component). The generator is xoshiro128**
 * (Blackman and Vigna), 32-bit arithmetic only; its state is expanded from the seed with
 * splitmix32. The API hands out integers and integer ratios only — no floats — so results do
 * not depend on a platform's floating-point functions.
 */
import { hashString } from '../net/flow-hash.ts';

function splitmix32(state: number): [next: number, output: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/** A stream of pseudo-random integers (xoshiro128**). */
export class RandomStream {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /**
   * @param seed any 32-bit integer; expanded to the 128-bit state with splitmix32
   */
  constructor(seed: number) {
    let state = seed | 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, output] = splitmix32(state);
      state = next;
      words.push(output);
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /**
   * A uniform integer in [0, n), without modulo bias (rejection sampling).
   * @param n a positive integer up to 2^32
   * @throws RangeError when `n` is not a positive safe integer up to 2^32
   */
  below(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) throw new RangeError(`below(${n})`);
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** A uniform integer in [min, max] (both inclusive). */
  between(min: number, max: number): number {
    return min + this.below(max - min + 1);
  }

  /** True with probability `numerator / denominator` (integers, 0 ≤ numerator ≤ denominator). */
  chance(numerator: number, denominator: number): boolean {
    return this.below(denominator) < numerator;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * The stream for component `name` under `rootSeed`. The same (seed, name) always gives the same
 * stream, whatever other streams exist.
 */
export function randomStream(rootSeed: number, name: string): RandomStream {
  return new RandomStream(hashString(name, rootSeed));
}
