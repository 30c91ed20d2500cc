/**
 * Diagnoses of drops at the Muxes: a dead Mux still in the router's ECMP set, packets for no
 * rule, and IP fragments on load-balancing rules (docs/mechanics.md §1.3, §2.7, §7.2, §7.3).
 */

import { platformLabel } from '../schema/platform.ts';
import { splitTarget } from '../schema/traffic.ts';
import type { DropSituation, Finding } from './drop-situation.ts';
import { diagnoseGenerally } from './general-fixes.ts';
import { diagnoseNearMissRule } from './near-miss-rule.ts';
import { describeBackendChanges, muxFailureBefore } from './pool-events.ts';
import { atTime, lasting } from './words.ts';

/** `mux-down`: the router sent the flow to a dead Mux until the BGP hold timer expired → mux-failure. */
export function diagnoseMuxDown(situation: DropSituation): Finding {
  const { scenario } = situation.index;
  const mux = situation.drop.node;
  const failedAt = muxFailureBefore(scenario, situation.drop.atNs, mux);
  const hold = scenario.network.bgpHoldTime;
  const failed = failedAt === undefined ? `${mux} was down` : `${mux} failed at ${atTime(failedAt)} (fail-mux)`;
  const until = failedAt === undefined ? '' : ` at ${atTime(failedAt + hold)}`;
  const changes = failedAt === undefined ? '' : describeBackendChanges(scenario, failedAt, failedAt + hold);
  const rehashed =
    situation.connection?.outcome === 'reset'
      ? `; then the router rehashed the flow to a live Mux that had never seen it, which hashed it against the current DIP list${changes === '' ? '' : ` — changed by ${changes} while ${mux} was down —`} and sent it to a VM that has no such connection, which reset it`
      : '';
  return {
    failureMode: 'mux-failure',
    cause: `${failed}, and the router kept sending it this flow's packets until its BGP hold timer (network.bgpHoldTime: ${lasting(hold)}) expired${until}: they were black-holed (Ananta §3.3.4, docs/mechanics.md §1.3)${rehashed}`,
    fix:
      `packets sent to a dead Mux before the hold timer expires are lost whatever the configuration: clients must retry (a shorter network.bgpHoldTime shortens the black hole: ${platformLabel})` +
      (changes === ''
        ? ''
        : `; in the platform, no change of the backend pool while a Mux is down (${changes}) would let rehashed flows survive, since with an unchanged DIP list every Mux computes the same DIP (${platformLabel}: a customer cannot see a Mux fail)`),
  };
}

/** `no-vip-endpoint`: the Mux has no rule for the packet's frontend, protocol and port. */
export function diagnoseNoVipEndpoint(situation: DropSituation): Finding {
  const { index, traffic, drop } = situation;
  const item = traffic === undefined ? undefined : index.scenario.traffic[traffic];
  if (item === undefined || drop.dstPort === undefined) return diagnoseGenerally('no-vip-endpoint');
  const address = splitTarget(item.to).address;
  const nearMiss = diagnoseNearMissRule(index, address, item.protocol, drop.dstPort);
  if (nearMiss !== undefined) return nearMiss;
  const ftp = item.app === 'ftp' ? ': every FTP passive port needs its own rule' : '';
  return {
    failureMode: undefined,
    cause: `No load-balancing rule takes ${item.protocol} port ${drop.dstPort} on frontend ${address}, so the Mux drops the packet`,
    fix: `add a rule with protocol: ${item.protocol}, frontendPort: ${drop.dstPort} on the frontend of ${address}${ftp}`,
  };
}

/** Why a traffic item's datagrams are fragmented, and the payload that avoids it (docs/mechanics.md §2.7). */
export function describeFragmentLimit(situation: DropSituation): { readonly cause: string; readonly fix: string } {
  const { index, traffic } = situation;
  const item = traffic === undefined ? undefined : index.scenario.traffic[traffic];
  const client = index.scenario.clients.find((candidate) => candidate.name === item?.from);
  const mtu = client?.mtu ?? index.scenario.network.mtu;
  const limit = mtu - 28;
  if (item === undefined || item.protocol !== 'Udp') {
    return {
      cause: `The datagram did not fit one packet at MTU ${mtu} and left its sender in fragments`,
      fix: 'keep datagrams within the MTU',
    };
  }
  const perFragment = Math.floor((mtu - 20) / 8) * 8;
  const fragments = Math.ceil((item.requestBytes + 8) / perFragment);
  return {
    cause: `A ${item.requestBytes}-byte UDP payload does not fit one packet at MTU ${mtu} (at most ${limit} bytes: ${mtu} − 20 IP − 8 UDP), so it leaves the sender in ${fragments} fragments`,
    fix: `keep UDP payloads at most ${limit} bytes (requestBytes on traffic ${item.name ?? `traffic-${traffic}`})`,
  };
}

/** `fragment-on-lb-rule`: load-balancing rules drop IP fragments → udp-fragmentation. */
export function diagnoseFragmentOnRule(situation: DropSituation): Finding {
  const limit = describeFragmentLimit(situation);
  return {
    failureMode: 'udp-fragmentation',
    cause: `${limit.cause}, and load-balancing rules drop IP fragments, the first one too (network.fragmentPolicy: drop, as Azure: docs/mechanics.md §2.7): the datagram is lost`,
    fix: `${limit.fix}, or send large datagrams outside the load balancer, to a VM's own address (Azure's HA-ports rules on an internal load balancer also forward fragments); network.fragmentPolicy: three-tuple, which keeps a datagram's fragments together, is a what-if (${platformLabel})`,
  };
}

/** `fragment-before-first`: Muxes that track first fragments met fragments in reverse order → udp-fragmentation. */
export function diagnoseFragmentBeforeFirst(situation: DropSituation): Finding {
  const limit = describeFragmentLimit(situation);
  return {
    failureMode: 'udp-fragmentation',
    cause:
      `${limit.cause}; these Muxes learn a datagram's ports from its first fragment (network.fragmentPolicy: track-first-fragment), ` +
      'and its later fragments arrived first (fragmentOrder: reverse), when their ports were unknown, so they were dropped and the datagram is lost',
    fix: `${limit.fix}, or send large datagrams outside the load balancer; network.fragmentPolicy: three-tuple, which needs no ports to place a fragment, is a what-if (${platformLabel})`,
  };
}
