/**
 * Which trace events `--trace` and `--json` show: `--connection`, `--at` and `--no-probes`.
 */
import { azurePlatformAddress, type TraceEvent } from '@lbsim/core';

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
