/**
 * The NSG verdict at each NIC a connection's packets opened a flow at, allows as well as
 * denials, in the terms of Network Watcher's IP flow verify (the group, the rule that decided,
 * its priority and direction: https://learn.microsoft.com/azure/network-watcher/ip-flow-verify-overview).
 *
 * Read from a run's trace: a packet a VM received passed the inbound rules of its NIC, a packet
 * a VM sent is judged by the outbound rules, and an `nsg-denied` drop is a denial. Each is
 * evaluated against the scenario's groups as they stood at that moment (the rule changes of
 * `events` applied), in Azure's order (docs/mechanics.md §7.6): inbound the subnet's group,
 * then the NIC's; outbound the NIC's, then the subnet's; the first Deny decides. Only the
 * packet that opens a flow at a NIC is judged; the rest of the flow passes on the NSG's flow
 * record, as in the Host Agent (`NicSecurity`).
 */
import {
  type FiveTuple,
  fiveTupleOf,
  formatFiveTuple,
  formatIpv4Address,
  ipv4,
  reverseFiveTuple,
  type TraceEvent,
} from '@lbsim/core';
import type { NetworkSecurityGroup, NicSecurity, NsgDirection } from '@lbsim/host-agent';
import { buildSecurityGroups, nicSecurityOf, toSecurityRule } from '../build/network-security.ts';
import { indexVms, type VmRef } from '../model/topology-names.ts';
import { virtualNetworkSpace } from '../model/virtual-network-space.ts';
import type { Scenario } from '../schema/scenario.ts';

/** What one group decided: the rule that matched first, where the group is associated. */
export interface NsgGroupDecision {
  /** `subnet web` or `NIC web-1-nic0`. */
  readonly scope: string;
  readonly group: string;
  readonly rule: string;
  readonly priority: number;
  /** Whether the rule is one of Azure's default rules (AllowVnetInBound, DenyAllInBound, …). */
  readonly defaultRule: boolean;
  readonly access: 'Allow' | 'Deny';
}

/** The verdict on a flow at one NIC. */
export interface NsgFlowVerdict {
  readonly atNs: number;
  readonly vm: string;
  readonly nic: string;
  readonly direction: NsgDirection;
  /** The flow as the NIC sees it: `TCP 203.0.113.7:58998 → 10.1.0.4:80`. */
  readonly flow: string;
  /** `Allow` when every group allowed it (or none guards the NIC); `Deny` at the first denial. */
  readonly access: 'Allow' | 'Deny';
  /** The groups evaluated, in Azure's order, up to the one that denied; empty when none applies. */
  readonly groups: readonly NsgGroupDecision[];
}

interface Checkpoint {
  readonly atNs: number;
  readonly vm: VmRef;
  readonly nicIndex: number;
  readonly direction: NsgDirection;
  readonly tuple: FiveTuple;
}

/** The verdicts of the NSGs on the flows `events` (one connection's, in time order) opened. */
export function nsgFlowVerdicts(scenario: Scenario, events: readonly TraceEvent[]): NsgFlowVerdict[] {
  const vms = indexVms(scenario);
  const groups = buildSecurityGroups(scenario);
  const virtualNetwork = virtualNetworkSpace(scenario);
  const changes = [...scenario.events].sort((a, b) => a.at - b.at);
  let applied = 0;
  const seen = new Map<string, Set<string>>();
  const verdicts: NsgFlowVerdict[] = [];
  for (const event of events) {
    const checkpoint = checkpointOf(event, vms, groups, scenario);
    if (checkpoint === undefined) continue;
    while (applied < changes.length && (changes[applied]?.at ?? Number.POSITIVE_INFINITY) <= checkpoint.atNs) {
      applyRuleChange(groups, changes[applied]);
      applied++;
    }
    const nicName = checkpoint.vm.nicNames[checkpoint.nicIndex] ?? '';
    const flows = seen.get(nicName) ?? new Set<string>();
    seen.set(nicName, flows);
    const key = flowKey(checkpoint.tuple);
    if (flows.has(key) || flows.has(flowKey(reverseFiveTuple(checkpoint.tuple)))) continue;
    flows.add(key);
    const nic = checkpoint.vm.vm.nics[checkpoint.nicIndex];
    if (nic === undefined) continue;
    const security = nicSecurityOf(scenario, groups, nic, nicName, virtualNetwork);
    const decisions = decide(security, checkpoint.direction, checkpoint.tuple, virtualNetwork);
    verdicts.push({
      atNs: checkpoint.atNs,
      vm: checkpoint.vm.vm.name,
      nic: nicName,
      direction: checkpoint.direction,
      flow: formatFiveTuple(checkpoint.tuple),
      access: decisions.some((decision) => decision.access === 'Deny') ? 'Deny' : 'Allow',
      groups: decisions,
    });
  }
  return verdicts;
}

