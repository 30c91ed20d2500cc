/**
 * The file a piscina worker thread loads: its default export runs one task. In the built
 * bundle it is dist/chunks/sweep-worker.js (scripts/build.ts), so workers need no TypeScript
 * loader.
 */
import { executeTask } from './execute-task.ts';
import type { RunRecord, RunTask } from './run-task.ts';

/** Runs one task on this worker thread. */
export default function runTaskOnThread(task: RunTask): RunRecord {
  return executeTask(task);
}
