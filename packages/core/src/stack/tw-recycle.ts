/**
 * Linux `net.ipv4.tcp_tw_recycle` (docs/mechanics.md §3, §7.7, [BERNAT]): with it on and TCP
 * timestamps in use, the stack remembers, per peer address, the peer's last timestamp (TSval)
 * when a connection with that peer enters TIME-WAIT, and for 60 s (TCP_PAWS_MSL) silently drops
 * a SYN from that address whose timestamp is more than TCP_PAWS_WINDOW (1) behind it
 * (`LINUX_MIB_PAWSPASSIVEREJECTED`). Several senders behind one address with their own
 * timestamp clocks — clients behind a NAT, or the Host Agents that all probe from
 * 168.63.129.16 — then see their SYNs vanish. The option was removed in Linux 4.12.
 *
 * The rules follow Linux 3.x: `tcp_peer_is_proven()` (the SYN check) and
 * `tcp_tw_remember_stamp()` (the memory update).
 */
import type { Ipv4Address } from '../net/ipv4-address.ts';
import { nsPerSecond } from '../sim/time.ts';

/** How long a remembered timestamp is enforced, ns: TCP_PAWS_MSL, 60 s (`include/net/tcp.h`). */
export const tcpPawsMslNs = 60 * nsPerSecond;

/** How far behind the remembered timestamp a SYN may be: TCP_PAWS_WINDOW, 1 tick. */
export const tcpPawsWindow = 1;

/** A peer's timestamp as remembered at TIME-WAIT. */
export interface RememberedPeerTimestamp {
  /** The peer's TSval (unsigned 32-bit) last seen on the connection that entered TIME-WAIT. */
  readonly timestamp: number;
  /** When it was remembered, ns of virtual time. */
  readonly rememberedAtNs: number;
}

/** Whether a SYN passes the check; a rejection says what it was compared with. */
export type PeerTimestampVerdict =
  | { readonly kind: 'accept' }
  | { readonly kind: 'reject'; readonly remembered: RememberedPeerTimestamp };

/** Per-peer timestamps of one stack, as `tcp_tw_recycle` keeps them. */
export class TimeWaitPeerTimestamps {
  private readonly peers = new Map<Ipv4Address, RememberedPeerTimestamp>();

  /** Number of peers remembered. */
  get size(): number {
    return this.peers.size;
  }

  /** What is remembered for `peer`, if anything. */
  recall(peer: Ipv4Address): RememberedPeerTimestamp | undefined {
    return this.peers.get(peer);
  }

  /**
   * A connection with `peer` entered TIME-WAIT having last seen TSval `timestamp`. As in
   * `tcp_tw_remember_stamp()`, the memory takes it when it is not older than what is
   * remembered, or when what is remembered has expired.
   */
  remember(peer: Ipv4Address, timestamp: number, nowNs: number): void {
    const known = this.peers.get(peer);
    const newer = known === undefined || ((known.timestamp - timestamp) | 0) <= 0;
    const expired = known !== undefined && nowNs - known.rememberedAtNs > tcpPawsMslNs;
    if (newer || expired) this.peers.set(peer, { timestamp: timestamp >>> 0, rememberedAtNs: nowNs });
  }

  /**
   * Checks a SYN from `peer` carrying TSval `synTimestamp` (`tcp_peer_is_proven()` with the
   * PAWS check): rejected when a timestamp remembered less than 60 s ago is more than one tick
   * ahead of it, in 32-bit serial arithmetic.
   */
  check(peer: Ipv4Address, synTimestamp: number, nowNs: number): PeerTimestampVerdict {
    const known = this.peers.get(peer);
    if (known === undefined || nowNs - known.rememberedAtNs >= tcpPawsMslNs) return { kind: 'accept' };
    if (((known.timestamp - synTimestamp) | 0) > tcpPawsWindow) return { kind: 'reject', remembered: known };
    return { kind: 'accept' };
  }

  /** Forgets every peer (the OS restarted). */
  clear(): void {
    this.peers.clear();
  }
}