/** The groups' decisions in Azure's order, stopping at the first Deny. */
function decide(
  security: NicSecurity,
  direction: NsgDirection,
  tuple: FiveTuple,
  virtualNetwork: ReturnType<typeof virtualNetworkSpace>,
): NsgGroupDecision[] {
  const order = direction === 'Inbound' ? [security.subnet, security.nic] : [security.nic, security.subnet];
  const decisions: NsgGroupDecision[] = [];
  for (const association of order) {
    if (association === undefined) continue;
    const rule = association.group.evaluate(direction, tuple, virtualNetwork);
    decisions.push({
      scope: association.scope,
      group: association.group.name,
      rule: rule.name,
      priority: rule.priority,
      defaultRule: rule.isDefault,
      access: rule.access,
    });
    if (rule.access === 'Deny') break;
  }
  return decisions;
}

/**
 * The NIC and direction an event is an NSG checkpoint of: a VM receiving (Inbound at the NIC it
 * arrived on) or sending (Outbound at the NIC it leaves by), or an `nsg-denied` drop at a Host
 * Agent (Outbound at the sender when its rules deny it, else Inbound at the receiver).
 */
function checkpointOf(
  event: TraceEvent,
  vms: ReadonlyMap<string, VmRef>,
  groups: ReadonlyMap<string, NetworkSecurityGroup>,
  scenario: Scenario,
): Checkpoint | undefined {
  const payload = event.packet.payload;
  if (payload.kind !== 'tcp' && payload.kind !== 'udp' && payload.kind !== 'icmp') return undefined;
  const tuple = fiveTupleOf(event.packet);
  const vm = vms.get(event.node);
  if (vm !== undefined && (event.kind === 'receive' || event.kind === 'send')) {
    const direction: NsgDirection = event.kind === 'receive' ? 'Inbound' : 'Outbound';
    const own = direction === 'Inbound' ? event.packet.dst : event.packet.src;
    return { atNs: event.atNs, vm, nicIndex: nicIndexOf(vm, own, event.note), direction, tuple };
  }
  if (event.kind !== 'drop' || event.reason !== 'nsg-denied') return undefined;
  const sender = nicWithAddress(vms, event.packet.src);
  if (sender !== undefined) {
    const nic = sender.vm.vm.nics[sender.nicIndex];
    const name = sender.vm.nicNames[sender.nicIndex] ?? '';
    const virtualNetwork = virtualNetworkSpace(scenario);
    if (
      nic !== undefined &&
      decide(nicSecurityOf(scenario, groups, nic, name, virtualNetwork), 'Outbound', tuple, virtualNetwork).some(
        (decision) => decision.access === 'Deny',
      )
    ) {
      return { atNs: event.atNs, vm: sender.vm, nicIndex: sender.nicIndex, direction: 'Outbound', tuple };
    }
  }
  const receiver = nicWithAddress(vms, event.packet.dst);
  if (receiver === undefined) return undefined;
  return { atNs: event.atNs, vm: receiver.vm, nicIndex: receiver.nicIndex, direction: 'Inbound', tuple };
}

/**
 * The index of the NIC of `vm` with `address`; else the one the trace note names ("via
 * web-1-nic0": a packet to a loopback or floating-IP address); else the primary NIC.
 */
function nicIndexOf(vm: VmRef, address: number, note: string): number {
  const byAddress = vm.vm.nics.findIndex((nic) => nic.ip === formatIpv4Address(address));
  if (byAddress !== -1) return byAddress;
  const named = /via (\S+)/.exec(note)?.[1];
  const byName = named === undefined ? -1 : vm.nicNames.indexOf(named);
  return byName === -1 ? 0 : byName;
}

function nicWithAddress(
  vms: ReadonlyMap<string, VmRef>,
  address: number,
): { readonly vm: VmRef; readonly nicIndex: number } | undefined {
  for (const vm of vms.values()) {
    const nicIndex = vm.vm.nics.findIndex((nic) => ipv4(nic.ip) === address);
    if (nicIndex !== -1) return { vm, nicIndex };
  }
  return undefined;
}

/** Applies an NSG rule change of the scenario's events to the groups. */
function applyRuleChange(
  groups: ReadonlyMap<string, NetworkSecurityGroup>,
  change: Scenario['events'][number] | undefined,
): void {
  if (change?.action === 'set-security-rule')
    groups.get(change.networkSecurityGroup)?.setRule(toSecurityRule(change.rule));
  if (change?.action === 'delete-security-rule') groups.get(change.networkSecurityGroup)?.deleteRule(change.name);
}

function flowKey(tuple: FiveTuple): string {
  return `${tuple.protocol}|${tuple.srcAddress}|${tuple.srcPort}|${tuple.dstAddress}|${tuple.dstPort}`;
}
