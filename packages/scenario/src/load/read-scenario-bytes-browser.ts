/**
 * The browser's stand-in for read-scenario-bytes.ts (package.json `browser` field): a page has
 * no file system, so `loadScenarioFile` there says so and the page loads text with
 * `parseScenarioText` instead. Keeps `node:fs` out of the browser bundle while the loader's
 * other steps stay one code path for the command line and the page.
 */
import type { ReadBytesResult } from './read-scenario-bytes.ts';

/** Always refuses: no files in a browser; the playground passes the editor's text instead. */
export function readScenarioBytes(_file: string, _limitBytes: number): ReadBytesResult {
  return { ok: false, reason: 'cannot be read in a browser: paste the scenario into the editor' };
}
