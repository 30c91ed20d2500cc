import { describe, expect, it } from 'vitest';
import { firstTooDeep } from '../src/load/yaml-nesting.ts';

describe('firstTooDeep', () => {
  it('counts block and flow collections, keys included, and finds the first one too deep', () => {
    expect(firstTooDeep('a: 1\n', 1)).toBeUndefined();
    expect(firstTooDeep('a: { b: [1] }\n', 3)).toBeUndefined();
    expect(firstTooDeep('a: { b: [1] }\n', 2)).toEqual({ line: 1, column: 9 });
    expect(firstTooDeep('- - - x\n', 2)).toEqual({ line: 1, column: 5 });
    expect(firstTooDeep('? [[1]]\n: v\n', 2)).toEqual({ line: 1, column: 4 });
  });

  it('measures any depth without overflowing the stack', () => {
    expect(firstTooDeep('['.repeat(200_000), 64)).toEqual({ line: 1, column: 65 });
  });
});
