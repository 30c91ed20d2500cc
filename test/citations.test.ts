/**
 * Every reference a reader meets leads somewhere they can follow (issue 14): in every text
 * file git tracks, a path to a repository file (`docs/*.md`, `scripts/*.ts`, `test/*.ts`,
 * `scenarios/…yaml`, a Markdown link, an `#anchor` of a Markdown file) names a file and heading
 * that exist; the engineers' notes outside the repository are never cited (their relative
 * paths, the design document's name or section sign, a mechanics page other than the one under
 * docs/); every `docs/mechanics.md §N.N` (and `§7.9 item N`) names a section that
 * docs/mechanics.md has; and every source key in square brackets is in its Sources table.
 * One `git ls-files`, then plain reads: no subprocess per file.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from './support.ts';

/** A reference that does not resolve: where, and what is wrong. */
interface Problem {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

const textFile = /\.(?:[cm]?ts|[cm]?js|md|json|ya?ml)$/;
const lockfile = /(?:^|\/)pnpm-lock\.yaml$/;

/** Paths of the text files git tracks, relative to the repository root. */
function trackedTextFiles(): readonly string[] {
  const listing = execFileSync('git', ['ls-files', '-z'], { cwd: repositoryRoot, encoding: 'utf8' });
  return listing.split('\0').filter((path) => textFile.test(path) && !lockfile.test(path));
}

/** Paths of the images git tracks (screenshots the docs show). */
function trackedImages(): readonly string[] {
  const listing = execFileSync('git', ['ls-files', '-z'], { cwd: repositoryRoot, encoding: 'utf8' });
  return listing.split('\0').filter((path) => /\.(?:png|jpe?g|svg)$/.test(path));
}

/** Every tracked path and every folder that holds one, for resolving references. */
function repositoryIndex(paths: readonly string[]) {
  const files = new Set(paths);
  const folders = new Set<string>();
  const basenames = new Set<string>();
  for (const path of paths) {
    basenames.add(posix.basename(path));
    for (let dir = posix.dirname(path); dir !== '.'; dir = posix.dirname(dir)) folders.add(dir);
  }
  const ignoredPatterns = gitignoredFiles();
  /** Whether a reference names an output git ignores (e.g. bench/results.json): not a dangling reference. */
  const ignored = (reference: string) => ignoredPatterns.has(posix.normalize(reference));
  const folderNames = new Set([...folders].map((folder) => posix.basename(folder)));
  /**
   * Whether a path in prose claims to be in this repository: it starts with one of its folders
   * (`docs/`, `packages/`, `core/`, `build/` …), or it is a bare Markdown or TypeScript name. A
   * bare `my-scenario.yaml` is the reader's file, and `articles/…` a path in another project.
   */
  const claimed = (reference: string) => {
    const parts = reference.split('/').filter((part) => part !== '.' && part !== '..' && part !== '');
    if (parts.length === 1) return /\.(?:md|[cm]?ts)$/.test(reference);
    return folderNames.has(parts[0] ?? '');
  };
  return { files, folders, basenames, paths, ignored, claimed };
}

/** The literal file paths .gitignore lists (outputs that are mentioned but never tracked). */
function gitignoredFiles(): ReadonlySet<string> {
  const text = readFileSync(join(repositoryRoot, '.gitignore'), 'utf8');
  return new Set(
    text
      .split('\n')
      .map((line) => line.trim().replace(/^\//, ''))
      .filter((line) => line !== '' && !line.startsWith('#') && !/[*?[\]]/.test(line) && !line.endsWith('/')),
  );
}
type RepositoryIndex = ReturnType<typeof repositoryIndex>;

/** GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces to hyphens. */
function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown text's headings (outside fenced code). */
function markdownAnchors(text: string): ReadonlySet<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*)$/.exec(line);
    if (heading?.[1] !== undefined) anchors.add(headingSlug(heading[1]));
  }
  return anchors;
}

/** The 1-based line of an offset in a text. */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}

/**
 * Whether `reference` names a tracked file or folder: from the root, from the citing file's
 * folder, by its name alone (a bare `hairpin.ts`), or as an abbreviation of a tracked path
 * whose folders include the reference's in order (`core/stack/tcp-config.ts`).
 */
