/**
 * The Host Agent's outbound SNAT flows (docs/mechanics.md §1.4, [ANANTA §3.4.2]): each VM flow to a
 * destination outside the virtual network, with the frontend IP and port it leaves with.
 * Indexed both ways: by the VM's tuple (DIP:port → remote) for what the VM sends, and by the
 * translated tuple (VIP:SNAT port ↔ remote) for return traffic and for recognising a flow
 * that comes back to its own NIC (the same-VM hairpin).
 *
 * A released flow leaves a tombstone, so a late packet of it is explained rather than taken
 * for a new flow.
 */
import { flowKeyOf, type ScheduledEvent } from '@lbsim/core';
import type { TcpProgress } from './tcp-progress.ts';

/** One outbound flow. */
export interface SnatFlow {
  /** `loadBalancer/rule` whose policy it runs under. */
  readonly policyName: string;
  readonly protocol: number;
  readonly dip: number;
  readonly dipPort: number;
  readonly remote: number;
  readonly remotePort: number;
  /** The frontend IP and SNAT port it leaves with. */
  readonly vip: number;
  readonly snatPort: number;
  /** Idle timeout of its policy, ns. */
  readonly idleTimeoutNs: number;
  readonly enableTcpReset: boolean;
  /** The simulation's connection id of its first packet (for packets the Host Agent originates). */
  readonly connectionId: number;
  lastSeenNs: number;
  /** When its port is released after a FIN (240 s) or RST (15 s), ns; `undefined` while open. */
  closeAtNs: number | undefined;
  /** Which of the two set {@link closeAtNs}. */
  closeCause: 'FIN' | 'RST' | undefined;
  readonly tcp: TcpProgress;
  /** The pending check of its deadlines, and when it runs. */
  timer: ScheduledEvent | undefined;
  timerAtNs: number;
}

/** A flow that was released, remembered so its late packets are explained. */
export interface SnatTombstone {
  readonly releasedAtNs: number;
  /** Why, in words: `idle for 4m`, `240 s after FIN`, … */
  readonly why: string;
}

/** Most tombstones kept; the oldest are forgotten first. */
export const maxSnatTombstones = 100_000;

/** The key of a flow by the VM's tuple. */
export function snatOutboundKey(protocol: number, dip: number, dipPort: number, remote: number, remotePort: number) {
  return flowKeyOf(protocol, dip, dipPort, remote, remotePort);
}

/** The key of a flow by its translated tuple (VIP:SNAT port ↔ remote). */
export function snatTranslatedKey(protocol: number, vip: number, snatPort: number, remote: number, remotePort: number) {
  return flowKeyOf(protocol, vip, snatPort, remote, remotePort);
}

/** SNAT flows of one Host Agent. */
export class SnatFlowTable {
  private readonly byOutbound = new Map<string, SnatFlow>();
  private readonly byTranslated = new Map<string, SnatFlow>();
  private readonly tombstones = new Map<string, SnatTombstone>();

  /** Live flows. */
  get size(): number {
    return this.byOutbound.size;
  }

  /** Every live flow, in creation order. */
  all(): SnatFlow[] {
    return [...this.byOutbound.values()];
  }

  /** The flow of a VM's packet with this tuple. */
  findOutbound(protocol: number, dip: number, dipPort: number, remote: number, remotePort: number) {
    return this.byOutbound.get(snatOutboundKey(protocol, dip, dipPort, remote, remotePort));
  }

  /** The flow whose translated tuple is (VIP:SNAT port ↔ remote). */
  findTranslated(protocol: number, vip: number, snatPort: number, remote: number, remotePort: number) {
    return this.byTranslated.get(snatTranslatedKey(protocol, vip, snatPort, remote, remotePort));
  }

  /** The tombstone under a key of either kind. */
  tombstoneOf(key: string): SnatTombstone | undefined {
    return this.tombstones.get(key);
  }

  /** Adds a flow (replacing tombstones of its keys). */
  add(flow: SnatFlow): void {
    const outbound = this.outboundKeyOf(flow);
    const translated = this.translatedKeyOf(flow);
    this.tombstones.delete(outbound);
    this.tombstones.delete(translated);
    this.byOutbound.set(outbound, flow);
    this.byTranslated.set(translated, flow);
  }

  /** Whether `flow` is live (not released). */
  has(flow: SnatFlow): boolean {
    return this.byOutbound.get(this.outboundKeyOf(flow)) === flow;
  }

  /** Releases a flow, leaving a tombstone under both keys. */
  remove(flow: SnatFlow, tombstone: SnatTombstone): void {
    if (!this.has(flow)) return;
    const outbound = this.outboundKeyOf(flow);
    const translated = this.translatedKeyOf(flow);
    this.byOutbound.delete(outbound);
    this.byTranslated.delete(translated);
    this.tombstones.set(outbound, tombstone);
    this.tombstones.set(translated, tombstone);
    while (this.tombstones.size > maxSnatTombstones) {
      this.tombstones.delete(this.tombstones.keys().next().value as string);
    }
  }

  private outboundKeyOf(flow: SnatFlow): string {
    return snatOutboundKey(flow.protocol, flow.dip, flow.dipPort, flow.remote, flow.remotePort);
  }

  private translatedKeyOf(flow: SnatFlow): string {
    return snatTranslatedKey(flow.protocol, flow.vip, flow.snatPort, flow.remote, flow.remotePort);
  }
}
