/**
 * A run's record as one JSON line: keys in a fixed order (run, point, seed, parameters, status,
 * expectationsMet, measures), so the same record is the same bytes whichever engine ran it.
 */
import type { RunRecord } from './run-task.ts';

/** `record` as one line of JSON, ending with a newline. */
export function formatRecordLine(record: RunRecord): string {
  const ordered = {
    run: record.run,
    point: record.point,
    seed: record.seed,
    parameters: record.parameters,
    status: record.status,
    expectationsMet: record.expectationsMet,
    measures: record.measures,
  };
  return `${JSON.stringify(ordered)}\n`;
}
