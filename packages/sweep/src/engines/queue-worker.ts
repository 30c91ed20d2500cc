/**
 * A queue worker (`lbsim worker --queue`): takes sweep runs from the BullMQ queue and runs them
 * in this process, one at a time, until stopped. Start one per core on each machine.
 *
 * Its lock on a job is renewed every half `lockDurationMs`; if the process dies, the lock runs
 * out and some worker's stalled-job check (every `stalledIntervalMs`) puts the job back on the
 * queue (docs.bullmq.io, "Stalled jobs"). A run blocks this process's event loop while it
 * runs (about 0.1 s for a catalogue scenario), so the lock must last well beyond one run.
 */
import { executeTask } from '../execute-task.ts';
import type { RunRecord, RunTask } from '../run-task.ts';
import { exportOf } from './module-export.ts';
import { connectToQueue, type QueueAddress } from './queue-connection.ts';

/** How the worker holds jobs, ms. */
export interface QueueWorkerTiming {
  /** How long a job stays locked without renewal (BullMQ default 30 s). */
  readonly lockDurationMs: number;
  /** How often this worker looks for jobs whose lock ran out (BullMQ default 30 s). */
  readonly stalledIntervalMs: number;
}

/** BullMQ's own defaults. */
export const defaultWorkerTiming: QueueWorkerTiming = { lockDurationMs: 30_000, stalledIntervalMs: 30_000 };

/** A running worker: how many runs it did, and how to stop it (after the run in progress). */
export interface RunningQueueWorker {
  readonly runsDone: () => number;
  readonly close: () => Promise<void>;
  /** Resolves when the worker has connected and is taking jobs. */
  readonly ready: Promise<void>;
}

/** Starts a worker on the queue at `address`. */
export async function startQueueWorker(
  address: QueueAddress,
  timing: QueueWorkerTiming,
  onRun: (record: RunRecord) => void = () => {},
): Promise<RunningQueueWorker> {
  const Worker = exportOf(await import('bullmq'), 'Worker');
  const connection = await connectToQueue(address.url);
  let done = 0;
  const worker = new Worker<RunTask, RunRecord>(
    address.name,
    async (job) => {
      const record = executeTask(job.data);
      done += 1;
      onRun(record);
      return record;
    },
    {
      connection,
      concurrency: 1,
      lockDuration: timing.lockDurationMs,
      stalledInterval: timing.stalledIntervalMs,
      // A job comes back once per worker that died holding it: never give up on one for that.
      maxStalledCount: 1000,
    },
  );
  return {
    runsDone: () => done,
    ready: worker.waitUntilReady().then(() => undefined),
    close: async () => {
      await worker.close();
      connection.disconnect();
    },
  };
}
