/**
 * Decisions as values: what a node decided about a packet, as a code and the numbers and names
 * it decided with, and the one renderer that turns such a decision into the note people read.
 *
 * Nodes on the data path hand the tracer a {@link TraceDecision} instead of a sentence, so a
 * packet costs no string building, address formatting or hex conversion whether or not a sink
 * prints anything (issue 20: the notes were a large share of the allocation per packet-hop).
 * The sinks that print (the trace table, captures' comments, the report, `explain`) read
 * {@link TraceEvent.note}, which renders the decision here on first read; readers that need the
 * parts (the NSG explanations) read the decision's fields instead of parsing the sentence.
 *
 * Rare paths (fragments, ICMP errors, MTU drops) still hand over a sentence: a note may be
 * either.
 */
import { type FiveTuple, formatFiveTuple } from '../net/five-tuple.ts';
import { formatIpv4Address, type Ipv4Address } from '../net/ipv4-address.ts';

/** The router forwarded a packet: by ECMP over the VIP's Muxes, or by its routes. */
export interface RoutedDecision {
  readonly code: 'routed';
  readonly nextHop: string;
  /** Muxes in the VIP's ECMP group; 0 when the packet went by a host or prefix route. */
  readonly ecmpGroupSize: number;
}

/**
 * How a Mux chose a DIP: its flow table, a hash of the rule's distribution tuple (the flow
 * then kept state, or not when the table was full), or a sentence for the rare paths
 * (fragments, ICMP errors, SNAT return traffic).
 */
export type MuxChoice =
  | { readonly by: 'flow-table' }
  | {
      readonly by: 'hash';
      /** `5-tuple`, `3-tuple` or `2-tuple`: the tuple the rule's distribution mode hashes. */
      readonly tuple: string;
      /** The flow hash, an unsigned 32-bit integer. */
      readonly hash: number;
      /** The flow table was full: the flow got no state. */
      readonly stateless: boolean;
    }
  | string;

/** The one {@link MuxChoice} of a flow-table hit (shared: a hit allocates nothing). */
export const muxFlowTableChoice: MuxChoice = { by: 'flow-table' };

/** A Mux encapsulated a packet to the DIP it chose. */
export interface MuxEncapsulatedDecision {
  readonly code: 'mux-encapsulated';
  readonly mux: string;
  readonly dip: Ipv4Address;
  readonly choice: MuxChoice;
}

/** A Host Agent took the IP-in-IP header off a packet a Mux (outer source `from`) tunnelled. */
export interface DecapsulatedDecision {
  readonly code: 'decapsulated';
  readonly from: Ipv4Address;
}

/** A Host Agent translated an inbound packet of a load-balanced flow and sent it to the VM. */
export interface NatInboundDecision {
  readonly code: 'nat-inbound';
  readonly vip: Ipv4Address;
  readonly vipPort: number;
  /** The address the VM sees: the DIP, or the VIP with floating IP. */
  readonly guestAddress: Ipv4Address;
  readonly backendPort: number;
  readonly floatingIp: boolean;
  readonly vm: string;
  readonly nic: string;
}

/** A Host Agent translated a VM's reply back to the VIP and sent it to the router (DSR). */
export interface NatReplyDecision {
  readonly code: 'nat-reply';
  readonly vip: Ipv4Address;
  readonly vipPort: number;
}

/** A Host Agent passed a packet to a local VM's NIC unchanged. */
export interface ToVmDecision {
  readonly code: 'to-vm';
  readonly vm: string;
  readonly nic: string;
}

/** A NIC's NSG denied a packet: which group, where associated, which rule (docs/mechanics.md §2.3). */
export interface NsgDeniedDecision {
  readonly code: 'nsg-denied';
  readonly group: string;
  /** Where the group is associated: `NIC web-1-nic0` or `subnet web`. */
  readonly scope: string;
  readonly direction: 'Inbound' | 'Outbound';
  readonly rule: string;
  readonly priority: number;
  /** One of Azure's default rules (DenyAllInBound 65500, …). */
  readonly isDefault: boolean;
  /** The packet's 5-tuple as the NIC saw it. */
  readonly tuple: FiveTuple;
}

