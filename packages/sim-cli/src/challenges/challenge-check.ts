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

/** The start file, loaded; a challenge whose start file does not load is a definition error. */
export function loadStartScenario(challenge: Challenge): Scenario {
  const loaded = parseScenarioText(challenge.startText, `${challenge.id}/start.yaml`);
  if (!loaded.ok) throw new Error(`challenge ${challenge.id}: start.yaml does not load: ${loaded.errors[0]?.message}`);
  return loaded.scenario;
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
  const changes = changedParts(loadStartScenario(challenge), loaded.scenario, challenge.kept);
  if (changes.length > 0) return { kind: 'changed', changes };
  // Loaded a moment ago: readable, UTF-8 (the loader refuses anything else).
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
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
  if (stop !== undefined)
    return { kind: 'bad-input', message: `the run of ${file} stopped early${stop}`, errors: [], warnings: [] };
  return {
    kind: 'ran',
    passed: result.expectationsMet,
    expectations: result.expectations,
    symptoms: result.traffic.map((item) => ({ name: item.name, started: item.started, outcomes: item.outcomes })),
  };
}
