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
import { FlowMap, type ScheduledEvent } from '@lbsim/core';
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

/** SNAT flows of one Host Agent. */
export class SnatFlowTable {
  /** By the VM's tuple (DIP:port → remote). */
  private readonly byOutbound = new FlowMap<SnatFlow>();
  /** By the translated tuple (VIP:SNAT port → remote). */
  private readonly byTranslated = new FlowMap<SnatFlow>();
  /** Under both tuples of each released flow. */
  private readonly tombstones = new FlowMap<SnatTombstone>();

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
    return this.byOutbound.get(protocol, dip, dipPort, remote, remotePort);
  }

  /** The flow whose translated tuple is (VIP:SNAT port ↔ remote). */
  findTranslated(protocol: number, vip: number, snatPort: number, remote: number, remotePort: number) {
    return this.byTranslated.get(protocol, vip, snatPort, remote, remotePort);
  }

  /**
   * The tombstone of a released flow under either of its tuples: the VM's (DIP:port → remote)
   * or the translated one (VIP:SNAT port → remote).
   */
  tombstoneOf(protocol: number, local: number, localPort: number, remote: number, remotePort: number) {
    return this.tombstones.get(protocol, local, localPort, remote, remotePort);
  }

  /** Adds a flow (replacing tombstones of its keys). */
  add(flow: SnatFlow): void {
    const { protocol, dip, dipPort, vip, snatPort, remote, remotePort } = flow;
    this.tombstones.delete(protocol, dip, dipPort, remote, remotePort);
    this.tombstones.delete(protocol, vip, snatPort, remote, remotePort);
    this.byOutbound.set(protocol, dip, dipPort, remote, remotePort, flow);
    this.byTranslated.set(protocol, vip, snatPort, remote, remotePort, flow);
  }

  /** Whether `flow` is live (not released). */
  has(flow: SnatFlow): boolean {
    return this.byOutbound.get(flow.protocol, flow.dip, flow.dipPort, flow.remote, flow.remotePort) === flow;
  }

  /** Releases a flow, leaving a tombstone under both keys. */
  remove(flow: SnatFlow, tombstone: SnatTombstone): void {
    if (!this.has(flow)) return;
    const { protocol, dip, dipPort, vip, snatPort, remote, remotePort } = flow;
    this.byOutbound.delete(protocol, dip, dipPort, remote, remotePort);
    this.byTranslated.delete(protocol, vip, snatPort, remote, remotePort);
    this.tombstones.set(protocol, dip, dipPort, remote, remotePort, tombstone);
    this.tombstones.set(protocol, vip, snatPort, remote, remotePort, tombstone);
    while (this.tombstones.size > maxSnatTombstones) this.tombstones.deleteOldest();
  }
}
