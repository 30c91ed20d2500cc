/**
 * Which trace events `--trace` and `--json` show: `--connection`, `--at` and `--no-probes`;
 * and what is wrong with a filter that names something the run does not have (else the trace
 * would just be empty, with no word why).
 */
import { azurePlatformAddress, type TraceEvent } from '@lbsim/core';
import { didYouMean, printable } from '@lbsim/scenario';

/** Which events to show. */
export interface TraceFilter {
  /** Only these connection ids (all when empty). */
  readonly connections: readonly number[];
  /** Only these vantage points (all when empty). */
  readonly nodes: readonly string[];
  /** Show health-probe packets, to and from 168.63.129.16 (default true). */
  readonly probes?: boolean;
}

/** A predicate for the events `filter` lets through. */
export function traceEventFilter(filter: TraceFilter): (event: TraceEvent) => boolean {
  const connections = new Set(filter.connections);
  const nodes = new Set(filter.nodes);
  const probes = filter.probes ?? true;
  return (event) => {
    if (connections.size > 0 && !connections.has(event.meta.connectionId)) return false;
    if (nodes.size > 0 && !nodes.has(event.node)) return false;
    if (!probes && isProbePacket(event)) return false;
    return true;
  };
}

/** Probe packets go between 168.63.129.16 and a DIP, never tunnelled (docs/mechanics.md §2.3). */
function isProbePacket(event: TraceEvent): boolean {
  return event.packet.src === azurePlatformAddress || event.packet.dst === azurePlatformAddress;
}

/**
 * Why `--at` names a vantage point the scenario does not have, or `undefined` when every name
 * is one of `vantagePoints` (clients, router, Muxes, Host Agents, VMs).
 */
export function describeUnknownVantagePoints(
  nodes: readonly string[],
  vantagePoints: readonly string[],
): string | undefined {
  const known = new Set(vantagePoints);
  const unknown = nodes.find((node) => !known.has(node));
  if (unknown === undefined) return undefined;
  return `--at ${printable(unknown, 60)}: no such vantage point in this scenario${didYouMean(unknown, vantagePoints)}`;
}

/**
 * Why `--connection` names a connection the run never started, or `undefined`. Connections are
 * numbered 1, 2, … in the order they start, so `startedCount` is also the highest id.
 */
export function describeUnknownConnections(connections: readonly number[], startedCount: number): string | undefined {
  const unknown = connections.filter((id) => id > startedCount);
  if (unknown.length === 0) return undefined;
  const range = startedCount === 0 ? 'it started none' : `its connections are 1 to ${startedCount}`;
  return `--connection ${unknown.join(', ')}: no such connection in this run (${range}), so the trace shows nothing of it`;
}
