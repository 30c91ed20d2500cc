import { describe, expect, it } from 'vitest';
import { BackendSelectorCache, createBackendSelector, defaultMaglevPermutation } from '../src/index.ts';

const options = { algorithm: 'maglev' as const, maglevTableSize: 251, maglevPermutation: defaultMaglevPermutation };
const a = { dip: 0x0a000004, weight: 1 };
const b = { dip: 0x0a000005, weight: 2 };
const c = { dip: 0x0a000006, weight: 1 };

describe('BackendSelectorCache', () => {
  it('builds one selector per set of (DIP, weight), whatever the order, and it selects as a fresh one', () => {
    const cache = new BackendSelectorCache(options);
    const first = cache.selectorFor([a, b]);
    expect(cache.selectorFor([b, a])).toBe(first);
    const second = cache.selectorFor([a, { ...b, weight: 1 }]);
    expect(second).not.toBe(first);
    second.select(0);
    first.select(0);
    expect(cache.builds).toBe(2);
    const fresh = createBackendSelector([a, b], options);
    for (let hash = 0; hash < 1000; hash++) expect(first.select(hash * 7919)).toBe(fresh.select(hash * 7919));
    expect(cache.builds).toBe(2);
  });

  it('builds a Maglev table on its first selection: DIP lists no packet meets cost no build', () => {
    // Arrange: DIPs come up one at a time, as while a pool starts.
    const cache = new BackendSelectorCache(options);
    cache.selectorFor([a]);
    cache.selectorFor([a, b]);
    const all = cache.selectorFor([a, b, c]);
    expect(cache.builds).toBe(0);
    // Act: the first packet selects.
    const dip = all.select(12345);
    // Assert: one build, and the answer a table built at once gives.
    expect(cache.builds).toBe(1);
    expect(dip).toBe(createBackendSelector([a, b, c], options).select(12345));
  });

  it('still refuses bad inputs when the selector is asked for, not at its first packet', () => {
    const cache = new BackendSelectorCache({ ...options, maglevTableSize: 250 });
    expect(() => cache.selectorFor([a])).toThrow(RangeError);
    expect(() => new BackendSelectorCache(options).selectorFor([{ dip: 1, weight: 0 }])).toThrow(RangeError);
  });

  it('keeps at most its slot bound, least recently used out first, and always the newest', () => {
    const cache = new BackendSelectorCache(options, 2 * 251);
    const ab = cache.selectorFor([a, b]);
    cache.selectorFor([a]).select(0);
    cache.selectorFor([a, b]);
    cache.selectorFor([c]);
    // [a] was least recently used: rebuilt; [a, b] stayed.
    expect(cache.selectorFor([a, b])).toBe(ab);
    const builds = cache.builds;
    cache.selectorFor([a]).select(0);
    expect(cache.builds).toBe(builds + 1);
    const tiny = new BackendSelectorCache(options, 1);
    const only = tiny.selectorFor([a]);
    expect(tiny.selectorFor([a])).toBe(only);
  });
});
