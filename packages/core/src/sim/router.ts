/**
 * The edge router: routes by destination address and spreads VIP traffic over the Muxes that
 * announce the VIP with per-flow ECMP.
 *
 * Muxes announce VIPs (BGP in Ananta, docs/mechanics.md §1.2–§1.3); the router hashes each packet's
 * 5-tuple with its own seed and picks one next hop, so all packets of a flow take the same Mux
 * while the set of Muxes is unchanged, and flows rehash when it changes. A Mux that dies
 * stays in the set until its BGP hold timer expires (default 30 s, docs/mechanics.md §1.3): until
 * then its share of flows is black-holed. The router decrements TTL like any router and drops
 * at zero, which stops routing loops.
 */

import { type FiveTuple, fiveTupleOf } from '../net/five-tuple.ts';
import { hashFiveTuple } from '../net/flow-hash.ts';
import { formatIpv4Address, type Ipv4Address } from '../net/ipv4-address.ts';
import { type Ipv4Prefix, prefixContains } from '../net/ipv4-prefix.ts';
import {
  type IcmpQuote,
  IcmpType,
  IcmpUnreachableCode,
  type Ipv4Packet,
  ipv4Packet,
  makeIpv4Packet,
} from '../net/packet.ts';
import { ipv4TotalLength } from '../net/packet-size.ts';
import type { ScheduledEvent } from './event-queue.ts';
import type { Fabric, LinkPort, NetworkNode } from './fabric.ts';
import type { PacketMeta } from './packet-meta.ts';
import type { TraceChannel } from './trace.ts';

/** Options of a {@link Router}. */
export interface RouterOptions {
  readonly name: string;
  /** Seed of the ECMP hash (the router's own; Muxes use a different one). */
  readonly ecmpSeed: number;
  /** BGP hold time, ns: how long a silent peer's routes survive (default 30 s). */
  readonly bgpHoldTimeNs?: number;
  /**
   * The router's own address and a way to quote a packet in ICMP (core/wire `icmpQuoteOf`,
   * injected because core/sim does not import wire). With both, the router answers a DF
   * packet too big for the next link with ICMP "fragmentation needed" (RFC 1191), as routers
   * do; without, it only drops it.
   */
  readonly icmp?: { readonly address: Ipv4Address; readonly quote: (packet: Ipv4Packet) => IcmpQuote };
}

/** Default BGP hold time: 30 s, typical per Ananta (docs/mechanics.md §1.3, [ANANTA §3.3.4]). */
export const defaultBgpHoldTimeNs = 30_000_000_000;

/** Most destinations a router remembers the route of (see Router's route cache). */
const routeCacheEntries = 65_536;

/** The edge router of the simulated datacenter. */
export class Router implements NetworkNode {
  readonly name: string;
  private readonly ecmpSeed: number;
  private readonly hostRoutes = new Map<Ipv4Address, string>();
  private readonly prefixRoutes: Array<{ readonly prefix: Ipv4Prefix; readonly nextHop: string }> = [];
  private readonly ecmpGroups = new Map<Ipv4Address, string[]>();
  /**
   * {@link lookupRoute}'s answers by destination (`null`: no route), so that a packet does not
   * scan the prefix routes; emptied when a route is added, and when it holds
   * {@link routeCacheEntries} destinations (spoofed sources would otherwise grow it).
   */
  private readonly routeCache = new Map<Ipv4Address, string | null>();
  private readonly holdTimers = new Map<string, { readonly expiresAtNs: number; readonly event: ScheduledEvent }>();
  private readonly bgpHoldTimeNs: number;
  /** Links to next hops, resolved on first use (a next hop is always a neighbour). */
  private readonly ports = new Map<string, LinkPort>();
  /** The tracer's `forward` events: one per packet routed. */
  private readonly forwards: TraceChannel;

