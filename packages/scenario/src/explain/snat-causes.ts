/**
 * Diagnoses of outbound SNAT drops (docs/mechanics.md §1.4 "SNAT", §2.8): a VM out of SNAT ports for
 * a destination is the catalogue's snat-exhaustion. When the destination is a public frontend
 * of the caller's own load balancer, the calls use SNAT only because they go through the public
 * frontend: Azure's guide names that price of calling a public instead of an internal frontend
 * (docs/mechanics.md §2.5).
 */
import { formatTimeNs } from '@lbsim/core';
import type { DropSituation, Finding } from './drop-situation.ts';

/** `snat-ports-exhausted`: every port of the VM's allocation carries a flow to that destination. */
export function diagnoseSnatExhausted(situation: DropSituation): Finding {
  const item = situation.traffic === undefined ? undefined : situation.index.scenario.traffic[situation.traffic];
  const usage = situation.run.snat.find((candidate) => candidate.vm === item?.from && candidate.failedAllocations > 0);
  const who = item?.from ?? 'the VM';
  const limit = usage === undefined ? 'its allocation' : `its ${usage.portLimit} ports (${usage.policy})`;
  const since = usage?.firstFailure === undefined ? '' : ` from ${formatTimeNs(usage.firstFailure.atNs)} s on`;
  const rule = situation.traffic === undefined ? undefined : situation.index.ruleOfTraffic(situation.traffic);
  const ownFrontend =
    rule?.members.some((member) => member.vm.name === item?.from) === true ? rule.frontendIp : undefined;
  return {
    failureMode: 'snat-exhaustion',
    cause:
      `${who} opens a new connection for every call to the same destination, and each port stays held for ` +
      `240 s after FIN (15 s after RST), so ${limit} all carried a flow to it${since}: the Host Agent dropped ` +
      'the SYNs of new connections until ports were released (docs/mechanics.md §2.8)' +
      (ownFrontend === undefined
        ? ''
        : `. ${ownFrontend} is a public frontend of ${who}'s own load balancer: its calls to it need SNAT only because they go through a public frontend, which Azure's troubleshooting guide names as the price of using a public load balancer to avoid the internal one's self-mapping: "prone to SNAT exhaustion" (docs/mechanics.md §2.5, https://learn.microsoft.com/azure/load-balancer/load-balancer-troubleshoot-backend-traffic)`),
    fix:
      'reuse connections (HTTP keep-alive, a connection pool); or give the VM more ports ' +
      '(outboundRules[].allocatedOutboundPorts, a multiple of 8) or more frontend IPs on the outbound rule' +
      (ownFrontend === undefined
        ? ''
        : "; or call the service without SNAT: through a proxy in front of an internal load balancer (Azure's fix for the self-mapping)"),
  };
}
