/**
 * Diagnoses of drops at the Host Agent and the virtual switch: network security groups, the
 * Standard load balancer's closed default, hairpin, the multi-NIC source check and the idle
 * timeout (docs/mechanics.md §2.3–§2.6, §7.4, §7.6).
 */
import { nsPerMinute } from '@lbsim/core';
import type { DropSituation, Finding } from './drop-situation.ts';
import { diagnoseGenerally } from './general-fixes.ts';
import { allowPriorityAdvice, type NsgDenial, nsgDenialOf } from './nsg-denial-note.ts';
import { countOf, lasting } from './words.ts';

/** `nsg-denied`: probes → nsg-blocks-probe; a client's inbound packets → nsg-blocks-client. */
export function diagnoseNsgDenied(situation: DropSituation): Finding {
  const denial = nsgDenialOf(situation.drop);
  if (denial === undefined) return diagnoseGenerally('nsg-denied');
  const rule = `NSG ${denial.group}'s rule ${denial.rule} (priority ${denial.priority}${denial.isDefault ? ', a default rule' : ''})`;
  if (situation.probe !== undefined) {
    return {
      failureMode: 'nsg-blocks-probe',
      cause:
        `${rule} ${scopeWords(denial)} denies the health probes from 168.63.129.16: custom rules are processed before ` +
        'the default AllowAzureLoadBalancerInBound (65001), so each probe times out and the DIP is marked down (docs/mechanics.md §2.3, §7.6)',
      fix: `add an inbound rule to NSG ${denial.group} allowing source AzureLoadBalancer (protocol *, any port) ${allowPriorityAdvice(denial)}`,
    };
  }
  if (denial.direction === 'Outbound') {
    return {
      failureMode: undefined,
      cause: `${rule} ${scopeWords(denial)} denies the packet on its way out of the VM`,
      fix: `add an outbound rule to NSG ${denial.group} allowing this traffic ${allowPriorityAdvice(denial)}`,
    };
  }
  const source = situation.traffic === undefined ? undefined : situation.index.sourceOf(situation.traffic);
  const protocol =
    situation.traffic === undefined ? 'Tcp' : situation.index.scenario.traffic[situation.traffic]?.protocol;
  const port = situation.drop.dstPort === undefined ? 'the port' : `port ${situation.drop.dstPort}`;
  // The NSG judges the packet as it arrives: a VM's call through a public frontend arrives
  // SNATed, from a frontend IP rather than from the VM (docs/mechanics.md §2.8).
  const arrivedFrom = /denies \S+ (\d+\.\d+\.\d+\.\d+):\d+ →/.exec(situation.drop.note)?.[1];
  const from =
    source === undefined
      ? (arrivedFrom ?? 'the client')
      : arrivedFrom !== undefined && arrivedFrom !== source
        ? `${arrivedFrom} (${source}'s calls arrive SNATed from it)`
        : source;
  return {
    failureMode: 'nsg-blocks-client',
    cause: denial.isDefault
      ? `No rule of NSG ${denial.group} ${scopeWords(denial)} allows ${from} to ${protocol} ${port}, so the default rule ${denial.rule} (${denial.priority}) denies its packets at the Host Agent; the load balancer and the probes are fine`
      : `${rule} ${scopeWords(denial)} denies ${from} to ${protocol} ${port} at the Host Agent; the load balancer and the probes are fine`,
    fix: `add an inbound rule to NSG ${denial.group} allowing ${protocol} from ${arrivedFrom ?? source ?? 'the client'} (or its range) to destination ${port} ${allowPriorityAdvice(denial)}`,
  };
}

/** Where the denying group sits, without naming one NIC (so one explanation covers every backend). */
function scopeWords(denial: NsgDenial): string {
  return denial.scope.startsWith('NIC ') ? "on the backends' NICs" : `on ${denial.scope}`;
}

/** `standard-lb-closed`: a Standard public load balancer without any NSG → nsg-blocks-client. */
export function diagnoseStandardClosed(situation: DropSituation): Finding {
  const port = situation.drop.dstPort === undefined ? 'the service port' : `port ${situation.drop.dstPort}`;
  return {
    failureMode: 'nsg-blocks-client',
    cause:
      "A Standard public load balancer is closed to inbound flows until a network security group on the backend's NIC or subnet allows them, " +
      "and the backends' NICs and subnets have none, so the Host Agent drops every client packet (secure by default, docs/mechanics.md §2.3)",
    fix: `create an NSG with an inbound rule allowing the clients (e.g. sourceAddressPrefix: Internet) to ${port}, and associate it with the backends' NICs (nics[].networkSecurityGroup) or their subnet (virtualNetwork.subnets[].networkSecurityGroup)`,
  };
}