  constructor(
    private readonly fabric: Fabric,
    private readonly options: RouterOptions,
  ) {
    this.name = options.name;
    this.ecmpSeed = options.ecmpSeed;
    this.bgpHoldTimeNs = options.bgpHoldTimeNs ?? defaultBgpHoldTimeNs;
    this.forwards = fabric.tracer.channel('forward');
  }

  /** Routes packets for `address` to neighbour `nextHop`. */
  addHostRoute(address: Ipv4Address, nextHop: string): void {
    this.hostRoutes.set(address, nextHop);
    this.routeCache.clear();
  }

  /** Routes packets for `prefix` to `nextHop` (longest prefix wins; host routes first). */
  addPrefixRoute(prefix: Ipv4Prefix, nextHop: string): void {
    this.prefixRoutes.push({ prefix, nextHop });
    this.prefixRoutes.sort((a, b) => b.prefix.length - a.prefix.length);
    this.routeCache.clear();
  }

  /**
   * A BGP peer went silent (a Mux died without withdrawing): its routes stay until the hold
   * timer expires, then every VIP it announced is withdrawn.
   */
  peerSilent(peer: string): void {
    if (this.holdTimers.has(peer)) return;
    const expiresAtNs = this.fabric.kernel.nowNs + this.bgpHoldTimeNs;
    const event = this.fabric.kernel.at(expiresAtNs, () => {
      this.holdTimers.delete(peer);
      for (const [vip, group] of [...this.ecmpGroups]) if (group.includes(peer)) this.withdraw(vip, peer);
    });
    this.holdTimers.set(peer, { expiresAtNs, event });
  }

  /** When a silent peer's hold timer expires (ns), or `undefined` if it is not pending. */
  holdTimerExpiryNs(peer: string): number | undefined {
    return this.holdTimers.get(peer)?.expiresAtNs;
  }

  /**
   * A Mux announces `vip`: it joins the VIP's ECMP group (no effect if already in it). A peer
   * that speaks again has a fresh session, so a pending hold-timer expiry is cancelled.
   */
  announce(vip: Ipv4Address, nextHop: string): void {
    const pending = this.holdTimers.get(nextHop);
    if (pending !== undefined) {
      this.fabric.kernel.cancel(pending.event);
      this.holdTimers.delete(nextHop);
    }
    const group = this.ecmpGroups.get(vip) ?? [];
    if (!group.includes(nextHop)) group.push(nextHop);
    // Next hops are kept sorted so the group, and thus ECMP, does not depend on announce order.
    group.sort();
    this.ecmpGroups.set(vip, group);
  }

  /** `nextHop` withdraws `vip` (or the router stops believing it: BGP hold timer expiry). */
  withdraw(vip: Ipv4Address, nextHop: string): void {
    const group = this.ecmpGroups.get(vip);
    if (group === undefined) return;
    const remaining = group.filter((hop) => hop !== nextHop);
    if (remaining.length === 0) this.ecmpGroups.delete(vip);
    else this.ecmpGroups.set(vip, remaining);
  }

  /** The ECMP group of `vip`, sorted by name (empty when nobody announces it). */
  ecmpGroup(vip: Ipv4Address): readonly string[] {
    return this.ecmpGroups.get(vip) ?? [];
  }

  /** Picks the next hop among `group` for a flow: hash of its 5-tuple modulo the group size. */
  selectEcmpNextHop(tuple: FiveTuple, group: readonly string[]): string {
    return group[hashFiveTuple(tuple, this.ecmpSeed) % group.length] as string;
  }

  receive(packet: Ipv4Packet, meta: PacketMeta, _from: string): void {
    const now = this.fabric.kernel.nowNs;
    if (packet.ttl <= 1) {
      this.fabric.tracer.emit(now, this.name, 'drop', packet, meta, 'TTL expired in transit', 'ttl-expired');
      return;
    }
    this.route(withTtl(packet, packet.ttl - 1), meta);
  }

