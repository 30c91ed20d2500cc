/**
 * The output edge of text for people: what `run`, `explain`, `validate`, `list` and `test`
 * print passes through here. JSON lines, the schema and the HTML report do their own escaping
 * and do not.
 *
 * Two jobs. Control characters in scenario strings (a probe's `requestPath`, a description)
 * are shown escaped (`\u001b`, `\r`, `\t`) rather than reaching the terminal, where they would
 * clear the screen, set the window title or hide the cursor; line breaks of lbsim's own text
 * are kept. And long lines are fitted to the terminal's width when standard output is one:
 * wrapped at spaces (wrap-ansi), continuation lines indented under their line. Output to a pipe
 * or file is not wrapped, so each record stays on one line for grep and diff; `COLUMNS` asks
 * for wrapping there too (see `outputWidthOf`).
 */
import { printable } from '@lbsim/scenario';
import wrapAnsi from 'wrap-ansi';

/** Narrowest width wrapped to, in columns: below this a terminal's own wrapping reads better. */
const narrowestWidth = 20;

/** Extra indentation of a wrapped line's continuation lines, in columns. */
const continuationIndent = '    ';

/** `text` with every control character but the line break escaped (`\u001b`, `\t`, `\r`). */
export function neutralizeControls(text: string): string {
  return text
    .split('\n')
    .map((line) => printable(line))
    .join('\n');
}

/** One line wrapped to `width` columns, continuation lines indented four beyond the line's own indent. */
function fitLine(line: string, width: number): string {
  // wrap-ansi measures display width (wide characters count two), not string length.
  if (!wrapAnsi(line, width, { hard: true, trim: false }).includes('\n')) return line;
  const indent = /^ */.exec(line)?.[0] ?? '';
  const hanging = indent + continuationIndent;
  // The first line could take `indent` fewer columns than the rest; one width keeps it simple.
  const wrapped = wrapAnsi(line.slice(indent.length), Math.max(1, width - hanging.length), { hard: true, trim: true });
  return wrapped
    .split('\n')
    .map((part, i) => (i === 0 ? indent : hanging) + part)
    .join('\n');
}

/**
 * `text` with every line at most `width` columns, or unchanged when `width` is `undefined`
 * (not a terminal). Lines are wrapped at spaces; a word longer than a line is cut.
 */
export function fitToWidth(text: string, width: number | undefined): string {
  if (width === undefined) return text;
  const columns = Math.max(narrowestWidth, width);
  return text
    .split('\n')
    .map((line) => fitLine(line, columns))
    .join('\n');
}

/** Text for people on standard output: control characters escaped, then fitted to `width`. */
export function terminalText(text: string, width: number | undefined): string {
  return fitToWidth(neutralizeControls(text), width);
}