function resolves(reference: string, from: string, index: RepositoryIndex): boolean {
  const trimmed = reference.replace(/\/$/, '');
  const candidates = [posix.normalize(trimmed), posix.normalize(posix.join(posix.dirname(from), trimmed))];
  if (candidates.some((c) => index.files.has(c) || index.folders.has(c))) return true;
  if (!trimmed.includes('/')) return index.basenames.has(trimmed);
  const parts = trimmed.split('/').filter((part) => part !== '.' && part !== '..');
  const name = parts.pop();
  return index.paths.some((path) => {
    if (posix.basename(path) !== name) return false;
    const folders = posix.dirname(path).split('/');
    let at = 0;
    for (const folder of folders) if (folder === parts[at]) at += 1;
    return at === parts.length;
  });
}

/** The anchors of a tracked Markdown file, read once. */
function anchorReader(): (path: string) => ReadonlySet<string> {
  const cache = new Map<string, ReadonlySet<string>>();
  return (path) => {
    let anchors = cache.get(path);
    if (anchors === undefined) {
      anchors = markdownAnchors(readFileSync(join(repositoryRoot, path), 'utf8'));
      cache.set(path, anchors);
    }
    return anchors;
  };
}

/** The tracked Markdown file a resolved reference names, or undefined. */
function markdownTarget(reference: string, from: string, index: RepositoryIndex): string | undefined {
  const candidates = [posix.normalize(reference), posix.normalize(posix.join(posix.dirname(from), reference))];
  return candidates.find((c) => c.endsWith('.md') && index.files.has(c));
}

const markdownLink = /\[[^\]\n]*\]\(([^)\s]+)\)/g;
const pathReference =
  /(?<![\w@.*/\\$<{-])((?:\.{1,2}\/)*(?:[\w.-]+\/)*[\w.-]+\.(?:md|[cm]?ts|mjs|json|ya?ml))(?![\w/-])(#[\w-]+)?/g;
const forbidden: readonly (readonly [RegExp, string])[] = [
  [/\.\.\/shared\b|\bshared\/(?:reference|DESIGN)/g, 'cites the shared notes outside the repository'],
  [/\bDESIGN(?:\.md\b|\s+§)/g, 'cites the design notes outside the repository; cite docs/ instead'],
  [/(?<!docs\/)\bmechanics\.md\b/g, 'cites a mechanics page other than docs/mechanics.md'],
];

/** A stretch of a file's text, by offset. */
interface Span {
  readonly start: number;
  readonly end: number;
}

const regexAfterWord = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'yield',
  'await',
]);

/** Whether a `/` at `at` starts a regular expression, judged by what precedes it. */
function startsRegex(text: string, at: number): boolean {
  let before = at - 1;
  while (before >= 0 && /\s/.test(text[before] ?? '')) before -= 1;
  if (before < 0) return true;
  const previous = text[before] ?? '';
  if (/[(,=:[!&|?{};+\-*%<>~^]/.test(previous)) return true;
  if (!/[\w$]/.test(previous)) return false;
  let wordStart = before;
  while (wordStart > 0 && /[\w$]/.test(text[wordStart - 1] ?? '')) wordStart -= 1;
  return regexAfterWord.has(text.slice(wordStart, before + 1));
}

/** Where a quoted string, regular expression or template text starting at `at` ends (exclusive). */
function skipQuoted(text: string, at: number, quote: string): number {
  let i = at + 1;
  let inClass = false;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === quote && !inClass) return i + 1;
    if (c === '\n' && quote !== '`') return i;
    if (quote === '`' && c === '$' && text[i + 1] === '{') return i;
    if (quote === '/' && (c === '[' || c === ']')) inClass = c === '[';
    i += 1;
  }
  return i;
}

/**
 * The comments of a TypeScript or JavaScript text. A small scanner rather than the compiler's
 * parser, which takes seconds over the repository: it steps over strings, template literals
 * (with nested `${…}`) and regular expressions, so their contents are never taken for comments.
 */
function scriptComments(text: string): Span[] {
  const spans: Span[] = [];
  const templateDepths: number[] = []; // brace depth at which each open `${` resumes its template
  let depth = 0;
  let i = 0;
  /** Steps through template text from its opening `` ` `` or the `}` of a `${…}`. */
  const resumeTemplate = (from: number) => {
    const end = skipQuoted(text, from, '`');
    if (text[end] !== '$' || text[end + 1] !== '{') return end;
    templateDepths.push(depth);
    depth += 1;
    return end + 2;
  };
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      spans.push({ start: i, end: stop });
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      spans.push({ start: i, end: stop });
      i = stop;
    } else if (c === "'" || c === '"') {
      i = skipQuoted(text, i, c);
    } else if (c === '`') {
      i = resumeTemplate(i);
    } else if (c === '/' && startsRegex(text, i)) {
      i = skipQuoted(text, i, '/');
    } else if (c === '{') {
      depth += 1;
      i += 1;
    } else if (c === '}') {
      depth -= 1;
      if (templateDepths.length > 0 && templateDepths[templateDepths.length - 1] === depth) {
        templateDepths.pop();
        i = resumeTemplate(i); // the `}` closes a `${`: the template goes on after it
      } else {
        i += 1;
      }
    } else {
      i += 1;
    }
  }
  return spans;
}

