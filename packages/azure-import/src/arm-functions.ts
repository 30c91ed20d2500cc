/**
 * The template functions lbsim evaluates, as ARM defines them
 * (https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions):
 * the ones network templates use to build names, addresses and references. Functions that
 * need a deployment (listKeys, newGuid, utcNow, deployment outputs, …) are not here: an
 * expression calling one is reported by its JSON path rather than guessed.
 *
 * Each function gets evaluated arguments (any {@link Unevaluable} argument has already made
 * the call unevaluable) and returns a value or an {@link Unevaluable} saying why not.
 */
import {
  formatResourceId,
  placeholderLocation,
  placeholderResourceGroup,
  placeholderSubscriptionId,
} from './azure-resource-id.ts';
import { Unevaluable } from './unevaluable.ts';

/** A JSON value of a template, or an unevaluable one. */
export type TemplateValue =
  | string
  | number
  | boolean
  | null
  | readonly TemplateValue[]
  | { readonly [key: string]: TemplateValue }
  | Unevaluable;

/** A function of the library: evaluated arguments in, a value out. */
export type ArmFunction = (args: readonly TemplateValue[]) => TemplateValue;

function isObject(value: TemplateValue): value is { readonly [key: string]: TemplateValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Unevaluable);
}

function expectInteger(value: TemplateValue | undefined, what: string): number | Unevaluable {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return new Unevaluable(`${what} needs an integer, got ${JSON.stringify(value)}`);
}

/** The text of a value as `string()` and `concat`/`format` write it. */
export function stringOf(value: TemplateValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * A deterministic 13-character stand-in for `uniqueString(…)`: ARM's real function hashes with
 * the deployment's own inputs (subscription, group), which an import does not have, so the
 * value is stated as a placeholder in the import's notes.
 */
function placeholderUniqueString(args: readonly TemplateValue[]): string {
  let hash = 0x811c9dc5;
  for (const char of args.map(stringOf).join('|')) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let text = '';
  let state = hash;
  for (let i = 0; i < 13; i += 1) {
    text += alphabet[state % 32];
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  }
  return text;
}

function formatText(args: readonly TemplateValue[]): TemplateValue {
  const [pattern, ...values] = args;
  if (typeof pattern !== 'string') return new Unevaluable('format() needs a format string first');
  return pattern.replace(/\{(\d+)(?::[^}]*)?\}/g, (_match, index: string) => {
    const value = values[Number(index)];
    return value === undefined ? '' : stringOf(value);
  });
}

function concatValues(args: readonly TemplateValue[]): TemplateValue {
  if (args.length > 0 && args.every(Array.isArray)) return args.flatMap((value) => value as TemplateValue[]);
  return args.map(stringOf).join('');
}

