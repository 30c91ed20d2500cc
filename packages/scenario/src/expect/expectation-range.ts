/**
 * Ranges of expectations (`{ min, max }`, either optional): testing a value, and saying the
 * range in words.
 */

/** A range; a missing bound is open. */
export type Range = { readonly min?: number | undefined; readonly max?: number | undefined };

/** Whether `value` is within `range`. */
export function within(value: number, range: Range): boolean {
  return (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max);
}

/** The range in words: "exactly 3", "10%–20%", "at least 1", "at most 0". */
export function describeRange(range: Range, asPercent: boolean): string {
  const show = (value: number) => (asPercent ? `${Math.round(value * 1000) / 10}%` : String(value));
  if (range.min !== undefined && range.max !== undefined) {
    return range.min === range.max ? `exactly ${show(range.min)}` : `${show(range.min)}–${show(range.max)}`;
  }
  if (range.min !== undefined) return `at least ${show(range.min)}`;
  if (range.max !== undefined) return `at most ${show(range.max)}`;
  return 'any number';
}
