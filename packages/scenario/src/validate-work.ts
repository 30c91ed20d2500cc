/**
 * Work a scenario asks for that the event budget does not count: building Maglev tables. Each
 * DIP list in use — one per backend pool behind a rule and per inbound NAT rule at the start,
 * one more per pool change — needs a table of `maglevTableSize` slots (shared by the Muxes of
 * the pool). A file within the format's limits could ask for thousands of ten-million-slot
 * tables: hours of building before the first packet. The total is bounded here instead, with a
 * message saying what to change.
 */
import type { PathIssue } from './load.ts';
import type { Scenario } from './schema/scenario.ts';

/** Most Maglev table slots a run may fill: 2^27, about ten seconds of building. */
export const maglevSlotLimit = 2 ** 27;

const poolChanges: ReadonlySet<string> = new Set([
  'add-backend',
  'remove-backend',
  'drain-backend',
  'set-backend-weight',
]);

/** An error when the run's Maglev tables would exceed {@link maglevSlotLimit} slots. */
export function validateWork(scenario: Scenario): PathIssue[] {
  const network = scenario.network;
  if (network.backendSelection !== 'maglev') return [];
  const pools = new Set<string>();
  let natRules = 0;
  for (const lb of scenario.loadBalancers) {
    for (const rule of lb.rules) pools.add(`${lb.name}/${rule.backendPool}`);
    natRules += lb.inboundNatRules.length;
  }
  const changes = scenario.events.filter((event) => poolChanges.has(event.action)).length;
  const tables = pools.size + natRules + changes;
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
