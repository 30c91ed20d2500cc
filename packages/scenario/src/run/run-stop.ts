/**
 * Why a run stopped before its end, in words for the CLI and the report.
 */
import type { RunStatus } from '@lbsim/core';

/**
 * Why the run stopped early, as the end of "the run stopped at T s after N events…": the
 * event budget, or the state bound it reached (memory-budget.ts) with what to change; or
 * `undefined` when the run completed.
 */
export function describeStop(status: RunStatus): string | undefined {
  switch (status.kind) {
    case 'completed':
      return undefined;
    case 'event-budget-exhausted':
      return ' (the event budget): is something looping? Raise eventBudget if the scenario is just big.';
    case 'state-limit-reached': {
      const held = status.what === 'connections' ? `${status.limit} connections` : `${status.limit} pending events`;
      return `: it held ${held}, as many as the heap allows; ask for fewer connections or fewer at once, or give Node more memory (NODE_OPTIONS=--max-old-space-size=…).`;
    }
  }
}

/** A short verdict for a stopped run: `event budget exhausted`, `connection limit reached`. */
export function shortStopReason(status: RunStatus): string | undefined {
  switch (status.kind) {
    case 'completed':
      return undefined;
    case 'event-budget-exhausted':
      return 'event budget exhausted';
    case 'state-limit-reached':
      return status.what === 'connections' ? 'connection limit reached' : 'pending-event limit reached';
  }
}