  private route(packet: Ipv4Packet, meta: PacketMeta): void {
    const now = this.fabric.kernel.nowNs;
    const tracer = this.fabric.tracer;
    const group = this.ecmpGroups.get(packet.dst);
    const nextHop =
      group !== undefined ? this.selectEcmpNextHop(fiveTupleOf(packet), group) : this.lookupRoute(packet.dst);
    if (nextHop === undefined) {
      tracer.emit(now, this.name, 'drop', packet, meta, `no route to ${formatIpv4Address(packet.dst)}`, 'no-route');
      return;
    }
    const port = this.portTo(nextHop);
    const mtu = port.options.mtuBytes;
    const length = ipv4TotalLength(packet);
    if (length > mtu) {
      const df = packet.dontFragment ? 'DF set' : 'this router does not fragment';
      tracer.emit(
        now,
        this.name,
        'drop',
        packet,
        meta,
        `${length} bytes exceed the ${mtu}-byte MTU toward ${nextHop} (${df})`,
        'mtu-exceeded',
      );
      if (packet.dontFragment) this.sendFragmentationNeeded(packet, meta, mtu);
      return;
    }
    this.forwards.emit(now, this.name, packet, meta, {
      code: 'routed',
      nextHop,
      ecmpGroupSize: group === undefined ? 0 : group.length,
    });
    port.send(packet, meta);
  }

  /**
   * The link to `nextHop`.
   * @throws Error when it is not a neighbour: routes are built by code, not input.
   */
  private portTo(nextHop: string): LinkPort {
    let port = this.ports.get(nextHop);
    if (port === undefined) {
      port = this.fabric.port(this.name, nextHop);
      if (port === undefined) throw new Error(`no link from ${this.name} to ${nextHop}`);
      this.ports.set(nextHop, port);
    }
    return port;
  }

  /** ICMP "fragmentation needed" with the next-hop MTU to the sender of `packet` (RFC 1191). */
  private sendFragmentationNeeded(packet: Ipv4Packet, about: PacketMeta, mtu: number): void {
    const icmp = this.options.icmp;
    // Never answer an ICMP error with another (RFC 1122 §3.2.2).
    if (icmp === undefined || packet.payload.kind === 'icmp') return;
    const message = makeIpv4Packet(
      { src: icmp.address, dst: packet.src, dontFragment: false },
      {
        kind: 'icmp',
        type: IcmpType.DestinationUnreachable,
        code: IcmpUnreachableCode.FragmentationNeeded,
        rest: mtu & 0xffff,
        quote: icmp.quote(packet),
        payloadLength: 0,
      },
    );
    const meta = this.fabric.tracer.newMeta(about.connectionId, this.fabric.kernel.nowNs);
    this.fabric.tracer.emit(
      this.fabric.kernel.nowNs,
      this.name,
      'send',
      message,
      meta,
      `ICMP fragmentation needed: next-hop MTU ${mtu}`,
    );
    this.route(message, meta);
  }

  private lookupRoute(address: Ipv4Address): string | undefined {
    const cached = this.routeCache.get(address);
    if (cached !== undefined) return cached ?? undefined;
    const nextHop = this.findRoute(address);
    if (this.routeCache.size >= routeCacheEntries) this.routeCache.clear();
    this.routeCache.set(address, nextHop ?? null);
    return nextHop;
  }

  private findRoute(address: Ipv4Address): string | undefined {
    const host = this.hostRoutes.get(address);
    if (host !== undefined) return host;
    for (const route of this.prefixRoutes) if (prefixContains(route.prefix, address)) return route.nextHop;
    return undefined;
  }
}

/**
 * `packet` with another TTL. Packets are values that traces, captures and senders keep, so a
 * router forwards a copy; built field by field (not by spread) so that every packet shares one
 * object shape and the code reading packets stays monomorphic.
 */
function withTtl(packet: Ipv4Packet, ttl: number): Ipv4Packet {
  return ipv4Packet(
    packet.src,
    packet.dst,
    ttl,
    packet.dscp,
    packet.id,
    packet.dontFragment,
    packet.moreFragments,
    packet.fragmentOffsetBytes,
    packet.payload,
  );
}