/** An endpoint delivered a UDP datagram to the socket bound to its port. */
export interface UdpDeliveredDecision {
  readonly code: 'udp-delivered';
  readonly payloadBytes: number;
  readonly port: number;
}

/** A firewall inside a VM blocked a new inbound TCP connection (docs/mechanics.md §2.14). */
export interface GuestFirewallBlockedDecision {
  readonly code: 'guest-firewall-blocked';
  readonly source: Ipv4Address;
  readonly port: number;
  /** The rule that blocked it, or `undefined` when none matched and the default action blocked. */
  readonly rule: string | undefined;
}

/** A node's decision about a packet, as values. */
export type TraceDecision =
  | RoutedDecision
  | MuxEncapsulatedDecision
  | DecapsulatedDecision
  | NatInboundDecision
  | NatReplyDecision
  | ToVmDecision
  | NsgDeniedDecision
  | UdpDeliveredDecision
  | GuestFirewallBlockedDecision;

/** What a node hands the tracer about a packet: a decision, or a sentence on rare paths. */
export type TraceNote = TraceDecision | string;

/** The sentence of a note: the decision rendered, or the sentence itself. */
export function renderTraceNote(note: TraceNote): string {
  if (typeof note === 'string') return note;
  switch (note.code) {
    case 'routed':
      return note.ecmpGroupSize > 0 ? `ECMP over ${note.ecmpGroupSize} Muxes → ${note.nextHop}` : `→ ${note.nextHop}`;
    case 'mux-encapsulated':
      return `${note.mux}: ${renderMuxChoice(note.choice)} → DIP ${formatIpv4Address(note.dip)}, encapsulated`;
    case 'decapsulated':
      return `from ${formatIpv4Address(note.from)}`;
    case 'nat-inbound':
      return `NAT ${formatIpv4Address(note.vip)}:${note.vipPort} → ${formatIpv4Address(note.guestAddress)}:${note.backendPort}${note.floatingIp ? ' (floating IP)' : ''} → ${note.vm} (${note.nic})`;
    case 'nat-reply':
      return `reverse NAT → ${formatIpv4Address(note.vip)}:${note.vipPort}, direct server return`;
    case 'to-vm':
      return `→ ${note.vm} (${note.nic})`;
    case 'nsg-denied': {
      const kind = note.isDefault ? ', default rule' : '';
      return `NSG ${note.group} (${note.scope}): ${note.direction} rule ${note.rule} (priority ${note.priority}${kind}) denies ${formatFiveTuple(note.tuple)}`;
    }
    case 'udp-delivered':
      return `${note.payloadBytes} bytes to UDP port ${note.port}`;
    case 'guest-firewall-blocked':
      return `guest firewall blocks TCP from ${formatIpv4Address(note.source)} to port ${note.port}: ${renderGuestFirewallCause(note)}`;
  }
}

/** How a Mux chose a DIP, in words: `flow table`, `5-tuple hash 0x1a2b3c4d`, … */
export function renderMuxChoice(choice: MuxChoice): string {
  if (typeof choice === 'string') return choice;
  if (choice.by === 'flow-table') return 'flow table';
  const hash = `${choice.tuple} hash 0x${choice.hash.toString(16).padStart(8, '0')}`;
  return choice.stateless ? `${hash} (flow table full: no state kept)` : hash;
}

/** Why a guest firewall blocked: `rule block-all`, or the default action. */
export function renderGuestFirewallCause(decision: GuestFirewallBlockedDecision): string {
  return decision.rule === undefined ? 'no rule matches and the default action is Block' : `rule ${decision.rule}`;
}
