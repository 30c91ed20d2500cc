/**
 * Loading a scenario: YAML text → validated {@link Scenario}, or every problem at once. The
 * load stage (load/) parses the file and checks it against the schema; the validate stage
 * (validate/) checks what the schema cannot; the load stage then places each issue at its
 * line and column.
 */
import {
  type DocumentResult,
  type LoadResult,
  parseScenarioDocument,
  placeIssues,
  readScenarioDocument,
  type WorkLimits,
} from './load/load.ts';
import { validateScenario } from './validate/validate-scenario.ts';

/**
 * Reads and loads a scenario file.
 * @param file path as the user gave it (used in messages)
 * @param limits the heap the run will have, so that a scenario that cannot fit is refused
 */
export function loadScenarioFile(file: string, limits: WorkLimits = {}): LoadResult {
  return validateDocument(readScenarioDocument(file, limits), file, limits);
}

/** Loads a scenario from text; `file` names it in messages; `limits` as for {@link loadScenarioFile}. */
export function parseScenarioText(text: string, file: string, limits: WorkLimits = {}): LoadResult {
  return validateDocument(parseScenarioDocument(text, file), file, limits);
}

function validateDocument(loaded: DocumentResult, file: string, limits: WorkLimits): LoadResult {
  if (!loaded.ok) return loaded;
  return placeIssues(
    loaded.document,
    [...loaded.document.issues, ...validateScenario(loaded.document.scenario, limits)],
    file,
  );
}
