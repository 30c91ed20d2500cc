/**
 * The firewall inside a guest (Windows Firewall, iptables/nftables): rules by port and source
 * that the guest OS applies to new inbound TCP connections, after the Host Agent's NSGs have let
 * the packet through. Azure's troubleshooting lists name it beside the NSG as what blocks health
 * probes from 168.63.129.16, and Azure asks that local firewall policies allow that address
 * (docs/mechanics.md §2.14, §7.6).
 *
 * Modelled: an ordered list of rules, the first that matches decides (iptables' order; Windows
 * Firewall lets a block rule win over an allow rule, so write blocks first); then the default
 * action. Only SYNs that open a connection are checked, since both firewalls pass the packets of
 * connections they admitted (connection tracking); other TCP segments, UDP and ICMP pass.
 */
import {
  type GuestFirewallBlockedDecision,
  type Ipv4Packet,
  type Ipv4Prefix,
  prefixContains,
  TcpFlags,
} from '@lbsim/core';

/** What a rule does with a new connection it matches. */
export type GuestFirewallAction = 'Allow' | 'Block';

/** One rule of a guest firewall. */
export interface GuestFirewallRule {
  readonly name: string;
  readonly action: GuestFirewallAction;
  /** Destination port it matches; every port when absent. */
  readonly port?: number | undefined;
  /** Sources it matches; every source when absent. */
  readonly source?: Ipv4Prefix | undefined;
}

/** A guest firewall: its rules in order, and what happens when none matches. */
export interface GuestFirewall {
  readonly rules: readonly GuestFirewallRule[];
  readonly defaultAction: GuestFirewallAction;
}

/** The firewall's verdict on an arriving packet; a block carries the decision the VM traces. */
export type GuestFirewallVerdict =
  | { readonly kind: 'pass' }
  | { readonly kind: 'block'; readonly rule: string | undefined; readonly note: GuestFirewallBlockedDecision };

/** Shared: a packet the firewall lets in allocates no verdict. */
const pass: GuestFirewallVerdict = { kind: 'pass' };

/** Whether `firewall` lets `packet` in; only connection-opening TCP SYNs are checked. */
export function admitThroughGuestFirewall(firewall: GuestFirewall, packet: Ipv4Packet): GuestFirewallVerdict {
  const tcp = packet.payload;
  if (tcp.kind !== 'tcp' || tcp.flags !== TcpFlags.Syn) return pass;
  const rule = firewall.rules.find(
    (candidate) =>
      (candidate.port === undefined || candidate.port === tcp.dstPort) &&
      (candidate.source === undefined || prefixContains(candidate.source, packet.src)),
  );
  const action = rule?.action ?? firewall.defaultAction;
  if (action === 'Allow') return pass;
  return {
    kind: 'block',
    rule: rule?.name,
    note: { code: 'guest-firewall-blocked', source: packet.src, port: tcp.dstPort, rule: rule?.name },
  };
}