/** The comments of a YAML text: from a `#` at a line's start or after a space, to the line's end. */
function yamlComments(text: string): Span[] {
  return [...text.matchAll(/(?:^|[ \t])(#[^\n]*)/gm)].map((m) => {
    const start = m.index + m[0].length - (m[1] ?? '').length;
    return { start, end: m.index + m[0].length };
  });
}

/**
 * Where a file refers to other files in prose: all of a Markdown file, the comments of code and
 * YAML. Code and data themselves (a property access, a test's made-up file name) are not
 * references; JSON is data throughout.
 */
function proseSpans(file: string, text: string): Span[] {
  if (file.endsWith('.md')) return [{ start: 0, end: text.length }];
  if (/\.ya?ml$/.test(file)) return yamlComments(text);
  if (/\.[cm]?[jt]s$/.test(file)) return scriptComments(text);
  return [];
}

/** Problems with the paths, links and forbidden forms of one file's text. */
function referenceProblems(
  file: string,
  text: string,
  index: RepositoryIndex,
  anchorsOf: (path: string) => ReadonlySet<string>,
): Problem[] {
  const problems: Problem[] = [];
  const report = (offset: number, message: string) => problems.push({ file, line: lineOf(text, offset), message });
  const checkAnchor = (offset: number, target: string | undefined, anchor: string) => {
    if (target !== undefined && !anchorsOf(target).has(anchor)) report(offset, `${target} has no heading #${anchor}`);
  };
  let plain = text;
  if (file.endsWith('.md')) {
    for (const match of text.matchAll(markdownLink)) {
      const target = match[1] ?? '';
      // Link targets are checked here and blanked, so the plain-text checks do not see them.
      plain = plain.slice(0, match.index) + ' '.repeat(match[0].length) + plain.slice(match.index + match[0].length);
      if (/^[a-z][\w+.-]*:/i.test(target)) continue;
      const [path = '', anchor] = target.split('#');
      if (path === '') {
        if (anchor !== undefined) checkAnchor(match.index, file, anchor);
        continue;
      }
      if (!resolves(path, file, index) || path.startsWith('/')) {
        report(match.index, `link to ${path}, which is not in the repository`);
      } else if (anchor !== undefined) {
        checkAnchor(match.index, markdownTarget(path, file, index), anchor);
      }
    }
  }
  for (const [pattern, message] of forbidden) {
    for (const match of plain.matchAll(pattern)) report(match.index, `${match[0]}: ${message}`);
  }
  for (const span of proseSpans(file, plain)) {
    for (const match of plain.slice(span.start, span.end).matchAll(pathReference)) {
      const reference = match[1] ?? '';
      const offset = span.start + match.index;
      if (!resolves(reference, file, index)) {
        if (index.claimed(reference) && !index.ignored(reference)) {
          report(offset, `${reference} is not in the repository`);
        }
      } else if (match[2] !== undefined) {
        checkAnchor(offset, markdownTarget(reference, file, index), match[2].slice(1));
      }
    }
  }
  return problems;
}

/** The numbered sections of docs/mechanics.md and the item numbers of its §7.9 list. */
function mechanicsOutline(text: string) {
  const sections = new Set<string>();
  const items = new Set<number>();
  let current = '';
  for (const line of text.split('\n')) {
    const heading = /^#{2,4}\s+(\d+(?:\.\d+)*)\.?\s/.exec(line);
    if (heading?.[1] !== undefined) {
      current = heading[1];
      sections.add(current);
      continue;
    }
    if (/^#{1,4}\s/.test(line)) current = '';
    const item = current === '7.9' ? /^(\d+)\.\s/.exec(line) : null;
    if (item?.[1] !== undefined) items.add(Number(item[1]));
  }
  return { sections, items };
}

const mechanicsCitation = /docs\/mechanics\.md`?/g;
/** Where the section list after a citation ends: a clause break, or another source's name. */
const citationEnd = /[)[\];:"]|\.\s|\b(?:Ananta|ANANTA|Maglev|MAGLEV|Eisenbud|Katran|KATRAN|RFC|issue)\b/;

/** Problems with the `docs/mechanics.md §…` citations of one file's text. */
function sectionProblems(file: string, text: string, outline: ReturnType<typeof mechanicsOutline>): Problem[] {
  const problems: Problem[] = [];
  for (const match of text.matchAll(mechanicsCitation)) {
    const start = match.index + match[0].length;
    // Join a citation continued on the next comment line.
    const following = text.slice(start, start + 300).replace(/\n[ \t]*(?:\*|\/\/|#)?[ \t]*/g, ' ');
    const end = following.search(citationEnd);
    const list = end === -1 ? following : following.slice(0, end);
    for (const section of list.matchAll(/§(\d+(?:\.\d+)*)(?:\s+items?\s+(\d+(?:\s*(?:,|and)\s*\d+)*))?/g)) {
      const number = section[1] ?? '';
      const where = { file, line: lineOf(text, match.index) };
      if (!outline.sections.has(number)) {
        problems.push({ ...where, message: `docs/mechanics.md has no section ${number}` });
      }
      for (const item of (section[2] ?? '').match(/\d+/g) ?? []) {
        if (number !== '7.9' || !outline.items.has(Number(item))) {
          problems.push({ ...where, message: `docs/mechanics.md §${number} has no item ${item}` });
        }
      }
    }
  }
  return problems;
}

const sourceKey =
  /\b(?:AZ-[A-Z0-9]+(?:-[A-Z0-9]+)*|ANANTA|MAGLEV|KATRAN|BERNAT|HCI-SLB|SDNDIAG|SO-\d+|MSXFAQ-[A-Z]+|WALA-\d+)\b/g;

/** The source keys docs/mechanics.md defines: the first cell of each Sources table row. */
function definedSourceKeys(text: string): ReadonlySet<string> {
  const start = text.indexOf('\n## Sources');
  const end = text.indexOf('\n## ', start + 1);
  const table = text.slice(start, end === -1 ? undefined : end);
  return new Set([...table.matchAll(/^\|?\s*([A-Z][A-Z0-9-]+)\s*\|/gm)].map((m) => m[1] ?? ''));
}

/** Problems with the bracketed source keys of one file's text. */
function sourceKeyProblems(file: string, text: string, defined: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  for (const bracket of text.matchAll(/\[[^\]\n]{1,200}\]/g)) {
    for (const key of bracket[0].matchAll(sourceKey)) {
      if (!defined.has(key[0])) {
        problems.push({
          file,
          line: lineOf(text, bracket.index),
          message: `source ${key[0]} is not in docs/mechanics.md's Sources`,
        });
      }
    }
  }
  return problems;
}

