/**
 * A guest OS's routing table (docs/mechanics.md §2.3: a multi-NIC VM must answer a probe on the NIC
 * that received it; §7.7): which NIC a packet leaves by.
 *
 * Modelled on Linux: policy routes first (`ip rule add from <source> table …`, whose table
 * holds `<destination> dev <nic>`), then the main table — routes the scenario adds, the
 * connected route of each NIC's subnet (when the subnet is known), and the default route,
 * which the guest gets on its primary NIC only. Longest destination prefix wins; on a tie an
 * added route beats a connected one, which beats the default. So a reply from a secondary NIC's
 * address to an address outside that NIC's subnet leaves by the primary NIC unless a policy
 * route says otherwise — and Azure drops it there (`asymmetric-nic`).
 */
import { formatIpv4Prefix, type Ipv4Address, type Ipv4Prefix, prefixContains } from '@lbsim/core';

/** A NIC as its guest sees it. */
export interface GuestNic {
  readonly name: string;
  /** The NIC's IP: a DIP when the NIC is in a backend pool. */
  readonly address: Ipv4Address;
  /** The prefix of the NIC's subnet, when known: the connected route. */
  readonly subnet?: Ipv4Prefix | undefined;
}

/** A route added to the guest. */
export interface GuestRoute {
  /** Destinations it covers (0.0.0.0/0 for a default route). */
  readonly destination: Ipv4Prefix;
  /** A policy route applies only to packets from this source; `undefined`: the main table. */
  readonly source: Ipv4Prefix | undefined;
  /** Name of the NIC packets leave by. */
  readonly nic: string;
}

/** The route chosen for a packet, and why, for notes. */
export interface RouteChoice {
  readonly nic: GuestNic;
  readonly why: string;
}

interface Candidate {
  readonly destination: Ipv4Prefix;
  readonly nic: GuestNic;
  /** Lower wins a tie on prefix length: added 0, connected 1, default 2. */
  readonly rank: number;
  readonly why: string;
}

const everything: Ipv4Prefix = { network: 0, length: 0 };

/** The routing table of one guest. */
export class GuestRouteTable {
  private readonly policy: readonly (Candidate & { readonly source: Ipv4Prefix })[];
  private readonly main: readonly Candidate[];
  /** The choice when no route covers a destination (the main table always has a default route). */
  private readonly fallback: RouteChoice;

  /**
   * @param nics the VM's NICs, primary first (a VM has at least one)
   * @param routes routes added by the scenario; each names one of `nics`
   * @throws Error when a route names a NIC the VM does not have: the loader checks this first.
   */
  constructor(nics: readonly GuestNic[], routes: readonly GuestRoute[]) {
    this.policy = routes.flatMap((route) =>
      route.source === undefined ? [] : [{ ...addedRoute(route, nics), source: route.source }],
    );
    this.main = [
      ...routes.filter((route) => route.source === undefined).map((route) => addedRoute(route, nics)),
      ...nics.flatMap(connectedRoute),
      defaultRoute(nics[0] as GuestNic),
    ];
    this.fallback = { nic: nics[0] as GuestNic, why: 'default route' };
  }

  /**
   * The NIC a packet from `source` to `destination` leaves by.
   * @param source the packet's source address, or `undefined` when it is still to be chosen
   *   (a new connection: then policy routes, which select by source, do not apply)
   */
  select(source: Ipv4Address | undefined, destination: Ipv4Address): RouteChoice {
    // The routes are candidates built once; the choice is the winning candidate itself, so a
    // packet's route costs a scan of a few prefixes and no allocation (issue 20).
    if (source !== undefined) {
      const policy = bestOf(this.policy, source, destination);
      if (policy !== undefined) return policy;
    }
    return bestOf(this.main, undefined, destination) ?? this.fallback;
  }

  /** The source address a new connection to `destination` gets: the address of its NIC. */
  sourceAddressFor(destination: Ipv4Address): Ipv4Address {
    return this.select(undefined, destination).nic.address;
  }
}

/** A route the scenario added, as a candidate; throws for a NIC the VM lacks (see the constructor). */
function addedRoute(route: GuestRoute, nics: readonly GuestNic[]): Candidate {
  const nic = nics.find((candidate) => candidate.name === route.nic);
  if (nic === undefined) throw new Error(`route via unknown NIC ${route.nic}`);
  const from = route.source === undefined ? '' : ` from ${formatIpv4Prefix(route.source)}`;
  return {
    destination: route.destination,
    nic,
    rank: 0,
    why: `route ${formatIpv4Prefix(route.destination)}${from} via ${nic.name}`,
  };
}

/** The route to a NIC's own subnet, when the subnet is known. */
function connectedRoute(nic: GuestNic): Candidate[] {
  if (nic.subnet === undefined) return [];
  return [
    { destination: nic.subnet, nic, rank: 1, why: `connected route ${formatIpv4Prefix(nic.subnet)} via ${nic.name}` },
  ];
}

/** The default route, which the guest gets on its primary NIC. */
function defaultRoute(primary: GuestNic): Candidate {
  return { destination: everything, nic: primary, rank: 2, why: `default route via the primary NIC ${primary.name}` };
}

/**
 * The best of the candidates that cover `destination` (and, for policy routes, `source`):
 * longest prefix, then lowest rank, the first of equals.
 */
function bestOf(
  candidates: readonly (Candidate & { readonly source?: Ipv4Prefix })[],
  source: Ipv4Address | undefined,
  destination: Ipv4Address,
): Candidate | undefined {
  let best: Candidate | undefined;
  for (let i = 0; i < candidates.length; i++) {
    const candidate = candidates[i] as Candidate & { readonly source?: Ipv4Prefix };
    if (!prefixContains(candidate.destination, destination)) continue;
    if (source !== undefined && candidate.source !== undefined && !prefixContains(candidate.source, source)) continue;
    if (
      best === undefined ||
      candidate.destination.length > best.destination.length ||
      (candidate.destination.length === best.destination.length && candidate.rank < best.rank)
    ) {
      best = candidate;
    }
  }
  return best;
}
