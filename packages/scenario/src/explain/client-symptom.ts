/**
 * What a client saw, in words: how its connections (or UDP exchanges) ended, from its side
 * (core/stack/exchange-outcome.ts), e.g. "timed out after 4 SYNs went unanswered".
 */
import { formatDurationNs } from '@lbsim/core';
import type { ConnectionSummary, TrafficSummary } from '../base/run-result.ts';
import type { Scenario } from '../schema/scenario.ts';
import { countOf } from './words.ts';

/** Whether a connection failed: its outcome is no success, or it hung open with its last packets dropped. */
export function isFailedConnection(connection: ConnectionSummary): boolean {
  if (connection.outcome === 'established') return connection.stalled;
  return connection.outcome !== 'completed' && connection.outcome !== 'answered';
}

/** The outcome as the client saw it, after "N connections of web …". */
function describeOutcome(connection: ConnectionSummary, timeoutNs: number): string {
  switch (connection.outcome) {
    case 'timed-out':
      if (connection.synDrops > 0 && connection.synDrops === connection.dropCount) {
        return `timed out after ${countOf(connection.synDrops, 'SYN')} went unanswered`;
      }
      return connection.synDrops === 0 && connection.dropCount > 0
        ? 'timed out after the handshake: their packets went unanswered'
        : 'timed out';
    case 'refused':
      return 'were refused ("connection refused": the SYN was answered with RST)';
    case 'reset':
      return 'were reset: an RST arrived after the handshake';
    case 'incomplete':
      return 'were cut short: the server closed before the whole response arrived';
    case 'established':
      return 'hung: still open when the run ended, their last packets dropped';
    case 'pending':
      return 'were still connecting when the run ended';
    case 'no-port':
      return 'never started: the client had no free local port';
    case 'lost':
      return `got no reply within ${formatDurationNs(timeoutNs)}`;
    default:
      return connection.outcome;
  }
}

/** What a traffic item's failed connections saw: a symptom sentence and a short headline. */
export function describeClientSymptom(
  scenario: Scenario,
  item: TrafficSummary,
  connections: readonly ConnectionSummary[],
): { readonly symptom: string; readonly headline: string } {
  const first = connections[0] as ConnectionSummary;
  const udp = item.protocol === 'Udp';
  const noun = udp ? 'datagram' : 'connection';
  const outcome = describeOutcome(first, scenario.traffic[item.index]?.timeout ?? 0);
  const count = connections.length;
  const verb = udp ? 'were lost' : describeHeadlineVerb(first);
  return {
    symptom: agree(
      `${describeShare(count, item.started, noun)} of ${item.name} (${item.from} → ${item.to} ${item.protocol.toUpperCase()}) ${udp ? `were lost: they ${outcome}` : outcome}`,
      count,
    ),
    headline: agree(`${countOf(count, noun)} of ${item.name} ${verb}`, count),
  };
}

/** `All 10 connections`, `The only connection`, `3 of 10 connections`. */
function describeShare(count: number, started: number, noun: string): string {
  if (count !== started) return `${count} of ${countOf(started, noun)}`;
  if (count === 1) return `The only ${noun}`;
  return count === 2 ? `Both ${noun}s` : `All ${countOf(count, noun)}`;
}

/** Singular verbs for one: `were` → `was`, `they` → `it`, `their` → `its`. */
function agree(text: string, count: number): string {
  if (count !== 1) return text;
  return text
    .replace(/\bwere\b/g, 'was')
    .replace(/\bthey\b/g, 'it')
    .replace(/\btheir\b/g, 'its');
}

function describeHeadlineVerb(connection: ConnectionSummary): string {
  switch (connection.outcome) {
    case 'timed-out':
      return 'timed out';
    case 'refused':
      return 'were refused';
    case 'reset':
      return 'were reset';
    case 'established':
      return 'hung';
    case 'pending':
      return 'were still connecting at the end';
    case 'incomplete':
      return 'were cut short';
    case 'no-port':
      return 'never started';
    default:
      return `ended ${connection.outcome}`;
  }
}