/** Every problem in the repository, as `file:line  message` lines. */
function citationProblems(): string[] {
  const paths = trackedTextFiles();
  // Links may name any tracked file (docs/images/*.png too); only text files are read.
  const index = repositoryIndex([...paths, ...trackedImages()]);
  const anchorsOf = anchorReader();
  const mechanics = readFileSync(join(repositoryRoot, 'docs/mechanics.md'), 'utf8');
  const outline = mechanicsOutline(mechanics);
  const keys = definedSourceKeys(mechanics);
  const problems: Problem[] = [];
  for (const file of paths) {
    let text: string;
    try {
      text = readFileSync(join(repositoryRoot, file), 'utf8');
    } catch {
      continue; // removed in the working tree, not yet from the index
    }
    problems.push(
      ...referenceProblems(file, text, index, anchorsOf),
      ...sectionProblems(file, text, outline),
      ...sourceKeyProblems(file, text, keys),
    );
  }
  return problems.map((p) => `${p.file}:${p.line}  ${p.message}`);
}

describe('references in the repository', () => {
  it('point to files, headings, sections and sources that exist', () => {
    expect(citationProblems().join('\n')).toBe('');
  });

  it('docs/mechanics.md has the sections code and docs cite', () => {
    const outline = mechanicsOutline(readFileSync(join(repositoryRoot, 'docs/mechanics.md'), 'utf8'));
    expect([...outline.sections]).toEqual(expect.arrayContaining(['1.3', '1.4', '2.3', '2.8', '3', '4.5', '7.9']));
    expect([...outline.items]).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  });
});
