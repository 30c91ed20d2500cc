/**
 * The load stage: scenario file bytes or YAML text → a {@link Scenario} that fits the schema,
 * with a way to place any later issue at its line and column; or every problem at once.
 *
 * Steps: parse YAML (syntax errors with line:col; duplicate keys are errors; aliases are
 * limited so a "billion laughs" document cannot expand without bound, and nesting so a deep
 * one cannot overflow the stack, see yaml-nesting.ts); validate against the
 * schema (each issue mapped back to the line:col of the offending key or value, misspelt keys
 * get a suggestion). The semantic checks (validate/) come after, in ../load-scenario.ts, which
 * hands their issues back to {@link placeIssues}. Nothing here executes anything from the file.
 */
import { type Document, isMap, isScalar, type LineCounter, type Scalar, type YAMLMap } from 'yaml';
import type * as z from 'zod';
import { type Diagnostic, type DocumentPath, formatDocumentPath, printable, quoted } from '../base/diagnostic.ts';
import type { PathIssue } from '../base/path-issue.ts';
import { heapBytesPerScenarioByte } from '../model/memory-budget.ts';
import { dropLooserBounds, requiredKeyMessage, scenarioIssueMessage } from '../schema/issue-messages.ts';
import { type Scenario, scenarioSchema } from '../schema/scenario.ts';
import { allowedKeysAt, unknownKeyHint } from '../schema/schema-keys.ts';
import { decodeScenarioText } from './decode-scenario-text.ts';
import { readScenarioBytes } from './read-scenario-bytes.ts';
import { documentPathOf, placeTopLevelVms } from './top-level-vms.ts';
import { readYamlDocument } from './yaml-document.ts';
import { duplicateKeyOffsets } from './yaml-duplicate-keys.ts';
import { yamlFeatureIssues } from './yaml-features.ts';
import { maxNestingDepth } from './yaml-nesting.ts';

/** The result of loading: a scenario and its warnings, or the errors (and warnings). */
export type LoadResult =
  | { readonly ok: true; readonly scenario: Scenario; readonly warnings: readonly Diagnostic[] }
  | { readonly ok: false; readonly errors: readonly Diagnostic[]; readonly warnings: readonly Diagnostic[] };

/**
 * How many errors a failed load found: its listed errors, or — when more than
 * {@link maxErrors} were found and the last line only counts the rest — all of them.
 */
export function errorCount(errors: readonly Diagnostic[]): number {
  const last = errors[errors.length - 1];
  const more =
    last !== undefined && last.line === undefined
      ? /^and (\d+) more errors? \(fix these first\)$/.exec(last.message)
      : null;
  return more === null ? errors.length : errors.length - 1 + Number(more[1]);
}

/** Most aliases a document may dereference (yaml's own default is 100). */
const maxAliasCount = 100;
/** Most errors listed for one file; the rest are counted ("and 31900 more errors"). */
export const maxErrors = 100;
/** Largest scenario file accepted, in bytes; catalogue files are a few kilobytes. */
export const maxScenarioBytes = 4 * 1024 * 1024;

/** What the loader knows of the process that will run the scenario. */
export interface WorkLimits {
  /**
   * V8's heap size limit in bytes, read by the CLI (`v8.getHeapStatistics().heap_size_limit`);
   * the default heap of memory-budget.ts when absent.
   */
  readonly heapLimitBytes?: number | undefined;
}

/** Line and column (1-based) of a place in the file; `undefined` when it has none. */
export interface FilePosition {
  readonly line: number | undefined;
  readonly column: number | undefined;
}

/**
 * A scenario that fits the schema, and `place`, which finds the line and column of a path
 * into its document (or of the nearest ancestor that exists).
 */
export interface LoadedDocument {
  readonly scenario: Scenario;
  /** Issues the load stage found after the schema (a scenario with no VM at all). */
  readonly issues: readonly PathIssue[];
  /** Where a path into `scenario` was written: a top-level VM's host is its entry in `vms`. */
  readonly pathInFile: (path: DocumentPath) => DocumentPath;
  readonly place: (path: DocumentPath) => FilePosition;
}

/** The load stage's result: the document, or the errors that stopped it (no warnings yet). */
export type DocumentResult =
  | { readonly ok: true; readonly document: LoadedDocument }
  | Extract<LoadResult, { ok: false }>;

/**
 * Reads a scenario file and loads it up to the schema.
 * @param file path as the user gave it (used in messages)
 * @param limits the heap the run will have, so that a file too large to load is refused
 */
