/**
 * Work and memory a scenario asks for that the event budget does not bound, checked before
 * the run so that what cannot finish is refused with a message instead of hours of building
 * or a V8 fatal error.
 *
 * - Backend tables. Each DIP list in use — one per backend pool behind a rule and per inbound
 *   NAT rule at the start, one more per pool change — needs a table: `maglevTableSize` slots
 *   under Maglev, one entry per DIP under modulo hashing. A file within the format's limits
 *   could ask for thousands of ten-million-slot tables, or 33,000 rebuilds of a 2,000-DIP list.
 * - Connections. The run keeps every connection it starts until the summary is made, and live
 *   ones hold timers and flow state (memory-budget.ts): ten million of them do not fit in any
 *   Node heap, and the event budget (one event can start one) does not stop them in time.
 */
import { defaultEventBudget } from '@lbsim/core';
import type { PathIssue } from '../base/path-issue.ts';
import type { WorkLimits } from '../load/load.ts';
import { bytesPerConnection, runLimitsFor } from '../model/memory-budget.ts';
import type { Scenario } from '../schema/scenario.ts';

/** Most Maglev table slots a run may fill: 2^27, about ten seconds of building. */
export const maglevSlotLimit = 2 ** 27;
/** Most modulo table entries (DIPs over every table built) a run may build: 2^24. */
export const moduloEntryLimit = 2 ** 24;

const poolChanges: ReadonlySet<string> = new Set([
  'add-backend',
  'remove-backend',
  'drain-backend',
  'set-backend-weight',
]);

/** Errors for backend tables or connections beyond what a run can build or hold. */
export function validateWork(scenario: Scenario, limits: WorkLimits = {}): PathIssue[] {
  return [...tableIssues(scenario), ...connectionIssues(scenario, limits.heapLimitBytes)];
}

function tableIssues(scenario: Scenario): PathIssue[] {
  const network = scenario.network;
  const pools = new Set<string>();
  let natRules = 0;
  let largestPool = 0;
  for (const lb of scenario.loadBalancers) {
    for (const rule of lb.rules) pools.add(`${lb.name}/${rule.backendPool}`);
    for (const pool of lb.backendPools) largestPool = Math.max(largestPool, pool.members.length);
    natRules += lb.inboundNatRules.length;
  }
  const changes = scenario.events.filter((event) => poolChanges.has(event.action));
  const tables = pools.size + natRules + changes.length;
  if (network.backendSelection === 'maglev') {
    const slots = tables * network.maglevTableSize;
    if (slots <= maglevSlotLimit) return [];
    return [
      {
        severity: 'error',
        path: ['network', 'maglevTableSize'],
        message: `${tables} Maglev tables (one per backend pool and inbound NAT rule in use, one per pool change) of ${network.maglevTableSize} slots are ${slots} slots to fill, more than lbsim's ${maglevSlotLimit}: use a smaller maglevTableSize, such as 65537`,
      },
    ];
  }
  const dips = largestPool + changes.filter((event) => event.action === 'add-backend').length;
  const entries = tables * dips;
  if (entries <= moduloEntryLimit || changes.length === 0) return [];
  return [
    {
      severity: 'error',
      path: ['events'],
      message: `${changes.length} pool changes rebuild the modulo table of up to ${dips} DIPs ${tables} times: ${entries} entries to build, more than lbsim's ${moduloEntryLimit}; use fewer pool changes or smaller pools`,
    },
  ];
}

/**
 * Connections the run would start: each traffic item's count, cut at the end of the run, and
 * at most one per event of the budget.
 */
export function connectionsAskedFor(scenario: Scenario): number[] {
  return scenario.traffic.map((item) => {
    if (item.startAt > scenario.duration) return 0;
    if (item.every === 0) return item.connections;
    return Math.min(item.connections, Math.floor((scenario.duration - item.startAt) / item.every) + 1);
  });
}

function connectionIssues(scenario: Scenario, heapLimitBytes: number | undefined): PathIssue[] {
  const perItem = connectionsAskedFor(scenario);
  const budget = scenario.eventBudget ?? defaultEventBudget;
  const total = Math.min(
    budget,
    perItem.reduce((sum, count) => sum + count, 0),
  );
  const { maxConnections } = runLimitsFor(heapLimitBytes);
  if (total <= maxConnections) return [];
  const largest = perItem.indexOf(Math.max(...perItem));
  const heapMiB = Math.round((maxConnections * bytesPerConnection) / 2 ** 20);
  return [
    {
      severity: 'error',
      path: ['traffic', largest, 'connections'],
      message: `the traffic starts ${total} connections within the run, more than the ${maxConnections} that fit in Node's heap of ${heapMiB} MiB (about ${bytesPerConnection} bytes each): ask for fewer connections or a shorter duration, or give Node more memory (NODE_OPTIONS=--max-old-space-size=…)`,
    },
  ];
}
