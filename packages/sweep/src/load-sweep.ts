/**
 * Loading a sweep file: YAML text → validated {@link SweepFile}, or every problem at once, each
 * with the path of the offending key (`measures[1].traffic: …`). Besides the schema, names must
 * be unique and every expectation must name a measure and parameters the sweep has.
 */
import { parse } from 'yaml';
import type * as z from 'zod';
import { type SweepFile, sweepFileSchema } from './schema/sweep-file.ts';
import { expandSeeds, maxSeeds } from './seed-range.ts';

/** A loaded sweep file, or what is wrong with it (one line each). */
export type SweepLoad =
  | { readonly ok: true; readonly sweep: SweepFile }
  | { readonly ok: false; readonly errors: readonly string[] };

/** Largest sweep file accepted, in characters: sweep files are a few hundred bytes. */
export const maxSweepChars = 256 * 1024;

/** Loads a sweep file from its text; `file` names it in messages. */
export function parseSweepText(text: string, file: string): SweepLoad {
  if (text.length > maxSweepChars) return failure(`${file}: is larger than ${maxSweepChars} characters`);
  let data: unknown;
  try {
    data = parse(text, { maxAliasCount: 100, logLevel: 'error', uniqueKeys: true });
  } catch (error) {
    return failure(`${file}: YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return failure(`${file}: must be a mapping with name, scenario, seeds and measures`);
  }
  const parsed = sweepFileSchema.safeParse(data);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((issue) => issueLine(file, issue)) };
  const errors = consistencyErrors(parsed.data).map((message) => `${file}: ${message}`);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, sweep: parsed.data };
}

function failure(message: string): SweepLoad {
  return { ok: false, errors: [message] };
}

/** One schema issue as `file: path: message`. */
function issueLine(file: string, issue: z.core.$ZodIssue): string {
  const path = issue.path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
  return `${file}: ${path === '' ? '' : `${path}: `}${issue.message}`;
}

/** Problems across sections: duplicate names, unknown measures and parameters, too many seeds. */
function consistencyErrors(sweep: SweepFile): string[] {
  const errors: string[] = [];
  const seeds = expandSeeds(sweep.seeds);
  if (!seeds.ok) errors.push(`seeds: ${seeds.error}`);
  const measureNames = sweep.measures.map((measure) => measure.name);
  const parameterNames = sweep.parameters.map((parameter) => parameter.name);
  for (const [label, names] of [
    ['measures', measureNames],
    ['parameters', parameterNames],
  ] as const) {
    const duplicate = names.find((name, index) => names.indexOf(name) !== index);
    if (duplicate !== undefined) errors.push(`${label}: the name ${duplicate} is used twice`);
  }
  sweep.expect.forEach((expectation, index) => {
    if (!measureNames.includes(expectation.measure)) {
      errors.push(`expect[${index}].measure: no measure ${expectation.measure} (measures: ${measureNames.join(', ')})`);
    }
    for (const key of Object.keys(expectation.where ?? {})) {
      if (!parameterNames.includes(key)) errors.push(`expect[${index}].where: no parameter ${key}`);
    }
  });
  const points = sweep.parameters.reduce((product, parameter) => product * stepCount(parameter), 1);
  if (seeds.ok && points * seeds.seeds.length > maxSeeds) {
    errors.push(`the sweep has ${points * seeds.seeds.length} runs; at most ${maxSeeds} are allowed`);
  }
  return errors;
}

/** How many grid steps a parameter has. */
function stepCount(parameter: SweepFile['parameters'][number]): number {
  return parameter.values?.length ?? parameter.first?.length ?? 1;
}
