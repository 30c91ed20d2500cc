/**
 * `lbsim worker --queue redis://…`: takes sweep runs from a BullMQ queue (put there by
 * `lbsim sweep --queue`) and runs them, one at a time, until Ctrl-C or SIGTERM; then it
 * finishes the run in progress and exits 0. Start one per core, on as many machines as
 * reach the Redis server. Prints a line when it is ready and one when it stops.
 */
import { type QueueWorkerTiming, startQueueWorker } from '@lbsim/sweep';
import type { CliIo, ExitCode } from '../io.ts';
import { describeError } from '../output/describe-error.ts';

/** What `lbsim worker` was asked to do. */
export interface WorkerOptions {
  readonly queue: string;
  readonly queueName: string;
  readonly timing: QueueWorkerTiming;
}

/** Runs `lbsim worker` until a signal stops it. @returns 0 when stopped, 2 when the queue cannot be used. */
export async function workerCommand(options: WorkerOptions, io: CliIo): Promise<ExitCode> {
  let worker: Awaited<ReturnType<typeof startQueueWorker>>;
  try {
    worker = await startQueueWorker({ url: options.queue, name: options.queueName }, options.timing);
    await worker.ready;
  } catch (error) {
    io.stderr(`lbsim: cannot take jobs from ${options.queue}: ${describeError(error)}\n`);
    return 2;
  }
  io.stderr(`lbsim: worker taking runs from the queue ${options.queueName} at ${options.queue}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await worker.close();
  io.stderr(`lbsim: worker stopped after ${worker.runsDone()} runs\n`);
  return 0;
}
