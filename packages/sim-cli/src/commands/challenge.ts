/**
 * `lbsim challenge list | start <id> [file] | check <id> <file>`: the workshop's graded
 * challenges (challenges/). A challenge is a scenario whose fault is hidden: `start` writes the
 * student's copy and tells the story, `check` grades the student's fix by the challenge's own
 * expectations and says what was wrong only once it passes.
 *
 * Exit codes: 0 listed, started, or the fix passes; 1 not yet; 2 bad input (an unknown
 * challenge, a file that exists or cannot be written or read, an invalid scenario).
 */

import { type ChallengeGrade, gradeChallenge } from '../challenges/challenge-check.ts';
import { type Challenge, challengeIds, loadChallenge } from '../challenges/challenge-definition.ts';
import { formatColumns } from '../format/columns.ts';
import { formatDiagnostics } from '../format/diagnostics.ts';
import { terminalText } from '../format/terminal-text.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { writeStartCopy } from '../output/start-copy.ts';

/** What `lbsim challenge` was asked to do. */
export type ChallengeAction =
  | { readonly action: 'list' }
  | { readonly action: 'start'; readonly id: string; readonly file: string | undefined; readonly force: boolean }
  | { readonly action: 'check'; readonly id: string; readonly file: string };

/** Options of `lbsim challenge`. */
export interface ChallengeCommandOptions {
  readonly request: ChallengeAction;
  /** The folder of challenge definitions (default: the bundled workshop/challenges). */
  readonly directory: string;
}

/** Width prose (story, answer) is wrapped to, in columns, so output reads the same everywhere. */
const proseWidth = 90;

/** `text` as lines of at most {@link proseWidth} columns, each indented by `indent`. */
function wrapProse(text: string, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((part) => part !== '')) {
    if (line !== '' && indent.length + line.length + 1 + word.length > proseWidth) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.map((text) => `${indent}${text}\n`).join('');
}

/** How many faults, in words, for the story's heading. */
const faultsWord = (faults: number) => (faults === 2 ? 'two' : String(faults));

/** `lbsim challenge list`: id, difficulty, number of faults and title of every challenge. */
function listChallenges(directory: string, io: CliIo): ExitCode {
  const loaded = challengeIds(directory).map((id) => loadChallenge(directory, id));
  const broken = loaded.find((load) => !load.ok);
  if (broken !== undefined && !broken.ok) {
    io.stderr(`lbsim: ${broken.error}\n`);
    return 2;
  }
  const challenges = loaded.flatMap((load) => (load.ok ? [load.challenge] : []));
  if (challenges.length === 0) {
    io.stderr(`lbsim: no challenges under ${directory}\n`);
    return 2;
  }
  const rows = [
    ['id', 'difficulty', 'faults', 'title'],
    ...challenges.map((c) => [c.id, c.difficulty, String(c.faults), c.title]),
  ];
  io.stdout(terminalText(formatColumns(rows), io.stdoutColumns));
  io.stdout(
    `\n${challenges.length} challenges. Start one with: lbsim challenge start <id> [file]; grade your fix with: lbsim challenge check <id> <file>\n`,
  );
  return 0;
}

/** The student's copy: the start file under a header that says how to grade it. */
function studentCopy(challenge: Challenge, file: string): string {
  return [
    `# lbsim challenge ${challenge.id}: ${challenge.title}`,
    '# Find what is wrong with lbsim run, explain, flow and captures, fix it in this file, then grade it:',
    `#   lbsim challenge check ${challenge.id} ${file}`,
    '# The traffic and what it connects to are the problem: change the configuration, not them.',
    challenge.startText.trimEnd(),
    '',
  ].join('\n');
}

