/**
 * Diagnoses of `tcp-no-connection`: a packet of an established flow reached a VM that does not
 * have the connection, which answers RST. Flows move between DIPs when a Mux without their
 * state hashes them against a changed DIP list: after a Mux failure (mux-failure) or because
 * the Muxes keep no state and the list changed (dip-removal) (Ananta §3.3.4, docs/mechanics.md
 * §1.3, §7.2, §7.9 items 12 and 13; Maglev §3.4).
 */

import { platformLabel } from '../schema/platform.ts';
import type { DropSituation, Finding } from './drop-situation.ts';
import { diagnoseGenerally } from './general-fixes.ts';
import { describeBackendChanges, failedMuxBefore } from './pool-events.ts';
import { atTime } from './words.ts';

/** `tcp-no-connection` for a connection's packet: mux-failure, dip-removal, or neither. */
export function diagnoseNoConnection(situation: DropSituation): Finding {
  const { index, drop, connection } = situation;
  const scenario = index.scenario;
  const since = connection?.startedAtNs ?? 0;
  const changes = describeBackendChanges(scenario, since, drop.atNs);
  const failure = failedMuxBefore(scenario, drop.atNs);
  if (failure !== undefined) {
    const expired = failure.atNs + scenario.network.bgpHoldTime;
    return {
      failureMode: 'mux-failure',
      cause:
        `${failure.mux} failed at ${atTime(failure.atNs)}; when its BGP hold timer expired at ${atTime(expired)} the router rehashed flows over the live Muxes, ` +
        `and this one moved to a Mux that had never seen it, which hashed it against the current DIP list${changes === '' ? '' : ` — changed by ${changes} since the connection started —`} ` +
        'and sent it to a VM that has no such connection, which answered RST (Ananta §3.3.4: flow state is not replicated between Muxes)',
      fix:
        changes === ''
          ? 'clients must retry: flow state is not replicated between Muxes'
          : `clients must retry; in the platform, no change of the backend pool while a Mux is down (${changes}) would let rehashed flows survive, since with an unchanged DIP list every Mux computes the same DIP (${platformLabel}: a customer cannot see a Mux fail)`,
    };
  }
  if (changes === '' && situation.run.dipListChanges.length === 0) return diagnoseGenerally('tcp-no-connection');
  const network = scenario.network;
  const stateless =
    network.flowTable.untrustedQuota === 0 || network.flowTable.trustedQuota === 0
      ? 'these Muxes keep no flow state (network.flowTable quota 0, as when the flow table is full under a SYN flood)'
      : 'the Mux that handled it had no state for it (its flow table was full, or the flow moved between Muxes)';
  const hashing =
    network.backendSelection === 'modulo'
      ? 'modulo hashing re-deals most flows when the number of DIPs changes'
      : 'consistent hashing moved only the flows of the DIP that left, and this was one of them';
  return {
    failureMode: 'dip-removal',
    cause:
      `${changes === '' ? 'A change of the pool' : changes} changed the rule's DIP list while the connection was open; ${stateless}, ` +
      `so its next packet was hashed afresh against the new list — ${hashing} — and reached a VM that has no such connection, which answered RST (docs/mechanics.md §7.9 item 13)`,
    fix:
      network.backendSelection === 'modulo'
        ? `network.backendSelection: maglev (the default: consistent hashing moves only the removed DIP's flows), and keep flow state so established flows stay on their DIP, room in network.flowTable: untrustedQuota, trustedQuota (each ${platformLabel})`
        : `drain a backend (drain-backend) before removing it; in the platform, flow state keeps established flows on their DIP until they end, room in network.flowTable: untrustedQuota, trustedQuota (${platformLabel})`,
  };
}
