/**
 * Plain-language messages for schema problems zod reports without a message of ours.
 * Passed per parse (never set globally), so other users of zod in the process are unaffected.
 */
import type * as z from 'zod';
import { quoted } from '../base/diagnostic.ts';
import { didYouMean } from '../base/did-you-mean.ts';

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

/**
 * The message of a key that is absent but required. The loader turns it into `missing required
 * key "name"` (it knows the key from the issue's path; the error map does not).
 */
export const requiredKeyMessage = 'is required';

/**
 * A schema's own error, except for a missing key, which gets {@link requiredKeyMessage} so that
 * every missing key reads alike whatever the schema would say of a wrong value.
 */
export function unlessMissing(
  message: string | ((issue: { readonly input?: unknown }) => string),
): (issue: { readonly input?: unknown }) => string {
  return (issue) =>
    issue.input === undefined ? requiredKeyMessage : typeof message === 'string' ? message : message(issue);
}

/** The value a discriminated union (the events' `action`) was given, from the object it checked. */
function discriminatorValue(input: unknown, key: string): unknown {
  return input !== null && typeof input === 'object' ? (input as Record<string, unknown>)[key] : undefined;
}

/**
 * `missing required key "action" (one of …)` or `unknown action "stop-listner" (did you mean
 * "stop-listener"?)`, for a discriminated union that found no option.
 */
function describeDiscriminator(key: string, options: readonly unknown[], input: unknown): string {
  const names = options.map(String);
  const value = discriminatorValue(input, key);
  if (value === undefined)
    return `missing required key "${key}" (one of ${names.map((name) => `"${name}"`).join(', ')})`;
  if (typeof value !== 'string') return `expected ${key} as text, got ${describeValue(value)}`;
  return `unknown ${key} ${describeValue(value)}${didYouMean(value, names)}`;
}

/**
 * What a string format asks for, in words: zod's format names (`starts_with`, `cidrv4`, …)
 * are not for users.
 */
function describeFormat(issue: {
  readonly format: string;
  readonly prefix?: string;
  readonly suffix?: string;
  readonly includes?: string;
  readonly pattern?: string;
}): string {
  switch (issue.format) {
    case 'starts_with':
      return `must start with ${JSON.stringify(issue.prefix)}`;
    case 'ends_with':
      return `must end with ${JSON.stringify(issue.suffix)}`;
    case 'includes':
      return `must contain ${JSON.stringify(issue.includes)}`;
    case 'regex':
      return `must match ${issue.pattern ?? 'its pattern'}`;
    case 'ipv4':
      return 'expected an IPv4 address such as 10.1.0.4';
    case 'cidrv4':
      return 'expected an IPv4 prefix such as 10.0.0.0/24';
    default:
      return `expected a ${issue.format.replace(/_/g, ' ')}`;
  }
}

/** The error map for scenario parsing. */
export const scenarioIssueMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_union': {
      const { discriminator, options } = issue as { discriminator?: unknown; options?: readonly unknown[] };
      if (typeof discriminator !== 'string' || options === undefined) return undefined;
      return describeDiscriminator(discriminator, options, issue.input);
    }
    case 'invalid_type':
      if (issue.input === undefined) return requiredKeyMessage;
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
      if (issue.input === undefined) return requiredKeyMessage;
      return describeInvalidValue(issue.values, issue.input);
    case 'invalid_format':
      return `${describeFormat(issue)}, got ${describeValue(issue.input)}`;
    default:
      return undefined;
  }
};

/**
 * The issues with, at each place, only the tightest upper bound broken: a number past both a
 * key's own maximum and the largest safe integer (which `.int()` adds) is told the one that
 * matters, not two maxima.
 */
export function dropLooserBounds(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const tightest = new Map<string, number>();
  for (const issue of issues) {
    if (issue.code !== 'too_big') continue;
    const key = JSON.stringify(issue.path);
    const maximum = Number(issue.maximum);
    tightest.set(key, Math.min(maximum, tightest.get(key) ?? maximum));
  }
  return issues.filter(
    (issue) => issue.code !== 'too_big' || Number(issue.maximum) <= (tightest.get(JSON.stringify(issue.path)) ?? 0),
  );
}
