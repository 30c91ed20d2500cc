import { describe, expect, it } from 'vitest';
import { formatDurationNs, nsPerHour, nsPerMinute, nsPerSecond } from '../src/sim/time.ts';

describe('formatDurationNs', () => {
  it('uses the largest unit that divides the duration: hours, minutes, then seconds and below', () => {
    expect(formatDurationNs(1000 * nsPerHour)).toBe('1000h');
    expect(formatDurationNs(90 * nsPerMinute)).toBe('90min');
    expect(formatDurationNs(4 * nsPerMinute)).toBe('4min');
    expect(formatDurationNs(90 * nsPerSecond)).toBe('90s');
    expect(formatDurationNs(1_500_000)).toBe('1.5ms');
    expect(formatDurationNs(0)).toBe('0ns');
  });
});
