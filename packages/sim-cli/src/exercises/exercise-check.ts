/**
 * Grading a student's file against an exercise (`lbsim check`): the file is loaded as lbsim
 * loads any scenario, run with the exercise's goal in place of its own `expect:` list, and
 * judged by the goal's expectations and the exercise's constraints. On a miss the verdict
 * carries what is still wrong — the unmet goal lines, the broken constraints, the known wrong
 * fixes the file has, and the run's explanations (the same diagnosis `lbsim explain` gives) —
 * as values; check-report.ts puts them in words.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import {
  type Diagnostic,
  type ExpectationResult,
  type Explanation,
  loadScenarioFile,
  parseScenarioText,
  runScenario,
  shortStopReason,
} from '@lbsim/scenario';
import { parseDocument, parse as parseYaml } from 'yaml';
import type { Constraint, Exercise, WrongFix } from './exercise-definition.ts';
import { conditionHolds } from './scenario-paths.ts';

/** A constraint of the exercise the student's file does not keep. */
export interface BrokenConstraint {
  readonly constraint: Constraint;
}

/** What the check found wrong with a file it could judge. */
export interface Misses {
  /** Every goal line with its verdict and what the run measured (empty when the run could not be made). */
  readonly goals: readonly ExpectationResult[];
  readonly brokenConstraints: readonly Constraint[];
  /** The known wrong fixes the file has. */
  readonly wrongFixes: readonly WrongFix[];
  /** The run's explanations, as `lbsim explain` tells them. */
  readonly explanations: readonly Explanation[];
  /** Why lbsim refuses the file (a wrong fix recognised in a file that does not load), else empty. */
  readonly refused: readonly Diagnostic[];
  /** Why the goal could not be checked against the file (it names traffic the file no longer has), else empty. */
  readonly goalProblems: readonly string[];
  /** The run's seed, when it ran. */
  readonly seed: number | undefined;
}

/** The verdict of `lbsim check`. */
export type CheckVerdict =
  /** Every goal met, every constraint kept, and no known wrong fix. */
  | { readonly kind: 'pass'; readonly goals: readonly ExpectationResult[]; readonly seed: number }
  /** Not yet: what is still wrong. */
  | ({ readonly kind: 'not-yet' } & Misses)
  /** The file could not be judged: missing, unreadable, or refused by lbsim for a reason no wrong fix explains. */
  | { readonly kind: 'bad-input'; readonly message: string; readonly diagnostics: readonly Diagnostic[] };

/** The parsed YAML of `text`, or `undefined` when it does not parse. */
function parsedOrUndefined(text: string): unknown {
  try {
    return parseYaml(text);
  } catch {
    return undefined;
  }
}

/** The known wrong fixes `student` has (all their conditions hold). */
export function wrongFixesOf(exercise: Exercise, student: unknown, start: unknown): WrongFix[] {
  return exercise.wrongFixes.filter((fix) => fix.when.every((condition) => conditionHolds(condition, student, start)));
}

/** The constraints `student` breaks. */
export function brokenConstraintsOf(exercise: Exercise, student: unknown, start: unknown): Constraint[] {
  return exercise.constraints.filter((constraint) => !conditionHolds(constraint, student, start));
}

/** The student's text with its `expect:` list replaced by the exercise's goal. */
function withGoal(text: string, goal: readonly unknown[]): string {
  const document = parseDocument(text);
  document.set('expect', document.createNode(goal));
  return document.toString();
}

const noMisses = {
  goals: [],
  brokenConstraints: [],
  wrongFixes: [],
  explanations: [],
  refused: [],
  goalProblems: [],
  seed: undefined,
} satisfies Misses;

/**
 * Checks `file` against `exercise`, whose start file is `startFile`. `heapLimitBytes` as in
 * CliIo. Never throws for a bad file: that is a `bad-input` verdict.
 */
export function checkExercise(
  exercise: Exercise,
  startFile: string,
  file: string,
  heapLimitBytes?: number,
): CheckVerdict {
  if (!existsSync(file) || !statSync(file).isFile()) {
    return { kind: 'bad-input', message: `${file}: no such file`, diagnostics: [] };
  }
  const text = readFileSync(file, 'utf8');
  const start = parsedOrUndefined(readFileSync(startFile, 'utf8'));
  const student = parsedOrUndefined(text);
  const loaded = loadScenarioFile(file, { heapLimitBytes });
  const wrongFixes = wrongFixesOf(exercise, student, start);
  const brokenConstraints = brokenConstraintsOf(exercise, student, start);
  if (!loaded.ok) {
    // A file lbsim refuses is bad input, unless the refusal is a wrong fix the exercise knows.
    if (wrongFixes.length === 0 || student === undefined) {
      return { kind: 'bad-input', message: `${file} is not a valid scenario`, diagnostics: loaded.errors };
    }
    return { kind: 'not-yet', ...noMisses, wrongFixes, brokenConstraints, refused: loaded.errors };
  }
  const judged = parseScenarioText(withGoal(text, exercise.goal), file, { heapLimitBytes });
  if (!judged.ok) {
    const goalProblems = judged.errors.map((error) => error.message);
    return { kind: 'not-yet', ...noMisses, wrongFixes, brokenConstraints, goalProblems };
  }
  const result = runScenario(judged.scenario, heapLimitBytes === undefined ? {} : { heapLimitBytes });
  const stopped =
    result.status.kind === 'completed'
      ? []
      : [`the run stopped after ${result.status.eventsRun} events: ${shortStopReason(result.status)}`];
  // A known wrong fix fails the check even when the run meets the goal: its conditions name a
  // mistake (a listener added only so the probe passes), not a side effect.
  if (result.expectationsMet && brokenConstraints.length === 0 && wrongFixes.length === 0 && stopped.length === 0) {
    return { kind: 'pass', goals: result.expectations, seed: result.seed };
  }
  return {
    kind: 'not-yet',
    goals: result.expectations,
    brokenConstraints,
    wrongFixes,
    explanations: result.explanations,
    refused: [],
    goalProblems: stopped,
    seed: result.seed,
  };
}
