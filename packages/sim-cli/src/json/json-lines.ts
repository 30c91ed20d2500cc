/**
 * The `--json` writer: pino, set up so every line is a function of the run alone. No pid,
 * hostname or wall-clock time (`base: null`, and the timestamp is the virtual time in ns as
 * `atNs`), level as a word, the message under `note`. Lines go straight to the given writer,
 * synchronously, so they interleave with nothing and tests capture them in-process.
 */
import { pino } from 'pino';

/** A JSON-lines writer whose timestamp is virtual time. */
export interface JsonLines {
  /** Sets the virtual time (ns) the next lines carry as `atNs`. */
  setTimeNs(atNs: number): void;
  /** Writes an `info` line: `fields` after `level` and `atNs`, then `note` if given. */
  info(fields: Record<string, unknown>, note?: string): void;
  /** Writes a `warn` line (drops), same shape as {@link JsonLines.info}. */
  warn(fields: Record<string, unknown>, note?: string): void;
}

/** A pino logger writing one JSON object per line through `write`. */
export function createJsonLines(write: (line: string) => void): JsonLines {
  let nowNs = 0;
  const logger = pino(
    {
      base: null,
      messageKey: 'note',
      timestamp: () => `,"atNs":${nowNs}`,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write },
  );
  const log = (level: 'info' | 'warn', fields: Record<string, unknown>, note: string | undefined) => {
    if (note === undefined) logger[level](fields);
    else logger[level](fields, note);
  };
  return {
    setTimeNs: (atNs) => {
      nowNs = atNs;
    },
    info: (fields, note) => log('info', fields, note),
    warn: (fields, note) => log('warn', fields, note),
  };
}
