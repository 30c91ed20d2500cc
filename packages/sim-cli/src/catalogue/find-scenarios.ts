/**
 * Finding scenario files: the catalogue's layout is one folder per failure mode,
 * `scenarios/<id>/<variant>.yaml` (variants `broken`, `fixed`, `broken-<what>`,
 * `fixed-<what>`), plus stand-alone `scenarios/<name>.yaml`. Any folder of YAML files works
 * the same way; folders are walked to any depth and the id is the folder's path.
 *
 * An entry that cannot be read — a dangling symbolic link (an editor's lock file such as
 * `.#x.yaml`), a link loop, a folder without permission — is skipped and reported, and the
 * rest of the folder is still found: one bad entry must not hide the whole catalogue.
 */
import { lstatSync, readdirSync, realpathSync, type Stats, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { describeError } from '../output/describe-error.ts';

/** One scenario file found under a directory. */
export interface CatalogueEntry {
  /** The file's path (the directory given, joined with its relative path). */
  readonly path: string;
  /** The folder under the directory (`ilb-self-mapping`), or the file's name for a top-level file. */
  readonly id: string;
  /** The file's name without `.yaml` for files in folders (`broken`); empty for top-level files. */
  readonly variant: string;
}

/** Where a variant sorts: broken ones first, then fixed ones, then anything else. */
function variantRank(variant: string): number {
  if (variant === 'broken') return 0;
  if (variant.startsWith('broken-')) return 1;
  if (variant === 'fixed') return 2;
  if (variant.startsWith('fixed-')) return 3;
  return 4;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareEntries(a: CatalogueEntry, b: CatalogueEntry): number {
  return (
    compareText(a.id, b.id) || variantRank(a.variant) - variantRank(b.variant) || compareText(a.variant, b.variant)
  );
}

/** An entry under the directory that was left out, and why. */
export interface SkippedEntry {
  /** The entry's path (the directory given, joined with its relative path). */
  readonly path: string;
  /** Why, e.g. `a symbolic link to a missing file`. */
  readonly reason: string;
}

/** What a failed `stat` of an entry means for people. */
function describeUnreadable(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return 'a symbolic link loop';
  if (code === 'ENOENT' && isSymbolicLink(path)) return 'a symbolic link to a missing file';
  return `cannot read it (${describeError(error)})`;
}

function isSymbolicLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** `statSync` as a value: the entry's stats, or why it cannot be read. */
function statOf(
  path: string,
): { readonly ok: true; readonly stats: Stats } | { readonly ok: false; readonly reason: string } {
  try {
    return { ok: true, stats: statSync(path) };
  } catch (error) {
    return { ok: false, reason: describeUnreadable(path, error) };
  }
}

/** The YAML files under `directory` and the entries skipped; `ancestors` are real paths of the folders above. */
function walkYamlFiles(directory: string, ancestors: ReadonlySet<string>, skipped: SkippedEntry[]): string[] {
  const files: string[] = [];
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    const stat = statOf(path);
    if (!stat.ok) {
      skipped.push({ path, reason: stat.reason });
      continue;
    }
    if (stat.stats.isDirectory()) files.push(...walkFolder(path, ancestors, skipped));
    else if (stat.stats.isFile() && /\.ya?ml$/.test(name) && !isSweepFile(name)) files.push(path);
  }
  return files;
}

/** Whether a file is a sweep file (`lbsim sweep`, `*.sweep.yaml`) rather than a scenario. */
function isSweepFile(name: string): boolean {
  return /\.sweep\.ya?ml$/.test(name);
}

/** A folder below the directory: walked unless a link leads back to a folder above it, or it cannot be read. */
function walkFolder(path: string, ancestors: ReadonlySet<string>, skipped: SkippedEntry[]): string[] {
  try {
    const real = realpathSync(path);
    if (ancestors.has(real)) {
      skipped.push({ path, reason: 'a symbolic link loop (it leads back to a folder above it)' });
      return [];
    }
    return walkYamlFiles(path, new Set([...ancestors, real]), skipped);
  } catch (error) {
    skipped.push({ path, reason: describeUnreadable(path, error) });
    return [];
  }
}

/**
 * Every scenario file under `directory`, in catalogue order: by id, then broken before fixed.
 * A file given instead of a directory is a catalogue of one.
 * @returns the entries and the entries skipped (by path), or a message when the directory
 *   itself cannot be read
 */
export function findScenarios(
  directory: string,
):
  | { readonly ok: true; readonly entries: CatalogueEntry[]; readonly skipped: SkippedEntry[] }
  | { readonly ok: false; readonly error: string } {
  let files: string[];
  const skipped: SkippedEntry[] = [];
  try {
    if (!statSync(directory).isDirectory()) {
      const entry = { path: directory, id: basename(directory).replace(/\.ya?ml$/, ''), variant: '' };
      return { ok: true, entries: [entry], skipped };
    }
    files = walkYamlFiles(directory, new Set([realpathSync(directory)]), skipped);
  } catch (error) {
    return { ok: false, error: `cannot read ${directory}: ${describeError(error)}` };
  }
  const entries = files.map((path) => {
    const parts = relative(directory, path).split(sep);
    const base = (parts.at(-1) ?? path).replace(/\.ya?ml$/, '');
    if (parts.length <= 1) return { path, id: base, variant: '' };
    return { path, id: parts.slice(0, -1).join('/'), variant: base };
  });
  skipped.sort((a, b) => compareText(a.path, b.path));
  return { ok: true, entries: entries.sort(compareEntries), skipped };
}
