/**
 * Diagnoses of packets too big for a link: after IP-in-IP encapsulation at a Mux (encap-mtu,
 * Ananta §6) or on a narrow path toward a client, where path-MTU discovery fails because the
 * ICMP error reaches the wrong VM (pmtud-icmp) (docs/mechanics.md §1.4 MTU/MSS, §2.7).
 */

import { platformLabel } from '../schema/platform.ts';
import type { DropSituation, Finding } from './drop-situation.ts';
import { diagnoseGenerally } from './general-fixes.ts';
import { distinct, listWords } from './words.ts';

/** `mtu-exceeded`: at a Mux → encap-mtu; at the router with ICMP going astray → pmtud-icmp. */
export function diagnoseMtuExceeded(situation: DropSituation): Finding {
  const kind = situation.index.kindOf(situation.drop.node);
  if (kind === 'mux') return diagnoseEncapsulationMtu(situation);
  if (kind === 'router') return diagnosePathMtuBlackHole(situation) ?? diagnoseGenerally('mtu-exceeded');
  return diagnoseGenerally('mtu-exceeded');
}

/** `icmp-unhandled`: harmless alone; part of a path-MTU black hole when the ICMP error went astray. */
export function diagnoseIcmpUnhandled(situation: DropSituation): Finding {
  return diagnosePathMtuBlackHole(situation) ?? diagnoseGenerally('icmp-unhandled');
}

function diagnoseEncapsulationMtu(situation: DropSituation): Finding {
  const network = situation.index.scenario.network;
  const fabric = network.fabricMtu ?? network.mtu;
  const sender = network.mssClamp
    ? 'the sender does not use the clamped MSS'
    : 'nothing clamps the TCP MSS (network.mssClamp: false), so the sender keeps sending full-size segments and retransmits the same size';
  return {
    failureMode: 'encap-mtu',
    cause: `A full-size packet with DF set grows by the 20-byte IP-in-IP header at the Mux and no longer fits the fabric MTU of ${fabric} bytes, so the Mux drops it; ${sender}, and the transfer stalls (Ananta §6)`,
    fix: `in the platform (each ${platformLabel}): network.mssClamp: true (the default: the Host Agent rewrites the MSS to 1440 so packets fit after encapsulation), or network.fabricMtu: ${network.mtu + 20} or more, or network.icmpFragmentationNeeded: true so the sender's path-MTU discovery shrinks its segments`,
  };
}

/**
 * A path-MTU black hole: the connection's big packets were dropped at the router and the ICMP
 * errors about them were ignored by a VM without the connection, because the Muxes routed them
 * by a naive hash. `undefined` when the run does not show both halves.
 */
function diagnosePathMtuBlackHole(situation: DropSituation): Finding | undefined {
  const { index, connection, traffic } = situation;
  if (connection === undefined || index.scenario.network.icmpToVip !== 'naive-hash') return undefined;
  const counts = connection.dropCounts;
  const astray = distinct(counts.filter((count) => count.reason === 'icmp-unhandled').map((count) => count.node));
  const tooBig = counts.some((count) => count.reason === 'mtu-exceeded' && index.kindOf(count.node) === 'router');
  if (astray.length === 0 || !tooBig) return undefined;
  const item = traffic === undefined ? undefined : index.scenario.traffic[traffic];
  const client = index.scenario.clients.find((candidate) => candidate.name === item?.from);
  const path =
    client?.linkMtu === undefined
      ? 'The path to the client is narrower than the VMs think'
      : `The path to ${client.name} carries only ${client.linkMtu} bytes (linkMtu)`;
  return {
    failureMode: 'pmtud-icmp',
    cause:
      `${path}: the router drops the VMs' larger segments (DF set) and sends ICMP "fragmentation needed" to their source, the VIP; ` +
      `these Muxes route that ICMP by a hash of its own addresses (network.icmpToVip: naive-hash), the same for every connection, so it reaches ${listWords(astray)}, ` +
      'not the VM that owns the connection, which never learns the path MTU and keeps retransmitting full-size segments: a path-MTU black hole',
    fix: `network.icmpToVip: flow, so the Muxes send an ICMP error to the VM that owns the flow it quotes (${platformLabel}); a customer can avoid needing path-MTU discovery with a smaller MSS or MTU in the guests`,
  };
}
