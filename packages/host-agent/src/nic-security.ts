/**
 * The NSGs that guard one NIC (docs/mechanics.md §7.6, [AZ-NSG]): the group associated with the
 * NIC's subnet and the group associated with the NIC itself, and the NIC's flow records.
 *
 * For a new inbound flow the subnet's group is evaluated first, then the NIC's; for a new
 * outbound flow the NIC's first, then the subnet's. Both must allow. A packet of a recorded
 * flow passes at once. A NIC with no group at all lets everything through (the Host Agent
 * separately closes Standard public load-balancer traffic to such NICs).
 */
import type { FiveTuple, NsgDeniedDecision } from '@lbsim/core';
import type { AddressSpace } from './address-space.ts';
import type { NetworkSecurityGroup, NsgDirection, SecurityRule } from './network-security-group.ts';
import { NsgFlowRecords } from './nsg-flow-records.ts';

/** A group and what it is associated with, for notes: `subnet web` or `NIC web-1-nic0`. */
export interface NsgAssociation {
  readonly group: NetworkSecurityGroup;
  readonly scope: string;
}

/** The decision on one packet. */
export type NsgVerdict =
  | {
      readonly kind: 'allow';
      /** `flow`: a recorded flow; `rules`: the rules allowed a new flow; `none`: no group applies. */
      readonly by: 'flow' | 'rules' | 'none';
    }
  | {
      readonly kind: 'deny';
      readonly association: NsgAssociation;
      readonly rule: SecurityRule;
    };

// Shared: an allowed packet (nearly every packet) allocates no verdict.
const allowedWithoutGroup: NsgVerdict = { kind: 'allow', by: 'none' };
const allowedByFlow: NsgVerdict = { kind: 'allow', by: 'flow' };
const allowedByRules: NsgVerdict = { kind: 'allow', by: 'rules' };

/** NSG evaluation and flow state for one NIC. */
export class NicSecurity {
  /** The NIC's flow records. */
  readonly flows = new NsgFlowRecords();

  /**
   * @param subnet the group associated with the NIC's subnet, if any
   * @param nic the group associated with the NIC, if any
   * @param virtualNetwork the address space behind the VirtualNetwork and Internet tags
   */
  constructor(
    readonly subnet: NsgAssociation | undefined,
    readonly nic: NsgAssociation | undefined,
    private readonly virtualNetwork: AddressSpace,
  ) {}

  /** Whether any group guards the NIC. */
  get hasSecurityGroup(): boolean {
    return this.subnet !== undefined || this.nic !== undefined;
  }

  /**
   * Decides a packet with `tuple` (as seen at the NIC: the VM's own address is the destination
   * of Inbound packets and the source of Outbound ones) and records the flow when a new one is
   * allowed.
   */
  admit(direction: NsgDirection, tuple: FiveTuple, nowNs: number): NsgVerdict {
    if (!this.hasSecurityGroup) return allowedWithoutGroup;
    if (this.flows.find(tuple, nowNs) !== undefined) return allowedByFlow;
    return this.evaluateNewFlow(direction, tuple, nowNs);
  }

  /**
   * {@link admit} by the tuple's fields: a packet of a recorded flow (nearly every packet)
   * builds no tuple record; the record is built only for a flow the rules must decide.
   */
  admitFlow(
    direction: NsgDirection,
    protocol: number,
    srcAddress: number,
    srcPort: number,
    dstAddress: number,
    dstPort: number,
    nowNs: number,
  ): NsgVerdict {
    if (this.subnet === undefined && this.nic === undefined) return allowedWithoutGroup;
    if (this.flows.findFlow(protocol, srcAddress, srcPort, dstAddress, dstPort, nowNs) !== undefined) {
      return allowedByFlow;
    }
    return this.evaluateNewFlow(direction, { protocol, srcAddress, srcPort, dstAddress, dstPort }, nowNs);
  }

  /** The rules' decision on a flow with no record; an allowed one is recorded. */
  private evaluateNewFlow(direction: NsgDirection, tuple: FiveTuple, nowNs: number): NsgVerdict {
    const order = direction === 'Inbound' ? [this.subnet, this.nic] : [this.nic, this.subnet];
    for (const association of order) {
      if (association === undefined) continue;
      const rule = association.group.evaluate(direction, tuple, this.virtualNetwork);
      if (rule.access === 'Deny') return { kind: 'deny', association, rule };
    }
    this.flows.record(tuple, direction, nowNs);
    return allowedByRules;
  }
}

/**
 * A denial as the decision the Host Agent traces: the group, where it is associated and the
 * rule (rendered `NSG web-nsg (subnet web): Inbound rule DenyAllInBound (priority 65500,
 * default rule) denies TCP … → …` by core's trace-note renderer).
 */
export function nsgDenialOf(
  verdict: Extract<NsgVerdict, { kind: 'deny' }>,
  direction: NsgDirection,
  tuple: FiveTuple,
): NsgDeniedDecision {
  const { association, rule } = verdict;
  return {
    code: 'nsg-denied',
    group: association.group.name,
    scope: association.scope,
    direction,
    rule: rule.name,
    priority: rule.priority,
    isDefault: rule.isDefault,
    tuple,
  };
}
