/**
 * Control messages between the manager, Muxes and Host Agents travel through the kernel with a
 * latency, never by direct calls: components meet only through packets and these messages.
 */
import type { Ipv4Address } from '../net/ipv4-address.ts';
import type { Kernel } from '../sim/kernel.ts';
import type { NatRule, VipMapRule } from './load-balancing-rule.ts';
import type { OutboundBlocked, SnatPolicy, SnatPortRange, SnatRangeOwner } from './snat.ts';

/** A probe's verdict on a DIP (docs/mechanics.md §1.4: Host Agent → manager → every Mux). */
export interface DipHealth {
  /** `loadBalancer/probe`. */
  readonly probe: string;
  readonly dip: Ipv4Address;
  readonly up: boolean;
}

/** Messages a Mux accepts from the manager. */
export type MuxControlMessage =
  | {
      /** Replace the whole VIP map. */
      readonly kind: 'vip-map';
      readonly rules: readonly VipMapRule[];
      /** The health of every probed DIP the manager knows, so a new or restored Mux starts right. */
      readonly health: readonly DipHealth[];
    }
  | ({ readonly kind: 'dip-health' } & DipHealth)
  | {
      /**
       * Stateless SNAT entries (docs/mechanics.md §1.3, [ANANTA §3.3.3]): return traffic to a port of
       * a granted range goes to its DIP. `replace` drops every entry held before `add`.
       */
      readonly kind: 'snat-ranges';
      readonly replace: boolean;
      readonly add: readonly SnatRangeOwner[];
      readonly remove: readonly SnatPortRange[];
    };

/** Messages the manager accepts from Host Agents. */
export type ManagerControlMessage =
  | {
      /** A probe changed its verdict on a DIP: `why` in words ("2 timeouts", "HTTP 404"). */
      readonly kind: 'dip-health';
      readonly probe: string;
      readonly dip: Ipv4Address;
      readonly up: boolean;
      readonly why: string;
    }
  | {
      /** A DIP needs SNAT ports of a protocol (docs/mechanics.md §1.4: the first packet waits for them). */
      readonly kind: 'snat-request';
      /** The host whose Host Agent asks (`SnatPolicy.host`): where the answer goes. */
      readonly host: string;
      readonly dip: Ipv4Address;
      readonly protocol: number;
    }
  | {
      /** A DIP gives back ranges it has not used for a while (docs/mechanics.md §1.4, [ANANTA §3.4.2]). */
      readonly kind: 'snat-release';
      readonly dip: Ipv4Address;
      readonly ranges: readonly SnatPortRange[];
    };

/** Messages a Host Agent accepts from the manager. */
export type HostAgentControlMessage =
  | {
      /** Replace the NAT rules for this host's DIPs. */
      readonly kind: 'nat-rules';
      readonly rules: readonly NatRule[];
    }
  | {
      /**
       * Replace the outbound SNAT settings of this host's DIPs: a policy per (DIP, protocol)
       * that has SNAT, and the (DIP, protocol)s that have no outbound connectivity at all.
       */
      readonly kind: 'snat-policies';
      readonly policies: readonly SnatPolicy[];
      readonly blocked: readonly OutboundBlocked[];
      /** A granted range none of whose ports has had a flow for this long goes back, ns. */
      readonly rangeReturnIdleNs: number;
    }
  | {
      /**
       * The answer to a `snat-request`, or ranges preallocated when a VIP is configured: empty
       * `ranges` with a `refusal` when the manager had none to give.
       */
      readonly kind: 'snat-grant';
      readonly dip: Ipv4Address;
      readonly protocol: number;
      readonly ranges: readonly SnatPortRange[];
      /** Preallocated ranges stay with the DIP; requested ones go back when idle. */
      readonly preallocated: boolean;
      readonly refusal: string | undefined;
    };

/** A component that accepts control messages of type `M`. */
export interface ControlReceiver<M> {
  readonly name: string;
  receiveControl(message: M): void;
}

/** A record of one control message, for the run summary. */
export interface ControlRecord {
  readonly sentAtNs: number;
  readonly deliveredAtNs: number;
  readonly to: string;
  readonly kind: string;
}

/** Delivers control messages after a latency and keeps a log of them. */
export class ControlChannel {
  /** Every message sent, in order. */
  readonly log: ControlRecord[] = [];

  constructor(private readonly kernel: Kernel) {}

  /** The current virtual time, ns (for receivers that log what they got). */
  get nowNs(): number {
    return this.kernel.nowNs;
  }

  /** Delivers `message` to `receiver` after `latencyNs`. */
  send<M extends { readonly kind: string }>(receiver: ControlReceiver<M>, message: M, latencyNs: number): void {
    const sentAtNs = this.kernel.nowNs;
    this.log.push({ sentAtNs, deliveredAtNs: sentAtNs + latencyNs, to: receiver.name, kind: message.kind });
    this.kernel.after(latencyNs, () => receiver.receiveControl(message));
  }
}
