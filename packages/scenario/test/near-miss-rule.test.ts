/** What counts as a rule one typo away from the port clients use (issue 15, item 10). */
import { describe, expect, it } from 'vitest';
import { isPortTypo } from '../src/explain/near-miss-rule.ts';

describe('isPortTypo', () => {
  it('takes one digit changed, added or dropped, or two swapped', () => {
    expect(isPortTypo(1433, 1443)).toBe(true);
    expect(isPortTypo(1433, 14330)).toBe(true);
    expect(isPortTypo(8080, 808)).toBe(true);
    expect(isPortTypo(1433, 1343)).toBe(true);
  });

  it('refuses the same port and ports further apart', () => {
    expect(isPortTypo(1433, 1433)).toBe(false);
    expect(isPortTypo(1433, 3389)).toBe(false);
    expect(isPortTypo(80, 443)).toBe(false);
  });
});
