/**
 * What the fuzz suites share: arbitraries of bad input (mutated catalogue files, random
 * documents, weird values, binary garbage), the check that a verdict is clear, and a bounded
 * run of whatever loads.
 */
import { readFileSync } from 'node:fs';
import { type Diagnostic, formatDiagnostic, type LoadResult, printable, type Scenario } from '@lbsim/scenario';
import { type ObservedRun, runObserved } from '@lbsim/scenario/testing';
import fc from 'fast-check';
import { expect } from 'vitest';
import { parse, stringify } from 'yaml';
import { catalogueFile, catalogueScenarios } from './support.ts';

/** Every catalogue file's name and text. */
export const catalogueTexts: ReadonlyArray<{ readonly name: string; readonly text: string }> = catalogueScenarios().map(
  (name) => ({ name, text: readFileSync(catalogueFile(name), 'utf8') }),
);

/** Longest diagnostic line accepted as clear (a file name of up to 200 characters included). */
export const maxDiagnosticLength = 600;

/**
 * Asserts that diagnostics are clear: at least one error, each a single printable line of
 * bounded length with a message, no stack frame or internal artefact in it.
 */
export function expectClearDiagnostics(errors: readonly Diagnostic[], warnings: readonly Diagnostic[] = []): void {
  expect(errors.length).toBeGreaterThan(0);
  for (const diagnostic of [...errors, ...warnings]) expectClearLine(formatDiagnostic(diagnostic));
  for (const diagnostic of errors) expect(diagnostic.message.trim()).not.toBe('');
}

/** Asserts that one line of output is clear (see {@link expectClearDiagnostics}). */
export function expectClearLine(line: string): void {
  // No control character or line separator: printing it changes nothing (diagnostic.test.ts).
  expect(printable(line), JSON.stringify(line.slice(0, 200))).toBe(line);
  expect(line.length, line.slice(0, 200)).toBeLessThanOrEqual(maxDiagnosticLength);
  expect(line).not.toMatch(/\bat .+:\d+:\d+\)?$|\[object Object\]|Maximum call stack|internal error/);
}

/** Asserts that a load result is a scenario or clear diagnostics; returns the scenario, if any. */
export function expectClearVerdict(result: LoadResult): Scenario | undefined {
  if (!result.ok) {
    expectClearDiagnostics(result.errors, result.warnings);
    return undefined;
  }
  for (const warning of result.warnings) expectClearLine(formatDiagnostic(warning));
  return result.scenario;
}

/** Most events a fuzzed scenario may run: enough to exercise it, bounded so the suite is fast. */
export const fuzzEventBudget = 20_000;

/**
 * Runs a scenario that loaded, with its event budget capped, and asserts the run is sane: it
 * ends (completed, or stopped at the budget), every packet is accounted for, no packet loops.
 */
export function expectSaneRun(scenario: Scenario): ObservedRun {
  const capped = { ...scenario, eventBudget: Math.min(scenario.eventBudget ?? fuzzEventBudget, fuzzEventBudget) };
  const run = runObserved(capped);
  expect(['completed', 'event-budget-exhausted']).toContain(run.result.status.kind);
  expect(run.packets.unaccounted).toEqual([]);
  expect(run.packets.maxHops).toBeLessThanOrEqual(6);
  return run;
}

/** Values that break naive code: edge numbers, odd strings, odd shapes. */
export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -0,
    -1,
    1,
    0.5,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32,
    2 ** 53 + 2,
    1e308,
    -1e308,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    // Schema maxima: the largest Maglev table, Mux pool, connection count, body, budget.
    10_000_019,
    64,
    10_000_000,
    100_000,
    100_000_000,
    1_000_000_000,
    65_535,
    65_536,
    '',
    ' ',
    '0s',
    '1ns',
    '-1s',
    '1e3s',
    '99999999999h',
    '4min',
    '0.0.0.0',
    '255.255.255.255',
    '168.63.129.16',
    '100.127.0.1',
    '100.127.255.254',
    '10.1.0.4',
    '52.170.10.20:80',
    '10.0.0.0/8',
    '/',
    '../../etc/passwd',
    'mux-1',
    'router',
    '__proto__',
    'constructor',
    'x'.repeat(5000),
    'line one\nline two',
    'tab\there',
    '\u0000nul',
    '\u001b[31mred\u001b[0m',
    'sep\u2028arator',
    'ünïcødé ✓',
    [],
    {},
    [[[[]]]],
    { a: { b: { c: {} } } },
  ),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

