/**
 * The queue engine: puts every run as a job on a BullMQ queue in Redis, for `lbsim worker`
 * processes on any number of machines to take, and gathers the records they return. BullMQ
 * does the distribution and the recovery: a worker that dies holding a job stops renewing its
 * lock, another worker's stalled-job check moves the job back to the queue, and it runs again
 * (docs.bullmq.io, "Stalled jobs"). The run is deterministic, so a run done twice gives the
 * same record, and a record that comes twice is kept once.
 *
 * Jobs are named by the sweep's id (a digest of the plan and a random part, so two sweeps
 * never share jobs) and the run index. Finished jobs are read back by polling the queue's
 * completed list and removed as they are read; a failed job (the simulation threw) fails the
 * sweep. On a stop, the jobs not yet taken are removed.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { SweepPlan } from '../plan-sweep.ts';
import type { RunRecord, RunTask } from '../run-task.ts';
import { exportOf } from './module-export.ts';
import { connectToQueue, type QueueAddress } from './queue-connection.ts';
import { describeFailure, type SweepEngine } from './sweep-engine.ts';

/** Jobs added to Redis in one call. */
const jobsPerBatch = 500;
/** How long BullMQ keeps a finished job that no producer read (its sweep was killed), s. */
const oneDayS = 24 * 60 * 60;
/** How often the completed list is read, ms. */
const pollIntervalMs = 200;

/** The sweep's job-id prefix: a digest of what it runs, and a random part. */
function sweepIdOf(plan: SweepPlan): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([plan.sweep, plan.points.map((point) => point.scenarioText), plan.seeds]))
    .digest('hex')
    .slice(0, 12);
  return `${digest}-${randomBytes(4).toString('hex')}`;
}

/** An engine sending the runs to the queue at `address`. */
export function queueEngine(address: QueueAddress): SweepEngine {
  return async (plan, onRecord, signal) => {
    const Queue = exportOf(await import('bullmq'), 'Queue');
    const connection = await connectToQueue(address.url);
    const queue = new Queue<RunTask, RunRecord>(address.name, { connection });
    const sweepId = sweepIdOf(plan);
    const prefix = `${sweepId}-run-`;
    const jobId = (run: number) => `${prefix}${run}`;
    const received = new Set<number>();
    try {
      for (let first = 0; first < plan.runCount && !signal.aborted; first += jobsPerBatch) {
        const runs = Array.from({ length: Math.min(jobsPerBatch, plan.runCount - first) }, (_, index) => first + index);
        await queue.addBulk(
          runs.map((run) => ({
            name: 'run',
            data: plan.taskAt(run),
            // Read back and removed by this producer; a day's grace for those of a sweep that died.
            opts: {
              jobId: jobId(run),
              removeOnComplete: { age: oneDayS },
              removeOnFail: { age: oneDayS },
              attempts: 1,
            },
          })),
        );
      }
      while (received.size < plan.runCount && !signal.aborted) {
        const failed = (await queue.getFailed(0, 999)).find((job) => job.id?.startsWith(prefix));
        if (failed !== undefined) {
          return { kind: 'failed', error: `run ${failed.data.run}: ${failed.failedReason}` };
        }
        for (const job of await queue.getCompleted(0, 999)) {
          if (!job.id?.startsWith(prefix)) continue;
          const record = job.returnvalue;
          if (!received.has(record.run)) {
            received.add(record.run);
            onRecord(record);
          }
          await job.remove().catch(() => undefined);
        }
        if (received.size < plan.runCount) await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
      }
      if (signal.aborted) {
        await removeUnfinished(queue, plan.runCount, received, jobId);
        return { kind: 'stopped' };
      }
      return { kind: 'finished' };
    } catch (error) {
      return { kind: 'failed', error: `the queue at ${address.url}: ${describeFailure(error)}` };
    } finally {
      await queue.close();
      connection.disconnect();
    }
  };
}

/** Removes the sweep's jobs that have no record yet; a job a worker holds stays (it is locked). */
async function removeUnfinished(
  queue: import('bullmq').Queue<RunTask, RunRecord>,
  runCount: number,
  received: ReadonlySet<number>,
  jobId: (run: number) => string,
): Promise<void> {
  for (let run = 0; run < runCount; run += 1) {
    if (!received.has(run)) await queue.remove(jobId(run)).catch(() => undefined);
  }
}
