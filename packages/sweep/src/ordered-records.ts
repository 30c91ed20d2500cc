/**
 * Records arriving in any order, released in run order: each record is handed on as soon as
 * every run before it has arrived, so a JSON-lines file grows in run order while the runs
 * finish out of order, and a stopped sweep can still release the rest, in order, with gaps.
 */
import type { RunRecord } from './run-task.ts';

/** Collects records and releases them in run order. */
export class OrderedRecords {
  private readonly waiting = new Map<number, RunRecord>();
  private readonly all: RunRecord[] = [];
  private next = 0;

  /** @param release called with each record once all runs before it are released */
  constructor(private readonly release: (record: RunRecord) => void) {}

  /** Adds a record; a run already added is ignored (a queue may deliver a result twice). */
  add(record: RunRecord): boolean {
    if (record.run < this.next || this.waiting.has(record.run)) return false;
    this.waiting.set(record.run, record);
    this.all.push(record);
    for (let ready = this.waiting.get(this.next); ready !== undefined; ready = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      this.next += 1;
      this.release(ready);
    }
    return true;
  }

  /** Releases the records still waiting for an earlier run, in run order (after a stop). */
  flush(): void {
    for (const run of [...this.waiting.keys()].sort((a, b) => a - b)) {
      const record = this.waiting.get(run);
      if (record !== undefined) this.release(record);
    }
    this.waiting.clear();
  }

  /** Records added so far. */
  get count(): number {
    return this.all.length;
  }

  /** Every record added, in run order. */
  records(): RunRecord[] {
    return [...this.all].sort((a, b) => a.run - b.run);
  }
}