function unionValues(args: readonly TemplateValue[]): TemplateValue {
  if (args.every(Array.isArray)) {
    const seen = new Set<string>();
    return args
      .flatMap((value) => value as TemplateValue[])
      .filter((item) => {
        const key = JSON.stringify(item);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
  }
  if (args.every(isObject)) return Object.assign({}, ...args) as TemplateValue;
  return new Unevaluable('union() takes all arrays or all objects');
}

/**
 * `resourceId([subscriptionId], [resourceGroupName], resourceType, name1, name2, …)`: the type is
 * the first argument holding a `/`; any arguments before it are the subscription and group.
 */
function resourceIdOf(args: readonly TemplateValue[]): TemplateValue {
  const strings = args.map(stringOf);
  const typeAt = strings.findIndex((text) => text.includes('/'));
  if (typeAt === -1)
    return new Unevaluable('resourceId() needs a resource type such as Microsoft.Network/loadBalancers');
  const scope = strings.slice(0, typeAt);
  const subscription = scope.length === 2 ? (scope[0] as string) : placeholderSubscriptionId;
  const group = scope.length >= 1 ? (scope[scope.length - 1] as string) : placeholderResourceGroup;
  return formatResourceId(strings[typeAt] as string, strings.slice(typeAt + 1), subscription, group);
}

function rangeOf(args: readonly TemplateValue[]): TemplateValue {
  const start = expectInteger(args[0], 'range()');
  const count = expectInteger(args[1], 'range()');
  if (start instanceof Unevaluable) return start;
  if (count instanceof Unevaluable) return count;
  if (count < 0 || count > 10_000) return new Unevaluable(`range() count ${count} is outside 0..10000`);
  return Array.from({ length: count }, (_, i) => start + i);
}

function arithmetic(name: string, operate: (a: number, b: number) => number): ArmFunction {
  return (args) => {
    const a = expectInteger(args[0], `${name}()`);
    const b = expectInteger(args[1], `${name}()`);
    if (a instanceof Unevaluable) return a;
    if (b instanceof Unevaluable) return b;
    if ((name === 'div' || name === 'mod') && b === 0) return new Unevaluable(`${name}() by zero`);
    return operate(a, b);
  };
}

function lengthOf(value: TemplateValue | undefined): TemplateValue {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (value !== undefined && isObject(value)) return Object.keys(value).length;
  return new Unevaluable('length() takes a string, array or object');
}

function isEmpty(value: TemplateValue | undefined): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string' || Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).length === 0;
}

function containsValue(container: TemplateValue | undefined, item: TemplateValue | undefined): TemplateValue {
  if (typeof container === 'string') return container.toLowerCase().includes(stringOf(item ?? '').toLowerCase());
  if (Array.isArray(container)) return container.some((entry) => JSON.stringify(entry) === JSON.stringify(item));
  if (container !== undefined && isObject(container)) {
    const key = stringOf(item ?? '').toLowerCase();
    return Object.keys(container).some((name) => name.toLowerCase() === key);
  }
  return new Unevaluable('contains() takes a string, array or object');
}

function toInteger(value: TemplateValue | undefined): TemplateValue {
  return expectInteger(value, 'int()');
}

function toBoolean(value: TemplateValue | undefined): TemplateValue {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  if (typeof value === 'number') return value !== 0;
  return new Unevaluable(`bool() cannot read ${JSON.stringify(value)}`);
}

function equalValues(a: TemplateValue | undefined, b: TemplateValue | undefined): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return JSON.stringify(a) === JSON.stringify(b);
}

function stringFunction(
  name: string,
  operate: (text: string, args: readonly TemplateValue[]) => TemplateValue,
): ArmFunction {
  return (args) => {
    const text = args[0];
    if (typeof text !== 'string') return new Unevaluable(`${name}() needs a string, got ${JSON.stringify(text)}`);
    return operate(text, args.slice(1));
  };
}

/** The placeholder `resourceGroup()` object: the values an import states it assumed. */
const resourceGroupObject: TemplateValue = {
  id: `/subscriptions/${placeholderSubscriptionId}/resourceGroups/${placeholderResourceGroup}`,
  name: placeholderResourceGroup,
  location: placeholderLocation,
  type: 'Microsoft.Resources/resourceGroups',
  properties: { provisioningState: 'Succeeded' },
};

/** The placeholder `subscription()` object. */
const subscriptionObject: TemplateValue = {
  id: `/subscriptions/${placeholderSubscriptionId}`,
  subscriptionId: placeholderSubscriptionId,
  tenantId: placeholderSubscriptionId,
  displayName: 'placeholder subscription',
};

