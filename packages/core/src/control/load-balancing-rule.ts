/**
 * The configuration contract between the Ananta Manager, the Muxes and the Host Agents.
 *
 * The manager compiles load balancers into these records and pushes them: each Mux gets the
 * VIP map (docs/mechanics.md §1.3: (VIP, IP protocol, port) → a list of DIPs), each Host Agent the
 * NAT rules for its own DIPs (§1.4: (VIP, protocol, VIP port) → (DIP, protocol, DIP port)).
 */
import type { Ipv4Address } from '../net/ipv4-address.ts';

/**
 * How a rule hashes a new flow to pick a DIP (Azure `loadDistribution`, docs/mechanics.md §2.1):
 * `Default` hashes the 5-tuple, `SourceIPProtocol` the 3-tuple (source IP, destination IP,
 * protocol), `SourceIP` the 2-tuple (source IP, destination IP).
 */
export type LoadDistribution = 'Default' | 'SourceIPProtocol' | 'SourceIP';

/** A VIP endpoint: the 3-tuple (VIP, IP protocol, port) a rule listens on. */
export interface VipEndpoint {
  readonly vip: Ipv4Address;
  readonly protocol: number;
  /** Frontend port. */
  readonly port: number;
}

/**
 * Per-instance admin state (docs/mechanics.md §2.3, [AZ-PROBE-CUR]): `Up` ignores the probe and is
 * always eligible; `Down` ignores the probe and takes no new flows; `None` follows the probe.
 */
export type AdminState = 'None' | 'Up' | 'Down';

/**
 * What a rule does when every DIP is probed down (Azure `noHealthyBackendsBehavior`):
 * `AllProbedDown` (default) sends no new flows; `AllProbedUp` sends to all of them.
 */
export type NoHealthyBackendsBehavior = 'AllProbedDown' | 'AllProbedUp';

/** One DIP behind a rule, as the Mux sees it. */
export interface DipTarget {
  readonly dip: Ipv4Address;
  /** Relative weight (positive integer; equal weights by default; 0 drains). */
  readonly weight: number;
  readonly adminState: AdminState;
}

/** A rule in a Mux's VIP map. */
export interface VipMapRule {
  /** `loadBalancer/rule`, for traces and explanations. */
  readonly name: string;
  readonly endpoint: VipEndpoint;
  readonly distribution: LoadDistribution;
  /** DIPs in configuration order. */
  readonly dips: readonly DipTarget[];
  /** Idle timeout of flows of this rule, in ns (Azure `idleTimeoutInMinutes`, default 4 min). */
  readonly idleTimeoutNs: number;
  /** The probe (`loadBalancer/probe`) whose results decide which DIPs are eligible; none: all. */
  readonly probe: string | undefined;
  readonly noHealthyBackends: NoHealthyBackendsBehavior;
}

/** A NAT rule on a Host Agent: traffic for `endpoint` delivered to one local DIP. */
export interface NatRule {
  readonly name: string;
  readonly endpoint: VipEndpoint;
  readonly dip: Ipv4Address;
  /** Port the VM listens on (Azure `backendPort`). */
  readonly backendPort: number;
  /**
   * Floating IP (Azure `enableFloatingIP`, docs/mechanics.md §2.4): the destination stays the VIP
   * instead of being rewritten to the DIP; the port may still be rewritten.
   */
  readonly floatingIp: boolean;
  /** Idle timeout of NAT state, in ns. */
  readonly idleTimeoutNs: number;
  /**
   * At idle timeout send a TCP RST to both ends of an established TCP flow (Azure
   * `enableTcpReset`, docs/mechanics.md §2.6); otherwise the flow expires silently.
   */
  readonly enableTcpReset: boolean;
}

/** The key of a VIP endpoint in maps: `vip|protocol|port`. */
export function vipEndpointKey(vip: Ipv4Address, protocol: number, port: number): string {
  return `${vip}|${protocol}|${port}`;
}

/** One backend of a load-balancing rule, as the manager knows it. */
export interface BackendConfig {
  readonly dip: Ipv4Address;
  /** Name of the host whose Host Agent serves this DIP. */
  readonly host: string;
  /** Name of the VM, for traces and explanations. */
  readonly vm: string;
  readonly weight: number;
  readonly adminState: AdminState;
}

/** A load-balancing rule as the manager receives it from the scenario. */
export interface LoadBalancingRuleConfig {
  /** `loadBalancer/rule`. */
  readonly name: string;
  readonly endpoint: VipEndpoint;
  readonly backendPort: number;
  readonly distribution: LoadDistribution;
  readonly floatingIp: boolean;
  readonly idleTimeoutNs: number;
  /** Azure `enableTcpReset` (docs/mechanics.md §2.6). */
  readonly enableTcpReset: boolean;
  /** The rule's probe, `loadBalancer/probe`, if it has one. */
  readonly probe: string | undefined;
  readonly noHealthyBackends: NoHealthyBackendsBehavior;
  readonly backends: readonly BackendConfig[];
}
