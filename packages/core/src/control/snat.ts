/**
 * The outbound SNAT contract between the Ananta Manager, the Host Agents and the Muxes
 * (docs/mechanics.md §1.4 "SNAT", §1.5, §2.8, §7.4; [ANANTA §3.2.3, §3.4.2, §3.5.1]).
 *
 * A VM's outbound flow leaves with a frontend IP (a VIP) and a SNAT port as its source. The
 * manager owns the ports: it hands each DIP ranges of 8 contiguous ports, aligned to 8, so a
 * Mux stores only a range's first port to send return traffic to the right DIP statelessly.
 * The Host Agent picks a port of its ranges for each flow and keeps the translation.
 */
import type { Ipv4Address } from '../net/ipv4-address.ts';

/**
 * Ports in one SNAT port range: Ananta's manager grants 8 contiguous ports per request
 * ([ANANTA §5.1.3]: "only one in every eight outbound connections ever results in a request"),
 * and Azure gives ports in multiples of 8 (docs/mechanics.md §2.8, [AZ-OUTRULES]).
 */
export const snatPortsPerRange = 8;

/** SNAT-eligible ports each frontend IP offers per protocol: 64,000 (docs/mechanics.md §2.8, [AZ-OUT-2022]). */
export const snatPortsPerFrontend = 64_000;

/**
 * The first port the manager hands out. Azure does not say which 64,000 of the 65,535 ports
 * it uses; lbsim takes the ranges from 1024 up (leaving the well-known ports alone) and skips
 * every range that holds a load-balancing or inbound NAT rule's frontend port.
 */
export const firstSnatPort = 1024;

/** A range of {@link snatPortsPerRange} ports of one frontend IP and protocol. */
export interface SnatPortRange {
  /** The frontend IP (VIP) the ports belong to. */
  readonly vip: Ipv4Address;
  /** IP protocol number: 6 (TCP) or 17 (UDP); each has its own ports. */
  readonly protocol: number;
  /** First port of the range, a multiple of {@link snatPortsPerRange}. */
  readonly firstPort: number;
}

/** A range and the DIP it was granted to: the stateless entry each Mux keeps. */
export interface SnatRangeOwner {
  readonly range: SnatPortRange;
  readonly dip: Ipv4Address;
}

/** The first port of the range `port` falls in. */
export function snatRangeStart(port: number): number {
  return port - (port % snatPortsPerRange);
}

/** The key of a range in maps: `vip|protocol|firstPort`. */
export function snatRangeKey(vip: Ipv4Address, protocol: number, firstPort: number): string {
  return `${vip}|${protocol}|${firstPort}`;
}

/**
 * How one DIP's outbound flows of one protocol are translated: from which frontend IPs, with
 * how many ports at most, and how long an idle flow keeps its port. Compiled from an outbound
 * rule, or from the load-balancing rules that give default outbound SNAT (docs/mechanics.md §2.8).
 */
export interface SnatPolicy {
  /** `loadBalancer/rule` that gives it, for notes (`… (default outbound)` for load-balancing rules). */
  readonly name: string;
  readonly dip: Ipv4Address;
  /** Name of the host whose Host Agent serves the DIP. */
  readonly host: string;
  /** Name of the VM that owns the DIP, for notes. */
  readonly vm: string;
  /** 6 (TCP) or 17 (UDP). */
  readonly protocol: number;
  /**
   * Frontend IPs in the order they are used: the next one only when the ones before it have
   * no free range (docs/mechanics.md §2.8, [AZ-OUT-2022, AZ-FAQ]).
   */
  readonly frontends: readonly Ipv4Address[];
  /** Most ports the DIP may hold over all frontends: a multiple of 8 (`allocatedOutboundPorts`). */
  readonly portLimit: number;
  /** An idle flow releases its port after this, ns (docs/mechanics.md §2.6, §2.8: 4–120 min). */
  readonly idleTimeoutNs: number;
  /** At idle timeout send RST both ways on an established TCP flow (outbound rules' `enableTcpReset`). */
  readonly enableTcpReset: boolean;
}

/**
 * A DIP that has no outbound connectivity for a protocol: it is behind a Standard load
 * balancer that gives it no SNAT for that protocol (an internal one, a public one without a
 * rule of the protocol, or with `disableOutboundSnat` and no outbound rule; docs/mechanics.md §2.8).
 */
export interface OutboundBlocked {
  readonly dip: Ipv4Address;
  readonly host: string;
  readonly protocol: number;
  /** Why, in words, with the fix. */
  readonly why: string;
}

/** Everything the manager needs to run outbound SNAT. */
export interface SnatConfiguration {
  readonly policies: readonly SnatPolicy[];
  readonly blocked: readonly OutboundBlocked[];
}

/** No SNAT anywhere: what a scenario without load balancers compiles to. */
export const emptySnatConfiguration: SnatConfiguration = { policies: [], blocked: [] };
