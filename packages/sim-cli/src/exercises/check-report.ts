/**
 * `lbsim check`'s verdict in words, in lbsim's explanation style: PASS with the goal lines, or
 * NOT YET with what is still wrong — the goal lines not met (with what the run measured), the
 * constraints the file breaks, the known wrong fixes it has and why each does not work, and the
 * run's explanations as `lbsim explain` prints them.
 */
import type { ExpectationResult } from '@lbsim/scenario';
import { formatExplanation } from '../format/explanations.ts';
import type { CheckVerdict } from './exercise-check.ts';
import type { Constraint, Exercise } from './exercise-definition.ts';
import { describeValuesAt, pathsOf } from './scenario-paths.ts';

/** Width prose is wrapped to, as in `lbsim explain`. */
const wrapWidth = 100;

/** Words wrapped to `width`, each line after the first indented by `indent`. */
function wrap(text: string, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.trim().split(/\s+/)) {
    if (line !== '' && indent.length + line.length + 1 + word.length > wrapWidth) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.join(`\n${indent}`);
}

/** One goal line: `  met      web: every connection completed — 10/10 completed (100%)`. */
function goalLine(goal: ExpectationResult): string {
  return `  ${goal.met ? 'met    ' : 'NOT MET'}  ${goal.description}: ${goal.actual}`;
}

/** What a constraint asks, in a few words, from its test. */
export function describeConstraint(constraint: Constraint): string {
  const where = pathsOf(constraint).join(' or ');
  if (constraint.changed === false) return `${where} stays as the start file has it`;
  if (constraint.changed === true) return `${where} changes`;
  if ('equals' in constraint) return `${where} is ${JSON.stringify(constraint.equals)}`;
  if ('includes' in constraint) return `${where} has ${JSON.stringify(constraint.includes)}`;
  if ('lacks' in constraint) return `${where} has no ${JSON.stringify(constraint.lacks)}`;
  if (constraint.above !== undefined) return `${where} is above ${constraint.above}`;
  if (constraint.below !== undefined) return `${where} is below ${constraint.below}`;
  return `${where} is ${constraint.absent === 'all' ? 'not set' : 'not set everywhere'}`;
}

/** The heading line: `probe-wrong-port (module A2): my.yaml — PASS`. */
function heading(exercise: Exercise, file: string, verdict: string): string {
  return `${exercise.id} (module ${exercise.module}): ${file} — ${verdict}`;
}

/** The verdict as text, ending in a newline; `student` is the file's parsed YAML, for constraint values. */
export function formatCheck(exercise: Exercise, file: string, verdict: CheckVerdict, student: unknown): string {
  if (verdict.kind === 'bad-input') return `lbsim: ${verdict.message}\n`;
  if (verdict.kind === 'pass') {
    return [
      heading(exercise, file, 'PASS'),
      '',
      `Goal: ${wrap(exercise.task, '      ')}`,
      ...verdict.goals.map(goalLine),
      '',
      `Every goal met (seed ${verdict.seed}), and the file keeps what the exercise asks to keep.`,
      '',
    ].join('\n');
  }
  const lines = [heading(exercise, file, 'NOT YET'), '', `Goal: ${wrap(exercise.task, '      ')}`];
  lines.push(...verdict.goals.map(goalLine));
  for (const problem of verdict.goalProblems) lines.push(`  NOT MET  ${problem}`);
  if (verdict.refused.length > 0) {
    lines.push('', 'lbsim refuses the file:');
    for (const diagnostic of verdict.refused) {
      const place = diagnostic.line === undefined ? '' : `${diagnostic.line}:${diagnostic.column ?? 1}: `;
      lines.push(`  ${place}${diagnostic.path === '' ? '' : `${diagnostic.path}: `}${diagnostic.message}`);
    }
  }
  if (verdict.brokenConstraints.length > 0) {
    lines.push('', 'The exercise also asks of your file:');
    for (const constraint of verdict.brokenConstraints) {
      const now = describeValuesAt(student, pathsOf(constraint)[0] ?? '');
      lines.push(
        `  NOT MET  ${wrap(`${describeConstraint(constraint)} (now: ${now}): ${constraint.because}`, '           ')}`,
      );
    }
  }
  for (const fix of verdict.wrongFixes) {
    lines.push('', `A known wrong fix: ${fix.title} (${fix.id})`);
    lines.push(`  ${wrap(fix.says, '  ')}`);
  }
  if (verdict.explanations.length > 0) {
    lines.push('', 'What is still wrong, as lbsim explain tells it:', '');
    lines.push(verdict.explanations.map((explanation) => formatExplanation(explanation, file)).join('\n\n'));
  }
  lines.push('', 'Not yet: change the file and run the check again.', '');
  return lines.join('\n');
}
