/**
 * What `lbsim explain` accepts as its scenario: a file path, or a catalogue id resolved in the
 * catalogue directory — `tw-recycle` means `<dir>/tw-recycle/broken.yaml`, `tw-recycle/fixed`
 * means `<dir>/tw-recycle/fixed.yaml`, and a top-level demo such as `basic-public-lb` means
 * `<dir>/basic-public-lb.yaml`. An unknown id gets the nearest known one as a suggestion.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { didYouMean } from '@lbsim/scenario';
import { findScenarios } from './find-scenarios.ts';

/** The file a scenario argument names, or why it names none (one line). */
export type ResolvedScenario =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly error: string };

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/**
 * Resolves `argument` (a file path, `<id>`, `<id>/<variant>` or a top-level demo's name) against
 * the catalogue in `directory`.
 */
export function resolveScenario(argument: string, directory: string): ResolvedScenario {
  if (isFile(argument)) return { ok: true, path: argument };
  if (/\.ya?ml$/.test(argument)) return { ok: false, error: `cannot read ${argument}: no such file` };
  const [id, variant = 'broken', ...rest] = argument.split('/');
  if (id !== undefined && id !== '' && rest.length === 0) {
    for (const candidate of [join(directory, id, `${variant}.yaml`), join(directory, `${argument}.yaml`)]) {
      if (isFile(candidate)) return { ok: true, path: candidate };
    }
  }
  const found = findScenarios(directory);
  if (!found.ok || !existsSync(directory)) {
    return {
      ok: false,
      error: `no file ${argument}, and no catalogue directory ${directory} to look it up in (give a scenario file, or --catalogue <dir>)`,
    };
  }
  const known = found.entries.flatMap((entry) =>
    entry.variant === ''
      ? [entry.id]
      : entry.variant === 'broken'
        ? [entry.id, `${entry.id}/broken`]
        : [`${entry.id}/${entry.variant}`],
  );
  return {
    ok: false,
    error: `no scenario file or catalogue id "${argument}" in ${directory}${didYouMean(argument, known)}`,
  };
}
