/**
 * @lbsim/sweep: one scenario over many seeds and parameter values — the sweep file, its grid,
 * the measures taken from each run, statistics with 95 % confidence intervals, JSON lines, the
 * summary table and the HTML report — run in-process, on worker threads (piscina) or on a
 * BullMQ queue with `lbsim worker` processes anywhere.
 */
export * from './check-expectations.ts';
export * from './engines/in-process-engine.ts';
export * from './engines/queue-connection.ts';
export * from './engines/queue-engine.ts';
export * from './engines/queue-worker.ts';
export * from './engines/sweep-engine.ts';
export * from './engines/thread-pool-engine.ts';
export * from './execute-task.ts';
export * from './load-sweep.ts';
export * from './measure-run.ts';
export * from './ordered-records.ts';
export * from './parameter-path.ts';
export * from './plan-sweep.ts';
export * from './record-line.ts';
export * from './run-sweep.ts';
export * from './run-task.ts';
export * from './schema/sweep-file.ts';
export * from './seed-range.ts';
export * from './statistics.ts';
export * from './summarize-sweep.ts';
export * from './summary-table.ts';
export * from './t-quantile.ts';