/** A random JSON-like document: what a confused user or a broken generator might write. */
export const randomDocument: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 5 }),
  fc.dictionary(
    fc.oneof(
      fc.constantFrom('name', 'hosts', 'loadBalancers', 'traffic', 'network', 'events', 'expect', 'seed', 'duration'),
      fc.string({ maxLength: 12 }),
    ),
    fc.oneof(weirdValue, fc.jsonValue({ maxDepth: 4 })),
    { maxKeys: 8 },
  ),
);

type Path = ReadonlyArray<string | number>;

/** Every path to a value inside `value` (the root included). */
function pathsOf(value: unknown, prefix: Path = [], into: Path[] = []): Path[] {
  into.push(prefix);
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      pathsOf(item, [...prefix, i], into);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], into);
  }
  return into;
}

/** One change to a parsed document. */
type Mutation =
  | { readonly kind: 'delete'; readonly at: number }
  | { readonly kind: 'replace'; readonly at: number; readonly value: unknown }
  | { readonly kind: 'wrap'; readonly at: number; readonly inList: boolean }
  | { readonly kind: 'rename'; readonly at: number; readonly key: string }
  | { readonly kind: 'duplicate'; readonly at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: weirdValue }),
  fc.record({ kind: fc.constant('wrap' as const), at: fc.nat(), inList: fc.boolean() }),
  fc.record({
    kind: fc.constant('rename' as const),
    at: fc.nat(),
    key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('nmae', 'Hosts', 'backendPool', 'frontend', '')),
  }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
);

/** Applies `change` to `document` (a fresh copy) and returns the result. */
function applyMutation(document: unknown, change: Mutation): unknown {
  const paths = pathsOf(document);
  const path = paths[change.at % paths.length] as Path;
  if (path.length === 0) {
    if (change.kind === 'replace') return change.value;
    if (change.kind === 'wrap') return change.inList ? [document] : { scenario: document };
    return change.kind === 'delete' ? null : document;
  }
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1] as string | number;
  let parent: unknown = document;
  for (const part of parentPath) parent = (parent as Record<string | number, unknown>)[part];
  const container = parent as Record<string | number, unknown>;
  const current = container[last];
  switch (change.kind) {
    case 'delete':
      if (Array.isArray(container)) container.splice(last as number, 1);
      else delete container[last];
      break;
    case 'replace':
      container[last] = change.value;
      break;
    case 'wrap':
      container[last] = change.inList ? [current] : { value: current };
      break;
    case 'rename':
      if (!Array.isArray(container)) {
        delete container[last];
        container[change.key] = current;
      }
      break;
    case 'duplicate':
      if (Array.isArray(container)) container.splice(last as number, 0, structuredClone(current));
      break;
  }
  return document;
}

/** One change to a file's text. */
type TextMutation =
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string }
  | { readonly kind: 'delete-line' | 'duplicate-line'; readonly at: number };

const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.constantFrom(
        '&a ',
        '*a',
        '<<: *a\n',
        '!!binary ',
        '!!set ',
        '!!timestamp ',
        '!foo ',
        '%YAML 1.1\n',
        '---\n',
        '? ',
        '? [a]\n: ',
        '{',
        ']',
        ': ',
        '\t',
        '"',
        '1:20',
        '2001-12-14 ',
        '0755',
        'yes',
      ),
    ),
  }),
  fc.record({ kind: fc.constantFrom('delete-line' as const, 'duplicate-line' as const), at: fc.nat() }),
);

function applyTextMutation(text: string, change: TextMutation): string {
  if (change.kind === 'truncate') return text.slice(0, change.at % (text.length + 1));
  if (change.kind === 'insert') {
    const at = change.at % (text.length + 1);
    return text.slice(0, at) + change.text + text.slice(at);
  }
  const lines = text.split('\n');
  const at = change.at % lines.length;
  if (change.kind === 'delete-line') lines.splice(at, 1);
  else lines.splice(at, 0, lines[at] as string);
  return lines.join('\n');
}

/** A catalogue file changed by a few structural mutations, then maybe a few textual ones. */
export const mutatedCatalogueFile: fc.Arbitrary<{ readonly name: string; readonly text: string }> = fc
  .record({
    file: fc.constantFrom(...catalogueTexts),
    structural: fc.array(mutation, { minLength: 1, maxLength: 3 }),
    textual: fc.array(textMutation, { maxLength: 2 }),
  })
  .map(({ file, structural, textual }) => {
    let document: unknown = parse(file.text);
    for (const change of structural) document = applyMutation(document, change);
    let text = stringify(document);
    for (const change of textual) text = applyTextMutation(text, change);
    return { name: file.name, text };
  });

/** Bytes that are not a text file, or barely. */
export const binaryGarbage: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => new Uint8Array([0x0a, 0x0d, 0x0d, 0x0a, ...bytes])),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Uint8Array.from(bytes, (b) => (b === 0 ? 0xff : b))),
);

