/**
 * Places in a scenario file as the student wrote it, and conditions on them: what an exercise's
 * constraints ("the traffic stays as it was") and its known wrong fixes ("the probe's threshold
 * changed while the probe is still on port 80") are made of. They look at the parsed YAML, not
 * at the loaded scenario, so that they also judge a file lbsim refuses (an idle timeout of 120
 * minutes is a wrong fix the check must name, though the loader stops at it).
 */
import { isDeepStrictEqual } from 'node:util';

/**
 * A dotted path into the parsed YAML: `traffic`, `loadBalancers.0.probes.0.port`, with `*` for
 * every element of a list (or value of a map): `loadBalancers.*.rules.*.backendPort`.
 */
export type ScenarioPath = string;

/**
 * A condition on the values at one or more paths of the student's file (it holds when it holds
 * for any of the paths). Exactly one test is given:
 * - `changed`: whether the values differ from those of the exercise's start file;
 * - `equals`: every value found equals this (and at least one is found);
 * - `includes` / `lacks`: some value (or an element of a list value) equals this / none does;
 * - `above` / `below`: some value is a number above / below this;
 * - `absent`: `some` — some place the path names has no value; `all` — none has one.
 */
export interface Condition {
  readonly path: ScenarioPath | readonly ScenarioPath[];
  readonly changed?: boolean;
  readonly equals?: unknown;
  readonly includes?: unknown;
  readonly lacks?: unknown;
  readonly above?: number;
  readonly below?: number;
  readonly absent?: 'some' | 'all';
}

/** The tests a {@link Condition} may carry, in the order they are looked for. */
export const conditionTests = ['changed', 'equals', 'includes', 'lacks', 'above', 'below', 'absent'] as const;

/**
 * The values `path` names in `tree`: one per place, `undefined` where a place has no value. A
 * `*` over something that is no list or map names no place.
 */
export function valuesAt(tree: unknown, path: ScenarioPath): unknown[] {
  let places: unknown[] = [tree];
  for (const segment of path.split('.')) {
    places = places.flatMap((value) => {
      if (segment === '*') {
        if (Array.isArray(value)) return value;
        return value !== null && typeof value === 'object' ? Object.values(value) : [];
      }
      if (value === null || typeof value !== 'object') return [undefined];
      return [(value as Record<string, unknown>)[segment]];
    });
  }
  return places;
}

/** Whether `value` is `wanted`, or a list holding it. */
function holds(value: unknown, wanted: unknown): boolean {
  return isDeepStrictEqual(value, wanted) || (Array.isArray(value) && value.some((v) => isDeepStrictEqual(v, wanted)));
}

/** Whether the condition holds for one path. */
function holdsAt(condition: Condition, path: ScenarioPath, student: unknown, start: unknown): boolean {
  const values = valuesAt(student, path);
  if (condition.changed !== undefined) return !isDeepStrictEqual(values, valuesAt(start, path)) === condition.changed;
  if ('equals' in condition)
    return values.length > 0 && values.every((value) => isDeepStrictEqual(value, condition.equals));
  if ('includes' in condition) return values.some((value) => holds(value, condition.includes));
  if ('lacks' in condition) return !values.some((value) => holds(value, condition.lacks));
  const numbers = values.filter((value): value is number => typeof value === 'number');
  if (condition.above !== undefined) return numbers.some((value) => value > (condition.above as number));
  if (condition.below !== undefined) return numbers.some((value) => value < (condition.below as number));
  if (condition.absent === 'some') return values.some((value) => value === undefined);
  if (condition.absent === 'all') return values.every((value) => value === undefined);
  return false;
}

/** The paths a condition names, as a list. */
export function pathsOf(condition: Condition): readonly ScenarioPath[] {
  return typeof condition.path === 'string' ? [condition.path] : condition.path;
}

/**
 * Whether `condition` holds of the student's file (parsed YAML) given the exercise's start file
 * (parsed YAML): for any of its paths.
 */
export function conditionHolds(condition: Condition, student: unknown, start: unknown): boolean {
  return pathsOf(condition).some((path) => holdsAt(condition, path, student, start));
}

/** The values the student's file has at a condition's first path, in one line, for messages. */
export function describeValuesAt(tree: unknown, path: ScenarioPath): string {
  const values = valuesAt(tree, path);
  if (values.length === 0 || values.every((value) => value === undefined)) return 'nothing';
  return values.map((value) => (value === undefined ? '(none)' : JSON.stringify(value))).join(', ');
}
