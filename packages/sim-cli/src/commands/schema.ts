/**
 * `lbsim schema [--write <dir>]`: the JSON Schema (draft-07) of scenario files, printed, or
 * written as `<dir>/scenario.schema.json` so scenarios copied into `<dir>` can point their
 * `# yaml-language-server: $schema=./scenario.schema.json` modeline at a schema beside them.
 * Only an lbsim schema (one whose `$id` is lbsim's) is ever overwritten.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printable, scenarioJsonSchemaText, scenarioSchemaId } from '@lbsim/scenario';
import type { CliIo, ExitCode } from '../io.ts';

/** The file name `--write` uses. */
export const schemaFileName = 'scenario.schema.json';

/** What is at `path` now: nothing, an lbsim schema (safe to replace), or something else (and why). */
function existingFile(path: string): 'none' | 'lbsim-schema' | { readonly reason: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'none';
    return { reason: code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? String(error)})` };
  }
  try {
    const parsed = JSON.parse(text) as { $id?: unknown } | null;
    if (parsed !== null && typeof parsed === 'object' && parsed.$id === scenarioSchemaId) return 'lbsim-schema';
  } catch {
    // Not JSON: not ours.
  }
  return { reason: 'exists and is not an lbsim scenario schema' };
}

/**
 * Prints the schema, or writes it into `directory` (which must exist; an array, from a caller
 * that collects a repeated `--write`, is refused). Exit 0 on success, 2 when the directory is missing or
 * `scenario.schema.json` there is some other file (it is left as it was).
 */
export function schemaCommand(directory: string | readonly string[] | undefined, io: CliIo): ExitCode {
  const text = scenarioJsonSchemaText();
  if (directory === undefined) {
    io.stdout(text);
    return 0;
  }
  if (typeof directory !== 'string') {
    io.stderr('lbsim: give --write once\n');
    return 2;
  }
  if (directory === '') {
    io.stderr('lbsim: --write needs a directory, such as --write .\n');
    return 2;
  }
  const isDirectory = (() => {
    try {
      return statSync(directory).isDirectory();
    } catch {
      return false;
    }
  })();
  if (!isDirectory) {
    io.stderr(`lbsim: ${printable(directory)} is not a directory\n`);
    return 2;
  }
  const target = join(directory, schemaFileName);
  const existing = existingFile(target);
  if (typeof existing === 'object') {
    io.stderr(`lbsim: ${printable(target)} ${existing.reason}; not overwritten\n`);
    return 2;
  }
  try {
    writeFileSync(target, text);
  } catch (error) {
    io.stderr(`lbsim: cannot write ${printable(target)} (${(error as NodeJS.ErrnoException).code ?? String(error)})\n`);
    return 2;
  }
  io.stdout(`wrote ${printable(target)}\n`);
  return 0;
}