/** The library, by lower-case name (ARM function names are case-insensitive). */
export const armFunctions: ReadonlyMap<string, ArmFunction> = new Map<string, ArmFunction>([
  ['concat', concatValues],
  ['format', formatText],
  ['resourceid', resourceIdOf],
  ['createarray', (args) => [...args]],
  [
    'createobject',
    (args) => {
      const entries: [string, TemplateValue][] = [];
      for (let i = 0; i + 1 < args.length; i += 2)
        entries.push([stringOf(args[i] as TemplateValue), args[i + 1] as TemplateValue]);
      return Object.fromEntries(entries);
    },
  ],
  ['union', unionValues],
  [
    'split',
    stringFunction('split', (text, [separator]) => {
      const separators = Array.isArray(separator) ? separator.map(stringOf) : [stringOf(separator ?? '')];
      return separators.reduce<string[]>((parts, sep) => parts.flatMap((part) => part.split(sep)), [text]);
    }),
  ],
  ['string', ([value]) => stringOf(value ?? '')],
  ['int', ([value]) => toInteger(value)],
  ['bool', ([value]) => toBoolean(value)],
  ['tolower', stringFunction('toLower', (text) => text.toLowerCase())],
  ['toupper', stringFunction('toUpper', (text) => text.toUpperCase())],
  ['trim', stringFunction('trim', (text) => text.trim())],
  [
    'replace',
    stringFunction('replace', (text, [from, to]) => text.split(stringOf(from ?? '')).join(stringOf(to ?? ''))),
  ],
  [
    'substring',
    stringFunction('substring', (text, [start, length]) => {
      const from = expectInteger(start ?? 0, 'substring()');
      if (from instanceof Unevaluable) return from;
      const count = length === undefined ? text.length - from : expectInteger(length, 'substring()');
      if (count instanceof Unevaluable) return count;
      return text.substring(from, from + count);
    }),
  ],
  [
    'startswith',
    stringFunction('startsWith', (text, [prefix]) =>
      text.toLowerCase().startsWith(stringOf(prefix ?? '').toLowerCase()),
    ),
  ],
  [
    'endswith',
    stringFunction('endsWith', (text, [suffix]) => text.toLowerCase().endsWith(stringOf(suffix ?? '').toLowerCase())),
  ],
  ['uniquestring', (args) => placeholderUniqueString(args)],
  ['resourcegroup', () => resourceGroupObject],
  ['subscription', () => subscriptionObject],
  ['length', ([value]) => lengthOf(value)],
  ['range', rangeOf],
  ['add', arithmetic('add', (a, b) => a + b)],
  ['sub', arithmetic('sub', (a, b) => a - b)],
  ['mul', arithmetic('mul', (a, b) => a * b)],
  ['div', arithmetic('div', (a, b) => Math.trunc(a / b))],
  ['mod', arithmetic('mod', (a, b) => a % b)],
  ['min', (args) => Math.min(...args.flatMap((value) => (Array.isArray(value) ? value : [value])).map(Number))],
  ['max', (args) => Math.max(...args.flatMap((value) => (Array.isArray(value) ? value : [value])).map(Number))],
  ['equals', ([a, b]) => equalValues(a, b)],
  ['not', ([value]) => value !== true],
  ['and', (args) => args.every((value) => value === true)],
  ['or', (args) => args.some((value) => value === true)],
  ['true', () => true],
  ['false', () => false],
  ['null', () => null],
  ['empty', ([value]) => isEmpty(value)],
  ['contains', ([container, item]) => containsValue(container, item)],
  [
    'first',
    ([value]) => (typeof value === 'string' ? value.slice(0, 1) : Array.isArray(value) ? (value[0] ?? null) : null),
  ],
  [
    'last',
    ([value]) =>
      typeof value === 'string' ? value.slice(-1) : Array.isArray(value) ? (value[value.length - 1] ?? null) : null,
  ],
  ['coalesce', (args) => args.find((value) => value !== null) ?? null],
  ['greater', ([a, b]) => Number(a) > Number(b)],
  ['less', ([a, b]) => Number(a) < Number(b)],
  ['greaterorequals', ([a, b]) => Number(a) >= Number(b)],
  ['lessorequals', ([a, b]) => Number(a) <= Number(b)],
  [
    'json',
    ([value]) => {
      try {
        return JSON.parse(stringOf(value ?? 'null')) as TemplateValue;
      } catch {
        return new Unevaluable('json() got text that is not JSON');
      }
    },
  ],
]);
