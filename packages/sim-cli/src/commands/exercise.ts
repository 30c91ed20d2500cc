/**
 * `lbsim exercise list`, `lbsim exercise start <id> [file]` and `lbsim check <id> <file>`: the
 * hands-on exercises of docs/workshop.md. The definitions are data shipped with lbsim
 * (workshop/exercises/, beside the catalogue); exercise-check.ts grades, check-report.ts words
 * the verdict. All three live in this one module so that a start and the check after it, run
 * in one process, happen in the order they were asked for.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describeConstraint, formatCheck } from '../exercises/check-report.ts';
import { checkExercise } from '../exercises/exercise-check.ts';
import {
  type Exercise,
  exercisesDirectoryOf,
  listExerciseIds,
  readExercise,
  startFileOf,
} from '../exercises/exercise-definition.ts';
import { applyEdit } from '../exercises/exercise-edit.ts';
import { formatDiagnostics } from '../format/diagnostics.ts';
import { terminalText } from '../format/terminal-text.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { writeStartCopy } from '../output/start-copy.ts';

/** The first line of a text, for lists. */
const firstLine = (text: string) => text.trim().split('\n')[0] ?? '';

/** The exercise `id` from the catalogue's exercises folder, or the message and exit 2. */
function lookUp(catalogue: string, id: string, io: CliIo): Exercise | undefined {
  const found = readExercise(exercisesDirectoryOf(catalogue), id);
  if (found.ok) return found.exercise;
  io.stderr(`lbsim: ${found.error}\n`);
  return undefined;
}

/** `lbsim exercise list`: one line per exercise (id, module, task). Exit 0, or 2 when there are none. */
export function exerciseListCommand(catalogue: string, io: CliIo): ExitCode {
  const directory = exercisesDirectoryOf(catalogue);
  // In the guide's order: A1, A2, …, E1.
  const exercises = listExerciseIds(directory)
    .map((id) => readExercise(directory, id))
    .sort((a, b) => (a.ok && b.ok ? a.exercise.module.localeCompare(b.exercise.module, 'en', { numeric: true }) : 0));
  if (exercises.length === 0) {
    io.stderr(`lbsim: no exercises in ${directory}\n`);
    return 2;
  }
  const width = Math.max(...exercises.map((found) => (found.ok ? found.exercise.id.length : 0)));
  const lines = exercises.map((found) =>
    found.ok
      ? `${found.exercise.module.padEnd(3)} ${found.exercise.id.padEnd(width)}  ${firstLine(found.exercise.task)}`
      : `    ${found.error}`,
  );
  io.stdout(
    terminalText(
      `${lines.join('\n')}\n\nStart one with: lbsim exercise start <id> [file]; check it with: lbsim check <id> <file>\n`,
      io.stdoutColumns,
    ),
  );
  return exercises.every((found) => found.ok) ? 0 : 2;
}

/** Options of `lbsim exercise start`. */
export interface ExerciseStartOptions {
  readonly catalogue: string;
  readonly id: string;
  /** Where to write the copy (default `./<id>.yaml`). */
  readonly file: string | undefined;
  /** Replace the file when it exists. */
  readonly force: boolean;
  /** A known wrong fix to apply to the copy, by its id (for instructors). */
  readonly withWrongFix: string | undefined;
}

/**
 * `lbsim exercise start <id> [file]`: writes the exercise's start file (a copy of its catalogue
 * variant) and prints the task and the goal. Never replaces an existing file without `force`.
 * Exit 0 when written, 2 on bad input.
 */
export function exerciseStartCommand(options: ExerciseStartOptions, io: CliIo): ExitCode {
  const exercise = lookUp(options.catalogue, options.id, io);
  if (exercise === undefined) return 2;
  const file = options.file ?? `${exercise.id}.yaml`;
  let text = readFileSync(startFileOf(options.catalogue, exercise), 'utf8');
  if (options.withWrongFix !== undefined) {
    const fix = exercise.wrongFixes.find((candidate) => candidate.id === options.withWrongFix);
    if (fix === undefined) {
      const known = exercise.wrongFixes.map((candidate) => candidate.id).join(', ') || 'none';
      io.stderr(`lbsim: ${exercise.id} has no wrong fix ${JSON.stringify(options.withWrongFix)} (it has: ${known})\n`);
      return 2;
    }
    text = applyEdit(text, fix.try);
  }
  const refusal = writeStartCopy(file, text, options.force, `${exercise.id}.yaml`);
  if (refusal !== undefined) {
    io.stderr(`lbsim: ${refusal}\n`);
    return 2;
  }
  const lines = [
    `Wrote ${file}: a copy of the catalogue's ${exercise.id}/${exercise.start} (module ${exercise.module}).`,
    '',
    `Task: ${exercise.task.trim()}`,
    '',
    'The check passes when the run of your file meets:',
    ...exercise.goal.map((expectation) => `  - ${describeGoal(expectation)}`),
  ];
  if (exercise.constraints.length > 0) {
    lines.push('', 'and your file keeps:');
    for (const constraint of exercise.constraints) lines.push(`  - ${describeConstraint(constraint)}`);
  }
  lines.push('', `Edit ${file}, then: lbsim check ${exercise.id} ${file}`, '');
  io.stdout(terminalText(lines.join('\n'), io.stdoutColumns));
  return 0;
}

/** A goal expectation in one line: its description, else its YAML in flow style. */
function describeGoal(expectation: unknown): string {
  const description = (expectation as { description?: unknown }).description;
  return typeof description === 'string' ? description : JSON.stringify(expectation).replace(/"/g, '');
}

/** Options of `lbsim check`. */
export interface CheckOptions {
  readonly catalogue: string;
  readonly id: string;
  readonly file: string;
}

/**
 * `lbsim check <id> <file>`: runs the file and grades it against the exercise. Exit 0 PASS,
 * 1 not yet (including a file lbsim refuses for a reason the exercise knows as a wrong fix),
 * 2 bad input (unknown exercise, missing file, a file lbsim refuses for another reason).
 */
export function checkCommand(options: CheckOptions, io: CliIo): ExitCode {
  const exercise = lookUp(options.catalogue, options.id, io);
  if (exercise === undefined) return 2;
  const verdict = checkExercise(exercise, startFileOf(options.catalogue, exercise), options.file, io.heapLimitBytes);
  if (verdict.kind === 'bad-input') {
    io.stderr(formatCheck(exercise, options.file, verdict, undefined));
    io.stderr(formatDiagnostics(verdict.diagnostics, []));
    return 2;
  }
  let student: unknown;
  try {
    student = parseYaml(readFileSync(options.file, 'utf8'));
  } catch {
    student = undefined;
  }
  io.stdout(terminalText(formatCheck(exercise, options.file, verdict, student), io.stdoutColumns));
  return verdict.kind === 'pass' ? 0 : 1;
}
