/**
 * Grading a student's fix of a challenge: the file is loaded as any scenario, checked for
 * integrity (challenge-integrity.ts), then run with the challenge's hidden expectations in
 * place of whatever `expect` it has, so deleting or loosening expectations changes nothing.
 * The verdict is a value; commands/challenge.ts prints it. A not-yet verdict carries only what
 * the expectations measured and what the traffic did (symptoms), never the fault or the fix.
 */

import { readFileSync } from 'node:fs';
import {
  type Diagnostic,
  describeStop,
  type ExpectationResult,
  loadScenarioFile,
  parseScenarioText,
  runScenario,
  type Scenario,
} from '@lbsim/scenario';
import { parseDocument } from 'yaml';
import type { Challenge } from './challenge-definition.ts';
import { changedParts } from './challenge-integrity.ts';

/** What a traffic item's connections did, as the student's own run would show it. */
export interface TrafficSymptom {
  readonly name: string;
  readonly started: number;
  /** Count per outcome, e.g. `[['completed', 14], ['timed-out', 6]]`. */
  readonly outcomes: ReadonlyArray<readonly [string, number]>;
}

/** The verdict on a student's file. */
export type ChallengeGrade =
  /** The file cannot be graded: it does not load, or its run could not finish. */
  | {
      readonly kind: 'bad-input';
      readonly message: string;
      readonly errors: readonly Diagnostic[];
      readonly warnings: readonly Diagnostic[];
    }
  /** It changed what it must not; nothing was run. */
  | { readonly kind: 'changed'; readonly changes: readonly string[] }
  /** It ran; every hidden expectation is met when `passed`. */
  | {
      readonly kind: 'ran';
      readonly passed: boolean;
      readonly expectations: readonly ExpectationResult[];
      readonly symptoms: readonly TrafficSymptom[];
    };

/** The start file, loaded, or why it does not load (a definition error, e.g. of a `--challenges` folder). */
export function loadStartScenario(challenge: Challenge): Scenario | string {
  const loaded = parseScenarioText(challenge.startText, `${challenge.id}/start.yaml`);
  return loaded.ok
    ? loaded.scenario
    : `challenge ${challenge.id}: its start.yaml does not load: ${loaded.errors[0]?.message ?? 'invalid'}`;
}

/** A bad-input grade with a message and no diagnostics. */
const badInput = (message: string): ChallengeGrade => ({ kind: 'bad-input', message, errors: [], warnings: [] });

/** The text of a file just loaded, or `undefined` if it went away since. */
function readAgain(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

/** `text` (a valid scenario) with its `expect` replaced by the challenge's hidden expectations. */
function withHiddenExpectations(text: string, challenge: Challenge): string {
  const document = parseDocument(text);
  document.set('expect', document.createNode(challenge.expect));
  return document.toString();
}

/**
 * Grades the scenario file `file` against `challenge`.
 * @param heapLimitBytes the heap the run may use (as `lbsim run`), when known
 */
export function gradeChallenge(challenge: Challenge, file: string, heapLimitBytes?: number): ChallengeGrade {
  const loaded = loadScenarioFile(file, { heapLimitBytes });
  if (!loaded.ok)
    return {
      kind: 'bad-input',
      message: `${file} is not a valid scenario`,
      errors: loaded.errors,
      warnings: loaded.warnings,
    };
  const start = loadStartScenario(challenge);
  if (typeof start === 'string') return badInput(start);
  const changes = changedParts(start, loaded.scenario, challenge.kept);
  if (changes.length > 0) return { kind: 'changed', changes };
  const text = readAgain(file);
  if (text === undefined) return badInput(`cannot read ${file} again: was it moved?`);
  const graded = parseScenarioText(withHiddenExpectations(text, challenge), file, { heapLimitBytes });
  if (!graded.ok) {
    // The kept parts are what the expectations refer to, so this means a definition error.
    return {
      kind: 'bad-input',
      message: `challenge ${challenge.id} cannot grade ${file}`,
      errors: graded.errors,
      warnings: [],
    };
  }
  const result = runScenario(graded.scenario, heapLimitBytes === undefined ? {} : { heapLimitBytes });
  const stop = describeStop(result.status);
  if (stop !== undefined) return badInput(`the run of ${file} stopped early${stop}`);
  return {
    kind: 'ran',
    passed: result.expectationsMet,
    expectations: result.expectations,
    symptoms: result.traffic.map((item) => ({ name: item.name, started: item.started, outcomes: item.outcomes })),
  };
}
