/**
 * The `--json` writer: one JSON object per line, each a function of the run alone — no pid,
 * hostname or wall-clock time. Every line starts with `level` (a word) and `atNs` (the virtual
 * time in ns), then the event's fields, then `note` when there is one. Lines go straight to the
 * given writer, synchronously, so they interleave with nothing and tests capture them
 * in-process. (A logging library added nothing here: there are no log levels to filter and no
 * transport to choose, only a fixed line shape; docs/json-output.md describes it.)
 */

/** A JSON-lines writer whose timestamp is virtual time. */
export interface JsonLines {
  /** Sets the virtual time (ns) the next lines carry as `atNs`. */
  setTimeNs(atNs: number): void;
  /** Writes an `info` line: `fields` after `level` and `atNs`, then `note` if given. */
  info(fields: Record<string, unknown>, note?: string): void;
  /** Writes a `warn` line (drops), same shape as {@link JsonLines.info}. */
  warn(fields: Record<string, unknown>, note?: string): void;
}

/** A writer of JSON lines through `write` (one call per line, newline included). */
export function createJsonLines(write: (line: string) => void): JsonLines {
  let nowNs = 0;
  const log = (level: 'info' | 'warn', fields: Record<string, unknown>, note: string | undefined) => {
    const body = JSON.stringify(fields);
    const head = `{"level":"${level}","atNs":${nowNs}`;
    const middle = body === '{}' ? '' : `,${body.slice(1, -1)}`;
    const tail = note === undefined ? '' : `,"note":${JSON.stringify(note)}`;
    write(`${head}${middle}${tail}}\n`);
  };
  return {
    setTimeNs: (atNs) => {
      nowNs = atNs;
    },
    info: (fields, note) => log('info', fields, note),
    warn: (fields, note) => log('warn', fields, note),
  };
}
