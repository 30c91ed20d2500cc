/**
 * The in-process engine: every run in this thread, one after another. For tests and for
 * sweeps too small to be worth threads. It yields to the event loop between runs so a Ctrl-C
 * (SIGINT handler) can stop it after the run in progress.
 */
import { executeTask } from '../execute-task.ts';
import { describeFailure, type SweepEngine } from './sweep-engine.ts';

/** Runs every run of the plan in this thread, in run order. */
export const runInProcess: SweepEngine = async (plan, onRecord, signal) => {
  for (let run = 0; run < plan.runCount; run += 1) {
    if (signal.aborted) return { kind: 'stopped' };
    try {
      onRecord(executeTask(plan.taskAt(run)));
    } catch (error) {
      return { kind: 'failed', error: `run ${run}: ${describeFailure(error)}` };
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { kind: 'finished' };
};