/** `lbsim challenge start <id> [file]`: writes the copy (never over a file without --force) and tells the story. */
function startChallenge(challenge: Challenge, file: string, force: boolean, io: CliIo): ExitCode {
  const refusal = writeStartCopy(file, studentCopy(challenge, file), force, `${challenge.id}.yaml`);
  if (refusal !== undefined) {
    io.stderr(`lbsim: ${refusal}\n`);
    return 2;
  }
  const difficulty = `${challenge.difficulty}${challenge.faults > 1 ? `, ${faultsWord(challenge.faults)} faults` : ''}`;
  io.stdout(
    terminalText(
      [
        `Challenge ${challenge.id}: ${challenge.title} (${difficulty})\n\n`,
        wrapProse(challenge.story, ''),
        `\nYour copy: ${file}\n`,
        'Investigate it with the tools of the workshop, for example:\n',
        `  lbsim run ${file} --trace\n`,
        `  lbsim run ${file} --report ${file.replace(/\.ya?ml$/i, '')}.html\n`,
        `  lbsim explain ${file}\n`,
        'Fix the configuration in your copy, then grade it (as often as you like):\n',
        `  lbsim challenge check ${challenge.id} ${file}\n`,
      ].join(''),
      io.stdoutColumns,
    ),
  );
  return 0;
}

/** One expectation's verdict line: what was expected and what the run showed. */
const verdictLine = (met: boolean, description: string, actual: string) =>
  `  ${met ? 'met    ' : 'not met'}  ${description}: ${actual}\n`;

/** The report of a grade that ran, or changed the problem. */
function gradeReport(
  challenge: Challenge,
  file: string,
  grade: Exclude<ChallengeGrade, { kind: 'bad-input' }>,
): string {
  if (grade.kind === 'changed') {
    return [
      `Challenge ${challenge.id}: not yet. ${file} changes what defines the problem, so it was not run:\n`,
      ...grade.changes.map((change) => `  - ${change}\n`),
    ].join('');
  }
  const lines = [
    `Challenge ${challenge.id}: ${grade.passed ? 'PASS' : 'not yet'}\n`,
    ...grade.expectations.map((result) => verdictLine(result.met, result.description, result.actual)),
  ];
  if (grade.passed) return [...lines, '\nWhat was wrong, and the fix:\n', wrapProse(challenge.answer, '  ')].join('');
  const symptoms = grade.symptoms.map(
    (item) =>
      `  ${item.name}: ${item.started} started: ${item.outcomes.map(([outcome, count]) => `${count} ${outcome}`).join(', ')}\n`,
  );
  return [
    ...lines,
    '\nWhat the traffic did:\n',
    ...symptoms,
    `\nLook again with lbsim run ${file} --trace, lbsim explain ${file} or lbsim flow, change the file, and check again.\n`,
  ].join('');
}

/** `lbsim challenge check <id> <file>`: grades the file; exit 0 pass, 1 not yet, 2 bad input. */
function checkChallenge(challenge: Challenge, file: string, io: CliIo): ExitCode {
  const grade = gradeChallenge(challenge, file, io.heapLimitBytes);
  if (grade.kind === 'bad-input') {
    io.stderr(formatDiagnostics(grade.errors, grade.warnings));
    io.stderr(`lbsim: ${grade.message}\n`);
    return 2;
  }
  io.stdout(terminalText(gradeReport(challenge, file, grade), io.stdoutColumns));
  return grade.kind === 'ran' && grade.passed ? 0 : 1;
}

/** Runs `lbsim challenge`. */
export function challengeCommand(options: ChallengeCommandOptions, io: CliIo): ExitCode {
  const request = options.request;
  if (request.action === 'list') return listChallenges(options.directory, io);
  const loaded = loadChallenge(options.directory, request.id);
  if (!loaded.ok) {
    io.stderr(`lbsim: ${loaded.error}\n`);
    return 2;
  }
  if (request.action === 'start')
    return startChallenge(loaded.challenge, request.file ?? `${request.id}.yaml`, request.force, io);
  return checkChallenge(loaded.challenge, request.file, io);
}