export function readScenarioDocument(file: string, limits: WorkLimits = {}): DocumentResult {
  const read = readScenarioBytes(file, maxScenarioBytes);
  if (!read.ok) return failure(file, read.reason);
  const heapLimitBytes = limits.heapLimitBytes;
  if (heapLimitBytes !== undefined && read.bytes.length * heapBytesPerScenarioByte > heapLimitBytes) {
    const needMiB = Math.ceil((read.bytes.length * heapBytesPerScenarioByte) / 2 ** 20);
    return failure(
      file,
      `is ${read.bytes.length} bytes: loading it takes about ${needMiB} MiB, more than Node's heap of ${Math.floor(heapLimitBytes / 2 ** 20)} MiB; give Node more memory (NODE_OPTIONS=--max-old-space-size=…)`,
    );
  }
  const decoded = decodeScenarioText(read.bytes);
  if (!decoded.ok) {
    const byte = `0x${decoded.byte.toString(16).padStart(2, '0')}`;
    const message = `is not UTF-8 text: byte ${byte} here is not UTF-8; save the file as UTF-8`;
    return {
      ok: false,
      errors: [{ severity: 'error', file, line: decoded.line, column: decoded.column, path: '', message }],
      warnings: [],
    };
  }
  return parseScenarioDocument(decoded.text, file);
}

/** Loads a scenario from text up to the schema; `file` names it in messages. */
export function parseScenarioDocument(text: string, file: string): DocumentResult {
  try {
    return parseWithinStack(text, file);
  } catch (error) {
    // yaml's parser recurses on some nestings its own explicit stack does not cover
    // (`a: "{: "{: "{: …`, found by the soak): the stack overflows before the depth check.
    if (!(error instanceof RangeError && error.message.includes('call stack'))) throw error;
    return failure(file, `YAML: nested too deeply to read; a scenario nests at most ${maxNestingDepth} levels`);
  }
}

function parseWithinStack(text: string, file: string): DocumentResult {
  if (text.includes('\u0000')) return failure(file, 'is not a text file (it contains NUL bytes)');
  // Duplicate keys are found by duplicateKeyOffsets: yaml's own check is quadratic.
  // logLevel 'error': yaml would print warnings on the process's standard error.
  const reading = readYamlDocument(text, { uniqueKeys: false, logLevel: 'error' });
  if (!reading.ok) {
    const message = `YAML: nested more than ${maxNestingDepth} levels deep; a scenario needs far fewer`;
    return { ok: false, errors: [{ severity: 'error', file, ...reading.tooDeep, path: '', message }], warnings: [] };
  }
  const { document, lineCounter } = reading;
  const keyIndexes = new WeakMap<YAMLMap, Map<unknown, Scalar>>();
  const place = (path: DocumentPath, keyOfLast = false) => locate(document, lineCounter, path, keyOfLast, keyIndexes);
  const atOffset = (offset: number, message: string): Diagnostic => {
    const { line, col } = lineCounter.linePos(offset);
    return { severity: 'error', file, line, column: col, path: '', message };
  };
  // Only the first maxErrors are placed: a long line of errors costs no more than a short one.
  const yamlErrors = document.errors
    .slice(0, maxErrors + 1)
    .map((error) => atOffset(error.pos[0], `YAML: ${printable(firstLine(error.message), 160)}`));
  if (yamlErrors.length === 0) {
    for (const offset of duplicateKeyOffsets(document))
      yamlErrors.push(atOffset(offset, 'YAML: Map keys must be unique'));
    for (const issue of yamlFeatureIssues(document)) yamlErrors.push(atOffset(issue.offset, issue.message));
  }
  if (yamlErrors.length > 0) {
    const total = Math.max(document.errors.length, yamlErrors.length);
    return { ok: false, errors: capDiagnostics(sortDiagnostics(yamlErrors), total, file), warnings: [] };
  }

  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount });
  } catch (error) {
    return failure(file, `YAML: ${printable(firstLine((error as Error).message), 160)}`);
  }
  if (data === null || data === undefined) return failure(file, 'is empty; a scenario needs at least name and hosts');
  if (typeof data !== 'object' || Array.isArray(data)) {
    return failure(file, 'must be a mapping of keys (name, hosts, loadBalancers, …), not a list or a single value');
  }

  // jitless: zod otherwise compiles a parser for each object schema with `new Function` on its
  // first parse, which costs a one-shot `lbsim run` 40–100 ms to save about 1 ms.
  const parsed = scenarioSchema.safeParse(data, { error: scenarioIssueMessage, jitless: true });
  if (!parsed.success) {
    const errors = dropLooserBounds(parsed.error.issues).flatMap((issue) => issueDiagnostics(issue, [], file, place));
    return { ok: false, errors: capDiagnostics(sortDiagnostics(errors), errors.length, file), warnings: [] };
  }
  const writtenHosts = parsed.data.hosts.length;
  const placed = placeTopLevelVms(parsed.data);
  const pathInFile = (path: DocumentPath) => documentPathOf(path, writtenHosts);
  return {
    ok: true,
    document: {
      scenario: placed.scenario,
      issues: placed.issues,
      pathInFile,
      place: (path) => place(pathInFile(path)),
    },
  };
}

