/**
 * A run that stops at its event budget while a Host Agent holds a packet for SNAT ports the
 * manager has not granted yet (docs/mechanics.md §2.8) accounts for that packet: the run result
 * counts it, the summary and the JSON summary line say it was neither delivered nor dropped,
 * and packet conservation counts it in flight.
 */
import { runScenario } from '@lbsim/scenario';
import { runObserved } from '@lbsim/scenario/testing';
import { formatSummary } from '@lbsim/sim-cli/portable';
import { describe, expect, it } from 'vitest';
import { loadCatalogueScenario } from './support.ts';

// same-vm-hairpin/fixed-second-nic: web-1's first SYN through the outbound rule waits for a port
// request at 5 s; its 402nd event is that hold, before the manager's grant arrives.
const scenario = { ...loadCatalogueScenario('same-vm-hairpin/fixed-second-nic'), eventBudget: 402 };

describe('a packet held for SNAT ports when the run stops', () => {
  it('is counted, and the summary says it was neither delivered nor dropped', () => {
    const result = runScenario(scenario);
    expect(result.status.kind).toBe('event-budget-exhausted');
    expect(result.packetsHeldForSnat).toHaveLength(1);
    const summary = formatSummary(result);
    expect(summary).not.toContain('every packet was delivered');
    expect(summary).toContain(
      '1 packet was still held at a Host Agent when the run ended, waiting for SNAT ports from the manager: neither delivered nor dropped',
    );
  });

  it('is in flight for packet conservation', () => {
    const { packets } = runObserved(scenario);
    expect(packets.unaccounted).toEqual([]);
    expect(packets.inFlight).toBeGreaterThanOrEqual(1);
  });

  it('is not counted when the run completes with every grant delivered', () => {
    const result = runScenario({ ...scenario, eventBudget: undefined });
    expect(result.status.kind).toBe('completed');
    expect(result.packetsHeldForSnat).toEqual([]);
    expect(formatSummary(result)).toContain('none: every packet was delivered');
  });
});
