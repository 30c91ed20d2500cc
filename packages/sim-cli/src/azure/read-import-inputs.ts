/**
 * Reading the files `lbsim import` and `lbsim flow` import: each whole, up to a size limit,
 * as UTF-8 text; a file that cannot be read is a one-line reason, never an exception.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import type { ImportInput } from '@lbsim/azure-import';
import { describeError } from '../output/describe-error.ts';

/** Largest input file read, bytes: an ARM export of a big resource group is a few MiB. */
export const maxImportInputBytes = 32 * 1024 * 1024;

/** The file's text, or why it cannot be read. */
export function readImportInput(file: string): { ok: true; input: ImportInput } | { ok: false; error: string } {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(file, 'r');
    const stats = fstatSync(descriptor);
    if (stats.isDirectory()) return { ok: false, error: `${file} is a directory, not a JSON file` };
    if (stats.size > maxImportInputBytes) {
      return { ok: false, error: `${file} is ${stats.size} bytes, more than the ${maxImportInputBytes} lbsim reads` };
    }
    return { ok: true, input: { file, text: readFileSync(descriptor, 'utf8') } };
  } catch (error) {
    return { ok: false, error: `cannot read ${file}: ${describeError(error)}` };
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

/** Parses `name=value` pairs of `--parameter`; the first malformed one is an error. */
export function parseParameterOverrides(
  pairs: readonly string[],
): { ok: true; overrides: Map<string, string> } | { ok: false; error: string } {
  const overrides = new Map<string, string>();
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) return { ok: false, error: `--parameter takes name=value, got "${pair.slice(0, 80)}"` };
    overrides.set(pair.slice(0, equals), pair.slice(equals + 1));
  }
  return { ok: true, overrides };
}
