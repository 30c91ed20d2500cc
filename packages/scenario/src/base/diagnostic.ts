/**
 * Problems found in a scenario file, with where they are.
 *
 * The folder base/ is the lowest of the package: the vocabulary every stage speaks. It takes
 * nothing from the other folders and gives diagnostics and document paths (diagnostic.ts,
 * path-issue.ts, did-you-mean.ts) and the shapes of a run's result (run-result.ts,
 * explanation.ts, failure-modes.ts), so a later stage's output type is no reason to import it.
 */

/** A path into the scenario document: keys and array indexes. */
export type DocumentPath = readonly (string | number)[];

/** One problem (error) or note (warning) about a scenario file. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  /** The file as the user named it. */
  readonly file: string;
  /** 1-based line, when the problem has a place in the file. */
  readonly line: number | undefined;
  /** 1-based column. */
  readonly column: number | undefined;
  /** Where in the document, e.g. `loadBalancers[0].rules[1].frontend`; empty for the root. */
  readonly path: string;
  readonly message: string;
}

/** Whether a UTF-16 code unit would break a one-line message: C0 controls, DEL, C1, U+2028/9. */
function isUnprintable(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
}

const namedEscapes: Readonly<Record<number, string>> = { 9: '\\t', 10: '\\n', 13: '\\r' };

/**
 * `text` fit for one line of a terminal: control characters and line separators written as
 * escapes (`\n`, `\t`, `\u001b`), and at most `max` characters, the middle elided with `…`
 * beyond. Scenario files are user input: a key, name or value echoed in a message must never
 * break the message's line or reach the terminal as an escape sequence.
 */
export function printable(text: string, max: number = Number.POSITIVE_INFINITY): string {
  let escaped = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isUnprintable(code)) continue;
    escaped += text.slice(from, i) + (namedEscapes[code] ?? `\\u${code.toString(16).padStart(4, '0')}`);
    from = i + 1;
  }
  escaped += text.slice(from);
  if (escaped.length <= max) return escaped;
  const head = Math.ceil((max - 1) / 2);
  return `${escaped.slice(0, head)}…${escaped.slice(escaped.length - (max - 1 - head))}`;
}

/** A string from the file, quoted for a message: `"web-1"`; printable, at most 60 characters inside. */
export function quoted(text: string, max = 60): string {
  return `"${printable(text, max)}"`;
}

/** Formats a path as `a.b[0].c` (each key printable and at most 40 characters). */
export function formatDocumentPath(path: DocumentPath): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? printable(part, 40) : `.${printable(part, 40)}`;
  }
  return text;
}

/**
 * Formats a diagnostic as one line: `file:line:col  path  message` (the position and path are
 * left out when there are none; warnings say so). Every part is made {@link printable}, so the
 * line stays one line whatever the file name or the file held.
 */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const file = printable(diagnostic.file);
  const place = diagnostic.line === undefined ? file : `${file}:${diagnostic.line}:${diagnostic.column ?? 1}`;
  const path = diagnostic.path === '' ? '' : `  ${printable(diagnostic.path)}`;
  const prefix = diagnostic.severity === 'warning' ? 'warning: ' : '';
  return `${place}${path}  ${prefix}${printable(diagnostic.message)}`;
}
