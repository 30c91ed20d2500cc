/**
 * The virtual switch's source check on what a VM sends (docs/mechanics.md §2.3: a multi-NIC VM must
 * answer a probe on the NIC that received it; §2.4): a packet leaving a NIC must carry that
 * NIC's address as source — Azure drops anything else unless IP forwarding is enabled on the
 * NIC (not modelled). The one exception is a reply of a floating-IP flow: its source is the
 * frontend IP, and the Host Agent knows the flow because it delivered the request to that NIC.
 *
 * A source that is another NIC's address of the same VM means the guest's routing sent a reply
 * out of the wrong NIC (`asymmetric-nic`, the multi-NIC default-route trap); any other source
 * is spoofed (`spoofed-source`), e.g. an outbound flow from a floating-IP frontend, which no
 * NAT can translate ([AZ-MULTIVIP]).
 */
import { type DropReason, formatIpv4Address, type Ipv4Address, type Ipv4Packet, type NatRule } from '@lbsim/core';

/** A NIC as the check needs it. */
export interface NicIdentity {
  readonly name: string;
  readonly address: Ipv4Address;
}

/** Pass, or drop with a reason and a note. */
export type SourceVerdict =
  | { readonly kind: 'pass' }
  | { readonly kind: 'drop'; readonly reason: DropReason; readonly note: string };

/** Shared: a packet that passes allocates no verdict. */
const pass: SourceVerdict = { kind: 'pass' };

/**
 * Checks a packet that left the VM by `nic`.
 * @param siblings every NIC of the same VM (including `nic`)
 * @param replyRule the rule of the NAT flow the packet answers, if the Host Agent has one
 */
export function checkNicSource(
  packet: Ipv4Packet,
  nic: NicIdentity,
  siblings: readonly NicIdentity[],
  replyRule: NatRule | undefined,
): SourceVerdict {
  if (packet.src === nic.address) return pass;
  if (replyRule !== undefined && replyRule.dip === nic.address) return pass;
  const source = formatIpv4Address(packet.src);
  const flow = `${source} → ${formatIpv4Address(packet.dst)} left by ${nic.name}`;
  const owner = siblings.find((sibling) => sibling.address === packet.src);
  const replyNic = siblings.find((sibling) => sibling.address === replyRule?.dip);
  const why =
    owner !== undefined ? `${source} is the address of ${owner.name}` : `its flow came in on ${replyNic?.name}`;
  const rightNic = owner ?? replyNic;
  if (rightNic !== undefined) {
    return {
      kind: 'drop',
      reason: 'asymmetric-nic',
      note: `${flow}, but ${why}: the guest's route sent it out of the wrong NIC (route traffic from ${source} via ${rightNic.name})`,
    };
  }
  return {
    kind: 'drop',
    reason: 'spoofed-source',
    note: `${source} is not the address of ${nic.name} (${formatIpv4Address(nic.address)}) and starts no flow the Host Agent translated`,
  };
}