/** `hairpin-same-nic`: a VM reached its own public frontend over the pooled NIC → same-vm-hairpin. */
export function diagnoseHairpin(situation: DropSituation): Finding {
  const { index, traffic } = situation;
  const item = traffic === undefined ? undefined : index.scenario.traffic[traffic];
  const rule = traffic === undefined ? undefined : index.ruleOfTraffic(traffic);
  if (item === undefined || rule === undefined) return diagnoseGenerally('hairpin-same-nic');
  const pool = rule.rule.backendPool;
  const others = rule.members.filter((member) => member.vm.name !== item.from).length;
  const share =
    others === 0
      ? `${item.from} is the pool's only member, so every connection is mapped back to it`
      : `the 5-tuple hash maps about 1 in ${others + 1} of its connections back to it; the others reach another VM and work`;
  return {
    failureMode: 'same-vm-hairpin',
    cause:
      `${item.from} calls frontend ${rule.frontendIp} of its own load balancer over the NIC that is in backend pool ${pool}; ` +
      `a flow mapped back to the NIC that opened it is unsupported in Azure, and the Host Agent drops it (docs/mechanics.md §2.5): ${share}`,
    fix: `call ${rule.frontendIp} from a VM outside backend pool ${pool} (or over a second NIC of ${item.from} that is not in the pool); or call the application on ${item.from} directly, not through the load balancer`,
  };
}

/** `asymmetric-nic`: a reply left a multi-NIC VM by the wrong NIC → multi-nic-route. */
export function diagnoseAsymmetricNic(situation: DropSituation): Finding {
  const dip = situation.probe?.dip ?? situation.connection?.dips.at(-1);
  const nic = dip === undefined ? undefined : situation.index.nicOf(dip);
  if (dip === undefined || nic === undefined || nic.nicIndex === 0) return diagnoseGenerally('asymmetric-nic');
  const what = situation.probe === undefined ? 'its replies' : 'its replies to the health probes from 168.63.129.16';
  const primary = nic.vm.nics[0]?.name ?? `${nic.vm.name}-nic0`;
  return {
    failureMode: 'multi-nic-route',
    cause:
      `${nic.vm.name} is in the pool by its secondary NIC ${nic.nic} (${dip}), but the guest's default route is via the primary NIC ${primary}, ` +
      `so ${what} leave by ${primary} with ${dip} as source and the virtual switch drops them: a multi-NIC VM must answer on the NIC that received the packet (docs/mechanics.md §2.3)`,
    fix: `add a policy route on ${nic.vm.name}: routes: [{ destination: 0.0.0.0/0, source: ${dip}, nic: ${nic.nic} }]`,
  };
}

/** `idle-timeout`: a silent flow outlived the rule's idle timeout → idle-timeout. */
export function diagnoseIdleTimeout(situation: DropSituation): Finding {
  const { index, traffic } = situation;
  const rule = traffic === undefined ? undefined : index.ruleOfTraffic(traffic);
  const item = traffic === undefined ? undefined : index.scenario.traffic[traffic];
  if (rule === undefined) return { ...diagnoseGenerally('idle-timeout'), failureMode: 'idle-timeout' };
  const minutes = rule.rule.idleTimeoutInMinutes;
  const silence = item !== undefined && item.idleBetween > 0 ? item.idleBetween : undefined;
  const silent = silence === undefined ? 'longer than that' : `for ${lasting(silence)} (idleBetween)`;
  const longer =
    silence === undefined || silence >= 30 * nsPerMinute
      ? 'a longer idleTimeoutInMinutes'
      : `idleTimeoutInMinutes above ${Math.ceil(silence / nsPerMinute)}`;
  return {
    failureMode: 'idle-timeout',
    cause:
      `Rule ${rule.name} forgets a flow after ${countOf(minutes, 'minute')} without packets (idleTimeoutInMinutes); the connection was silent ${silent}, ` +
      'so the Mux and the Host Agent dropped its state and its next packets were dropped, silently (docs/mechanics.md §2.6)',
    fix: `send TCP keepalives more often than every ${countOf(minutes, 'minute')} (traffic keepalive, e.g. 60s: in the application or the OS), or set ${longer} on rule ${rule.name} (at most 30); with enableTcpReset: true both ends at least learn at once`,
  };
}

/**
 * An RST from the load balancer itself, with no drop: the idle timeout with `enableTcpReset`,
 * which resets both ends of an ESTABLISHED flow when it expires (docs/mechanics.md §2.6) → idle-timeout.
 */
export function diagnoseIdleReset(situation: DropSituation): Finding | undefined {
  const { index, traffic } = situation;
  const rule = traffic === undefined ? undefined : index.ruleOfTraffic(traffic);
  if (rule === undefined || !rule.rule.enableTcpReset) return undefined;
  const minutes = rule.rule.idleTimeoutInMinutes;
  return {
    failureMode: 'idle-timeout',
    cause:
      `Rule ${rule.name} forgets a flow after ${countOf(minutes, 'minute')} without packets and, with enableTcpReset: true, sends an RST to both ends when it does: ` +
      'the connection was silent longer than that, so it was reset (at least both ends learn at once, instead of timing out later: docs/mechanics.md §2.6)',
    fix: `send TCP keepalives more often than every ${countOf(minutes, 'minute')} (traffic keepalive, e.g. 60s), or set a longer idleTimeoutInMinutes on rule ${rule.name} (at most 30)`,
  };
}
