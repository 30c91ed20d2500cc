/**
 * Exercise definitions: the data (workshop/exercises/<id>.yaml, shipped with the package) behind
 * `lbsim exercise` and `lbsim check`. An exercise belongs to one module of docs/workshop.md and
 * to the catalogue entry of the same id: the student starts from a copy of a variant of it (the
 * broken one), and the check runs their file against the exercise's goal — expectations in the
 * scenario format's `expect:` shape, usually the fixed variant's — and its constraints, and
 * recognises the wrong fixes students are known to try.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type Condition, conditionTests } from './scenario-paths.ts';

/** Something the student's file must keep (or have) whatever they change, and why. */
export interface Constraint extends Condition {
  /** Why, in the exercise's words: "the clients are the workload; the fix is in the load balancer". */
  readonly because: string;
}

/**
 * An edit of the start file that makes a wrong fix (for tests and `lbsim exercise start --with`):
 * `set` places a value at a concrete dotted path (`loadBalancers.0.probes.0.probeThreshold`),
 * `append` adds an element to the list at a path.
 */
export interface Edit {
  readonly set?: Readonly<Record<string, unknown>>;
  readonly append?: Readonly<Record<string, unknown>>;
}

/** A fix students try that does not work, how the check recognises it and what it says. */
export interface WrongFix {
  /** A short name: `raise-threshold`. */
  readonly id: string;
  /** What the student did, in a few words: "raising the probe's threshold or interval". */
  readonly title: string;
  /** All of these hold of a file that has this wrong fix. */
  readonly when: readonly Condition[];
  /** Why it does not work, in the exercise's words. */
  readonly says: string;
  /** The wrong fix applied to the start file. */
  readonly try: Edit;
  /**
   * The failure mode `lbsim explain` names for the start file with this wrong fix, when it is
   * not the exercise's own (the wrong fix may turn one failure mode into another), or `none`
   * when the run then fails nothing and only the check sees the mistake.
   */
  readonly diagnosis?: string;
}

/** One exercise. */
export interface Exercise {
  /** The catalogue id of its module's failure mode: `probe-wrong-port`. */
  readonly id: string;
  /** Its module in docs/workshop.md: `A2`. */
  readonly module: string;
  /** The catalogue variant the student starts from: `broken` (scenarios/<id>/broken.yaml). */
  readonly start: string;
  /** The catalogue variant that passes the check: `fixed`. */
  readonly fixed: string;
  /** What to achieve, in one or two sentences. */
  readonly task: string;
  /** Expectations the student's run must meet, in the scenario format's `expect:` shape. */
  readonly goal: readonly unknown[];
  readonly constraints: readonly Constraint[];
  readonly wrongFixes: readonly WrongFix[];
}

/** The exercises folder beside a catalogue directory: `<catalogue>/../workshop/exercises`. */
export function exercisesDirectoryOf(catalogue: string): string {
  return join(dirname(catalogue), 'workshop', 'exercises');
}

/** An exercise, or what is wrong with its definition. */
export type ExerciseLookup =
  | { readonly ok: true; readonly exercise: Exercise }
  | { readonly ok: false; readonly error: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Why `value` is no condition, or `undefined`. */
function conditionProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'a condition must be a map';
  const path = value['path'];
  const paths = Array.isArray(path) ? path : [path];
  if (paths.length === 0 || !paths.every((p) => typeof p === 'string' && p !== '')) return 'a condition needs a path';
  const tests = conditionTests.filter((test) => test in value);
  return tests.length === 1 ? undefined : `a condition needs exactly one of ${conditionTests.join(', ')}`;
}

/** Why a parsed definition is no exercise, or `undefined`. */
function definitionProblem(value: unknown, id: string): string | undefined {
  if (!isRecord(value)) return 'the definition must be a map';
  if (value['id'] !== id) return `its id must be ${id}, the file's name`;
  for (const key of ['module', 'start', 'fixed', 'task'])
    if (typeof value[key] !== 'string' || value[key] === '') return `${key} must be a non-empty string`;
  if (!Array.isArray(value['goal']) || value['goal'].length === 0) return 'goal must list expectations';
  const constraints = value['constraints'] ?? [];
  if (!Array.isArray(constraints)) return 'constraints must be a list';
  for (const constraint of constraints) {
    const problem = conditionProblem(constraint);
    if (problem !== undefined) return `constraints: ${problem}`;
    if (typeof (constraint as Record<string, unknown>)['because'] !== 'string') return 'each constraint needs because';
  }
  const wrongFixes = value['wrongFixes'] ?? [];
  if (!Array.isArray(wrongFixes)) return 'wrongFixes must be a list';
  for (const fix of wrongFixes) {
    if (!isRecord(fix)) return 'each wrong fix must be a map';
    for (const key of ['id', 'title', 'says'])
      if (typeof fix[key] !== 'string') return `each wrong fix needs ${key} (a string)`;
    if (!Array.isArray(fix['when']) || fix['when'].length === 0)
      return `wrong fix ${fix['id']}: when must list conditions`;
    for (const condition of fix['when']) {
      const problem = conditionProblem(condition);
      if (problem !== undefined) return `wrong fix ${fix['id']}: ${problem}`;
    }
    if (!isRecord(fix['try'])) return `wrong fix ${fix['id']}: try must be a map (set, append)`;
    if (fix['diagnosis'] !== undefined && typeof fix['diagnosis'] !== 'string')
      return `wrong fix ${fix['id']}: diagnosis must be a failure mode id or none`;
  }
  return undefined;
}

/** Reads the exercise `id` from `directory`. */
export function readExercise(directory: string, id: string): ExerciseLookup {
  const file = join(directory, `${id}.yaml`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id) || !existsSync(file)) {
    const known = listExerciseIds(directory);
    return {
      ok: false,
      error: `no exercise ${JSON.stringify(id)}; lbsim exercise list shows them${known.length === 0 ? '' : ` (${known.join(', ')})`}`,
    };
  }
  let value: unknown;
  try {
    value = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    return { ok: false, error: `${file}: ${(error as Error).message}` };
  }
  const problem = definitionProblem(value, id);
  if (problem !== undefined) return { ok: false, error: `${file}: ${problem}` };
  const record = value as Record<string, unknown>;
  return {
    ok: true,
    exercise: {
      ...(record as unknown as Exercise),
      constraints: (record['constraints'] as Constraint[] | undefined) ?? [],
      wrongFixes: (record['wrongFixes'] as WrongFix[] | undefined) ?? [],
    },
  };
}

/** The ids of the exercises in `directory`, sorted; none when it does not exist. */
export function listExerciseIds(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => name.replace(/\.yaml$/, ''))
    .sort();
}

/** The start file of an exercise in the catalogue: `<catalogue>/<id>/<start>.yaml`. */
export function startFileOf(catalogue: string, exercise: Exercise): string {
  return join(catalogue, exercise.id, `${exercise.start}.yaml`);
}

/** The variant of the catalogue that passes the check: `<catalogue>/<id>/<fixed>.yaml`. */
export function fixedFileOf(catalogue: string, exercise: Exercise): string {
  return join(catalogue, exercise.id, `${exercise.fixed}.yaml`);
}
