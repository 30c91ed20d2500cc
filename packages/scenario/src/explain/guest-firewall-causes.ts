/**
 * Diagnoses of drops by the firewall inside a guest (`guest-firewall`): a health probe blocked
 * there while the NSG allows it is the catalogue's guest-firewall-blocks-probe; a client's
 * connection blocked there gets the general fix (docs/mechanics.md §2.14, §7.6).
 */
import { azurePlatformAddress, parseIpv4Prefix, prefixContains, renderGuestFirewallCause } from '@lbsim/core';
import type { DropSituation, Finding } from './drop-situation.ts';
import { diagnoseGenerally } from './general-fixes.ts';
import { distinct, listWords } from './words.ts';

/** The VMs whose firewall blocks 168.63.129.16 on `port`, by name (the dropping VM at least). */
function vmsBlockingProbes(situation: DropSituation, port: number): string[] {
  const blocking = situation.index.scenario.hosts.flatMap((host) =>
    host.vms
      .filter((vm) => {
        if (vm.firewall === undefined) return false;
        const rule = vm.firewall.rules.find((candidate) => {
          const source = candidate.source === undefined ? undefined : parseIpv4Prefix(candidate.source);
          return (
            (candidate.port === undefined || candidate.port === port) &&
            (source === undefined || prefixContains(source, azurePlatformAddress))
          );
        });
        return (rule?.action ?? vm.firewall.defaultAction) === 'Block';
      })
      .map((vm) => vm.name),
  );
  return distinct([situation.drop.node, ...blocking]).sort();
}

/** `guest-firewall`: probes → guest-firewall-blocks-probe; anything else → the general fix. */
export function diagnoseGuestFirewall(situation: DropSituation): Finding {
  const probe = situation.probe;
  if (probe === undefined) return diagnoseGenerally('guest-firewall');
  const vms = listWords(vmsBlockingProbes(situation, probe.port));
  const decision = situation.drop.decision;
  const by = decision?.code === 'guest-firewall-blocked' ? renderGuestFirewallCause(decision) : 'a rule blocks them';
  return {
    failureMode: 'guest-firewall-blocks-probe',
    cause:
      `The firewall inside ${vms} blocks the health probe's SYNs from 168.63.129.16 to port ${probe.port} (${by}); the NSG lets them through ` +
      '(AllowAzureLoadBalancerInBound), so the drop is in the guest: each probe times out and the DIP is marked down. Azure asks that local firewall ' +
      'policies allow 168.63.129.16; detaching the NSG changes nothing here, disabling the guest firewall does (docs/mechanics.md §2.3, §2.14)',
    fix: `add a rule allowing source 168.63.129.16 to port ${probe.port} first in the firewall of ${vms} (firewall.rules: { name: allow-azure-probes, action: Allow, source: 168.63.129.16, port: ${probe.port} })`,
  };
}
