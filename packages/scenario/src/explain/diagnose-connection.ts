/**
 * Why one failed connection failed: the drop that decided it, diagnosed through the drop table,
 * or — when nothing of it was dropped — the RST or the outcome itself; and the evidence (its
 * first drop at each node, the RST that ended it).
 */
import type { DropReason } from '@lbsim/core';
import type { Evidence } from '../base/explanation.ts';
import type { ConnectionDrop, ConnectionSummary, UnexplainedRun } from '../base/run-result.ts';
import { diagnoseDrop } from './drop-diagnoses.ts';
import type { DownDip, DropSituation, Finding } from './drop-situation.ts';
import { diagnoseIdleReset } from './host-drop-causes.ts';
import { diagnoseLinkedChannels } from './linked-connection-causes.ts';
import type { RuleFacts, ScenarioIndex } from './scenario-index.ts';

/**
 * Reasons that follow from an earlier loss rather than cause one: an out-of-order segment after
 * a lost one, a datagram whose other fragments were lost, an ICMP error about a flow elsewhere.
 */
const consequences: ReadonlySet<DropReason> = new Set<DropReason>([
  'tcp-out-of-order',
  'tcp-bad-ack',
  'reassembly-timeout',
  'icmp-unhandled',
]);

/** What a connection diagnosis needs besides the connection. */
export interface ConnectionContext {
  readonly index: ScenarioIndex;
  readonly run: UnexplainedRun;
  readonly downDipsAt: (rule: RuleFacts, atNs: number) => readonly DownDip[];
}

/** The diagnosis of a failed connection. */
export function diagnoseConnection(connection: ConnectionSummary, context: ConnectionContext): Finding {
  const situation = (drop: ConnectionDrop): DropSituation => ({
    drop,
    probe: undefined,
    connection,
    traffic: connection.traffic,
    ...context,
  });
  const decisive = chooseDecisiveDrop(connection);
  if (decisive !== undefined) return diagnoseDrop(situation(decisive));
  const reset = connection.resets[0];
  if (connection.outcome === 'reset' && reset !== undefined) {
    const kind = context.index.kindOf(reset.node);
    const idle =
      kind === 'host' || kind === 'mux'
        ? diagnoseIdleReset(
            situation({
              atNs: reset.atNs,
              node: reset.node,
              reason: 'idle-timeout',
              note: reset.note,
              packet: '',
              dstPort: undefined,
            }),
          )
        : undefined;
    if (idle !== undefined) return idle;
    const linked = diagnoseLinkedChannels(connection, context.index);
    if (linked !== undefined) return linked;
    return {
      failureMode: undefined,
      cause: `${reset.node} reset it: ${reset.note}`,
      fix: `see why ${reset.node} sent the RST (lbsim run --trace --connection ${connection.id})`,
    };
  }
  return diagnoseUndropped(connection);
}

/**
 * The drop that decided the connection: for a reset one, the drop at the node that sent the
 * RST (a VM that had no such connection); otherwise its first drop that is not a consequence
 * of an earlier one.
 */
function chooseDecisiveDrop(connection: ConnectionSummary): ConnectionDrop | undefined {
  const reset = connection.resets[0];
  if (connection.outcome === 'reset' && reset !== undefined) {
    const there = connection.dropCounts.find((count) => count.node === reset.node && !consequences.has(count.reason));
    if (there !== undefined) {
      return {
        atNs: reset.atNs,
        node: there.node,
        reason: there.reason,
        note: there.example,
        packet: '',
        dstPort: undefined,
      };
    }
  }
  const kept = connection.drops.find((drop) => !consequences.has(drop.reason));
  if (kept !== undefined) return kept;
  const counted = connection.dropCounts.find((count) => !consequences.has(count.reason));
  if (counted !== undefined) {
    const at = connection.drops[0]?.atNs ?? connection.startedAtNs;
    return {
      atNs: at,
      node: counted.node,
      reason: counted.reason,
      note: counted.example,
      packet: '',
      dstPort: undefined,
    };
  }
  return connection.drops[0];
}

/** A failed connection none of whose packets was dropped and that no one reset. */
function diagnoseUndropped(connection: ConnectionSummary): Finding {
  const causes: Partial<Record<ConnectionSummary['outcome'], Finding>> = {
    pending: {
      failureMode: undefined,
      cause: 'The run ended while the connection was still being set up',
      fix: 'lengthen the scenario (duration), or start the traffic earlier',
    },
    'no-port': {
      failureMode: undefined,
      cause: 'The client had no free local port: every port of its ephemeral range was in use or in TIME-WAIT',
      fix: 'reuse connections (requests per connection), or spread the traffic over more clients',
    },
    incomplete: {
      failureMode: undefined,
      cause: 'The server closed the connection before the whole response arrived',
      fix: "check the application's configuration (http.responses)",
    },
  };
  return (
    causes[connection.outcome] ?? {
      failureMode: undefined,
      cause:
        'No packet of it was dropped and no one reset it, yet no answer came in time: the application answered too slowly, or not at all',
      fix: "make the application answer within the client's timeouts (http.responses delay, the traffic's timeout)",
    }
  );
}

/**
 * Where a connection went wrong: its first drop at each node (kept drops, in time order), and
 * the first RST when it was reset and the resetting node dropped nothing of it.
 */
export function collectConnectionEvidence(connection: ConnectionSummary): Evidence[] {
  const evidence: Evidence[] = [];
  const seen = new Set<string>();
  for (const drop of connection.drops) {
    const key = `${drop.node}|${drop.reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    evidence.push({ ...drop, connection: connection.id });
  }
  const reset = connection.resets[0];
  // A drop at the node that reset it says more than the RST (its note already says "answered RST").
  const resetSaid = reset !== undefined && connection.dropCounts.some((count) => count.node === reset.node);
  if (connection.outcome === 'reset' && reset !== undefined && !resetSaid) {
    evidence.push({
      atNs: reset.atNs,
      node: reset.node,
      packet: '',
      reason: undefined,
      note: reset.note,
      connection: connection.id,
    });
  }
  return evidence.sort((a, b) => a.atNs - b.atNs);
}
