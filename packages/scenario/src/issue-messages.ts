/**
 * Plain-language messages for schema problems zod reports without a message of ours.
 * Passed per parse (never set globally), so other users of zod in the process are unaffected.
 */
import type { z } from 'zod';
import { quoted } from './diagnostic.ts';
import { didYouMean } from './did-you-mean.ts';

/** A value from the file for a message: `null`, `a list`, `.nan`, `80`, `"web-1"` (at most 40 characters). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  // YAML's names for what JSON has none for (JSON.stringify would say null).
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
  }
  if (typeof value === 'string') return quoted(value, 40);
  return quoted(String(value), 40).slice(1, -1);
}

const typeNames: Readonly<Record<string, string>> = {
  object: 'a mapping of keys',
  array: 'a list',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/**
 * `expected "a" or "b", got …`; a long list (drop reasons, say) is not spelt out: the closest
 * value is suggested instead, or the first few are named.
 */
function describeInvalidValue(values: readonly unknown[], input: unknown): string {
  if (values.length <= 8) {
    return `expected ${values.map((value) => JSON.stringify(value)).join(' or ')}, got ${describeValue(input)}`;
  }
  const names = values.map(String);
  const hint = typeof input === 'string' ? didYouMean(input, names) : didYouMean('', names);
  return `expected one of ${values.length} values${hint}, got ${describeValue(input)}`;
}

/** The error map for scenario parsing. */
export const scenarioIssueMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `expected ${typeNames[issue.expected] ?? issue.expected}, got ${describeValue(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'array')
        return `needs at least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return 'must not be empty';
      return `must be at least ${issue.minimum}, got ${describeValue(issue.input)}`;
    case 'too_big':
      if (issue.origin === 'array') return `has more than ${issue.maximum} items`;
      return `must be at most ${issue.maximum}, got ${describeValue(issue.input)}`;
    case 'invalid_value':
      if (issue.input === undefined) return 'is required';
      return describeInvalidValue(issue.values, issue.input);
    case 'invalid_format':
      return `is not a valid ${issue.format}: ${describeValue(issue.input)}`;
    default:
      return undefined;
  }
};