/**
 * The load's result once the semantic checks have had their say: `issues` placed in the file,
 * errors sorted by place and capped at {@link maxErrors}; the scenario when none is an error.
 */
export function placeIssues(document: LoadedDocument, issues: readonly PathIssue[], file: string): LoadResult {
  const toDiagnostic = (issue: PathIssue): Diagnostic => ({
    severity: issue.severity,
    file,
    ...document.place(issue.path),
    path: formatDocumentPath(document.pathInFile(issue.path)),
    message: issue.message,
  });
  const errors = issues.filter((issue) => issue.severity === 'error').map(toDiagnostic);
  const warnings = issues.filter((issue) => issue.severity === 'warning').map(toDiagnostic);
  if (errors.length > 0)
    return { ok: false, errors: capDiagnostics(sortDiagnostics(errors), errors.length, file), warnings };
  return { ok: true, scenario: document.scenario, warnings };
}

type Locate = (path: DocumentPath, keyOfLast?: boolean) => FilePosition;

function issueDiagnostics(issue: z.core.$ZodIssue, prefix: DocumentPath, file: string, place: Locate): Diagnostic[] {
  const path = [...prefix, ...(issue.path as (string | number)[])];
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(scenarioSchema, path);
    return issue.keys.map((key) => {
      const hint = unknownKeyHint(key, allowed);
      return {
        severity: 'error',
        file,
        ...place([...path, key], true),
        path: formatDocumentPath([...path, key]),
        message: `unknown key ${quoted(key)}${hint}`,
      };
    });
  }
  if (issue.code === 'invalid_union') {
    const branches = issue.errors;
    const best = [...branches].sort((a, b) => a.length - b.length)[0];
    const sameShape = branches.every((branch) => branch.length === 1 && branch[0]?.code === 'invalid_type');
    if (best !== undefined && best.length > 0 && !sameShape) {
      return best.flatMap((inner) => issueDiagnostics(inner, path, file, place));
    }
  }
  const last = path[path.length - 1];
  const message =
    issue.message === requiredKeyMessage && typeof last === 'string'
      ? `missing required key ${quoted(last)}`
      : issue.message;
  return [{ severity: 'error', file, ...place(path), path: formatDocumentPath(path), message }];
}

/**
 * Line and column of the node at `path`, or of its nearest ancestor that exists. With
 * `keyOfLast`, of the last key itself (an unknown key), found through `keyIndexes`: each map's
 * keys indexed once, so placing every key of a huge map stays linear.
 */
function locate(
  document: Document,
  lineCounter: LineCounter,
  path: DocumentPath,
  keyOfLast: boolean,
  keyIndexes: WeakMap<YAMLMap, Map<unknown, Scalar>>,
): { line: number | undefined; column: number | undefined } {
  for (let length = path.length; length >= 0; length--) {
    const prefix = path.slice(0, length);
    let node: unknown;
    if (keyOfLast && length === path.length && length > 0) {
      const parent = document.getIn(prefix.slice(0, -1), true);
      if (isMap(parent)) node = keyIndexOf(parent, keyIndexes).get(prefix[prefix.length - 1]);
    } else {
      node = length === 0 ? document.contents : document.getIn(prefix, true);
    }
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range !== undefined) {
      const position = lineCounter.linePos(range[0]);
      return { line: position.line, column: position.col };
    }
  }
  return { line: undefined, column: undefined };
}

/** The scalar keys of `map` by value (the first of equal keys), built once per map. */
function keyIndexOf(map: YAMLMap, keyIndexes: WeakMap<YAMLMap, Map<unknown, Scalar>>): Map<unknown, Scalar> {
  let index = keyIndexes.get(map);
  if (index === undefined) {
    index = new Map();
    for (const pair of map.items) {
      if (isScalar(pair.key) && !index.has(pair.key.value)) index.set(pair.key.value, pair.key);
    }
    keyIndexes.set(map, index);
  }
  return index;
}

function failure(file: string, message: string): Extract<LoadResult, { ok: false }> {
  return {
    ok: false,
    errors: [{ severity: 'error', file, line: undefined, column: undefined, path: '', message }],
    warnings: [],
  };
}

/**
 * The first {@link maxErrors} of `sorted`, and a last line saying how many more of `total`
 * there are: a file with a hundred thousand mistakes gets a screenful, not a flood.
 */
function capDiagnostics(sorted: Diagnostic[], total: number, file: string): Diagnostic[] {
  if (total <= maxErrors) return sorted;
  const more = total - maxErrors;
  return [
    ...sorted.slice(0, maxErrors),
    {
      severity: 'error',
      file,
      line: undefined,
      column: undefined,
      path: '',
      message: `and ${more} more error${more === 1 ? '' : 's'} (fix these first)`,
    },
  ];
}

function firstLine(message: string): string {
  return (message.split('\n')[0] as string).replace(/ at line \d+, column \d+:?$/, '');
}

function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
