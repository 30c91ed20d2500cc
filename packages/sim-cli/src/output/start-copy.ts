/**
 * The copy a student edits, written by `lbsim exercise start` and `lbsim challenge start`: a
 * missing folder is created (as for the guide's `out/`), a directory is refused, and an existing
 * file is never replaced without `--force`. The refusal uses exclusive creation, so a file that
 * appears between a check and the write is not overwritten either.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Writes `text` (UTF-8) to `file`.
 * @param file the path to write, relative to the current directory or absolute
 * @param force replace an existing file
 * @param suggestedName the file name to suggest when `file` is a directory, e.g. `shop-front.yaml`
 * @returns `undefined` when written, else the one-line reason it was not (for stderr, exit 2)
 */
export function writeStartCopy(file: string, text: string, force: boolean, suggestedName: string): string | undefined {
  if (existsSync(file) && statSync(file).isDirectory())
    return `${file} is a directory: give the file to write, e.g. ${file}/${suggestedName}`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text, { flag: force ? 'w' : 'wx' });
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EEXIST'
      ? `${file} exists: it was left as it is; give another file, or --force to replace it`
      : `cannot write ${file}: ${(error as Error).message}`;
  }
}
