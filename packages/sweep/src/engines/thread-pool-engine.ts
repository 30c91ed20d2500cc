/**
 * The thread-pool engine: runs on worker threads of a piscina pool, one thread per core by
 * default. At most a few runs per thread are handed to the pool at a time, so a sweep of a
 * million runs does not queue a million messages, and a stop has little to cancel. A stop
 * aborts the runs in progress (piscina ends their threads) and keeps every finished record.
 *
 * The threads load the worker file: dist/chunks/sweep-worker.js in the built bundle, or
 * sweep-worker.ts beside this file when lbsim runs from source under tsx (the threads inherit
 * its loader through execArgv).
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { RunRecord, RunTask } from '../run-task.ts';
import { describeFailure, type SweepEngine } from './sweep-engine.ts';

/** Runs handed to the pool per thread at a time. */
const runsInFlightPerThread = 4;

/** The file piscina's threads load: the built worker beside this chunk, or the source. */
export function defaultWorkerFile(): string {
  const source = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(source ? '../sweep-worker.ts' : './sweep-worker.js', import.meta.url));
}

/** Threads used when none are asked for: one per core. */
export function defaultThreadCount(): number {
  return availableParallelism();
}

/** An engine running on `threads` worker threads loading `workerFile`. */
export function threadPoolEngine(threads: number, workerFile: string = defaultWorkerFile()): SweepEngine {
  return async (plan, onRecord, signal) => {
    const { Piscina } = await import('piscina');
    const pool = new Piscina<RunTask, RunRecord>({
      filename: workerFile,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 1000,
    });
    const cancel = new AbortController();
    const stop = () => cancel.abort();
    signal.addEventListener('abort', stop, { once: true });
    let next = 0;
    let failure: string | undefined;
    const runNext = async (): Promise<void> => {
      while (next < plan.runCount && failure === undefined && !cancel.signal.aborted) {
        const run = next;
        next += 1;
        try {
          onRecord(await pool.run(plan.taskAt(run), { signal: cancel.signal }));
        } catch (error) {
          if (cancel.signal.aborted && failure === undefined) return;
          failure ??= `run ${run}: ${describeFailure(error)}`;
          cancel.abort();
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: threads * runsInFlightPerThread }, runNext));
    } finally {
      signal.removeEventListener('abort', stop);
      await pool.destroy();
    }
    if (failure !== undefined) return { kind: 'failed', error: failure };
    return signal.aborted ? { kind: 'stopped' } : { kind: 'finished' };
  };
}
