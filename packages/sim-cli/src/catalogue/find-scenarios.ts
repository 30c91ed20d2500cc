/**
 * Finding scenario files: the catalogue's layout is one folder per failure mode,
 * `scenarios/<id>/<variant>.yaml` (variants `broken`, `fixed`, `broken-<what>`,
 * `fixed-<what>`), plus stand-alone `scenarios/<name>.yaml`. Any folder of YAML files works
 * the same way; folders are walked to any depth and the id is the folder's path.
 */
import { readdirSync, statSync } from 'node:fs';
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

function listYamlFiles(directory: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    const stats = statSync(path);
    if (stats.isDirectory()) files.push(...listYamlFiles(path));
    else if (stats.isFile() && /\.ya?ml$/.test(name)) files.push(path);
  }
  return files;
}

/**
 * Every scenario file under `directory`, in catalogue order: by id, then broken before fixed.
 * A file given instead of a directory is a catalogue of one.
 * @returns the entries, or a message when the directory cannot be read
 */
export function findScenarios(
  directory: string,
): { readonly ok: true; readonly entries: CatalogueEntry[] } | { readonly ok: false; readonly error: string } {
  let files: string[];
  try {
    if (!statSync(directory).isDirectory()) {
      return { ok: true, entries: [{ path: directory, id: basename(directory).replace(/\.ya?ml$/, ''), variant: '' }] };
    }
    files = listYamlFiles(directory);
  } catch (error) {
    return { ok: false, error: `cannot read ${directory}: ${describeError(error)}` };
  }
  const entries = files.map((path) => {
    const parts = relative(directory, path).split(sep);
    const base = (parts.at(-1) ?? path).replace(/\.ya?ml$/, '');
    if (parts.length <= 1) return { path, id: base, variant: '' };
    return { path, id: parts.slice(0, -1).join('/'), variant: base };
  });
  return { ok: true, entries: entries.sort(compareEntries) };
}
