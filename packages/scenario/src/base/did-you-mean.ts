/**
 * Suggestions for misspelt names in validation messages.
 */
import { closest, distance } from 'fastest-levenshtein';

/** ` (did you mean "x"?)` for a close name, else the names that exist (up to 10), else ''. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return ' (there are none)';
  const best = closest(name, [...candidates]);
  if (distance(name, best) <= Math.max(2, Math.floor(name.length / 3))) return ` (did you mean "${best}"?)`;
  const listed = candidates.slice(0, 10).map((candidate) => `"${candidate}"`);
  return ` (known: ${listed.join(', ')}${candidates.length > 10 ? ', …' : ''})`;
}