/** Control characters and line separators, alone and as a terminal escape sequence. */
export const controlText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '\u0000',
    '\u0007',
    '\b',
    '\t',
    '\n',
    '\r',
    '\u001b',
    '\u007f',
    '\u0085',
    '\u009b',
    '\u2028',
    '\u2029',
  ),
  fc.constantFrom('\u001b[2J', '\u001b]0;title\u0007', '\u001b[31m'),
  fc.string({ unit: fc.integer({ min: 0, max: 0x9f }).map((code) => String.fromCharCode(code)), maxLength: 6 }),
);

/** Every string in `value` (keys kept) with `insert(path)` added at a point of each: control characters in every field. */
function withControlCharacters(value: unknown, insert: (i: number) => string, counter = { i: 0 }): unknown {
  if (typeof value === 'string') {
    const at = counter.i % (value.length + 1);
    return value.slice(0, at) + insert(counter.i++) + value.slice(at);
  }
  if (Array.isArray(value)) return value.map((item) => withControlCharacters(item, insert, counter));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, withControlCharacters(item, insert, counter)]),
    );
  }
  return value;
}

/** A catalogue file with control characters in every string field (names, addresses, paths, descriptions). */
export const controlCharacterFile: fc.Arbitrary<string> = fc
  .record({ file: fc.constantFrom(...catalogueTexts), inserts: fc.array(controlText, { minLength: 1, maxLength: 5 }) })
  .map(({ file, inserts }) =>
    stringify(withControlCharacters(parse(file.text), (i) => inserts[i % inserts.length] as string)),
  );

/** Tokens that make YAML errors, anchors, tags or aliases when repeated on one line. */
const lineToken = fc.constantFrom(
  ']',
  '}',
  '&a ',
  '&a x, ',
  '!foo ',
  '!!binary ',
  '*a ',
  '? ',
  ': ',
  ', ',
  '{',
  '[',
  '"',
  "'",
  '- ',
);

/**
 * One long line of YAML: a token repeated thousands of times, maybe after a key (what made the
 * loader quadratic: 32,000 errors on one line took 47 s).
 */
export const longSingleLineDocument: fc.Arbitrary<string> = fc
  .record({
    prefix: fc.constantFrom('', 'a: ', 'name: t\nhosts: ', '[', '{ '),
    tokens: fc.array(lineToken, { minLength: 1, maxLength: 3 }),
    repeat: fc.integer({ min: 1, max: 5_000 }),
  })
  .map(({ prefix, tokens, repeat }) => `${prefix}${tokens.join('').repeat(repeat)}\n`);

/**
 * A catalogue file whose counts are huge: connections, requests, Muxes, table size, event
 * budget, pool changes — the values that made runs exhaust the heap.
 */
export const hugeCountFile: fc.Arbitrary<string> = fc
  .record({
    file: fc.constantFrom(...catalogueTexts),
    connections: fc.constantFrom(1, 1_000, 1_000_000, 10_000_000),
    every: fc.constantFrom('0s', '1ns', '1us', '1ms'),
    requests: fc.constantFrom(1, 1_000, 100_000),
    eventBudget: fc.constantFrom(1, 20_000, 1_000_000_000),
    churn: fc.integer({ min: 0, max: 500 }),
  })
  .map(({ file, connections, every, requests, eventBudget, churn }) => {
    const document = parse(file.text) as Record<string, unknown>;
    const traffic = Array.isArray(document['traffic']) ? (document['traffic'] as Record<string, unknown>[]) : [];
    const lbs = Array.isArray(document['loadBalancers'])
      ? (document['loadBalancers'] as Record<string, unknown>[])
      : [];
    const lb = lbs[0] as { name?: string; backendPools?: { name?: string; members?: unknown[] }[] } | undefined;
    const pool = lb?.backendPools?.[0];
    const member = pool?.members?.[0];
    const events =
      lb?.name === undefined || pool?.name === undefined || typeof member !== 'string'
        ? []
        : Array.from({ length: churn }, (_, i) => ({
            at: `${i + 1}ms`,
            action: 'set-backend-weight',
            loadBalancer: lb.name,
            backendPool: pool.name,
            member,
            weight: (i % 5) + 1,
          }));
    return stringify({
      ...document,
      eventBudget,
      traffic: traffic.map((item) => ({
        ...item,
        connections,
        every,
        ...(item['protocol'] === 'Udp' ? {} : { requests }),
      })),
      events: [...(Array.isArray(document['events']) ? document['events'] : []), ...events],
    });
  });
