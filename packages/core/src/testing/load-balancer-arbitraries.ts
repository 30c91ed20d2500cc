/**
 * fast-check arbitraries for load-balancer configurations as the data plane sees them: the
 * rules of a Mux's VIP map (core/control `VipMapRule`), for property tests of Muxes and backend
 * selection in lbsim and in users' suites (`import { arbitraryVipMap } from '@lbsim/core/testing'`).
 *
 * Generated configurations are valid: DIPs unique within a rule, positive weights, VIP
 * endpoints unique within a map, idle timeouts of 4..100 minutes (Azure's current range for
 * load-balancing rules, docs/mechanics.md §2.6). Scenario-level configurations (load balancers,
 * pools, rules in Azure's vocabulary, whole topologies) are in `@lbsim/scenario/testing`.
 */
import fc from 'fast-check';
import type { DipTarget, LoadDistribution, VipMapRule } from '../control/load-balancing-rule.ts';
import { IpProtocol } from '../net/ip-protocol.ts';
import { formatIpv4Address, type Ipv4Address } from '../net/ipv4-address.ts';
import { nsPerMinute } from '../sim/time.ts';

/** Every `loadDistribution` (Azure): 5-tuple, 3-tuple (source IP, destination IP, protocol), 2-tuple. */
export const loadDistributions: readonly LoadDistribution[] = ['Default', 'SourceIPProtocol', 'SourceIP'];

/** Any `loadDistribution`. */
export const arbitraryLoadDistribution: fc.Arbitrary<LoadDistribution> = fc.constantFrom(...loadDistributions);

/** TCP or UDP, as IP protocol numbers (6, 17). */
export const arbitraryTransportProtocol: fc.Arbitrary<number> = fc.constantFrom(IpProtocol.Tcp, IpProtocol.Udp);

/** Options of {@link arbitraryDipTargets}. */
export interface DipTargetConstraints {
  /** Fewest DIPs (default 1). */
  readonly minDips?: number;
  /** Most DIPs (default 12). */
  readonly maxDips?: number;
  /** Largest weight; 1 (the default) gives equal weights. */
  readonly maxWeight?: number;
  /** Addresses DIPs are drawn from, inclusive (default 10.0.0.1..10.255.255.254). */
  readonly addresses?: { readonly min: Ipv4Address; readonly max: Ipv4Address };
}

/**
 * A rule's backends: unique DIPs with positive integer weights, admin state `None`.
 * @throws Error when `minDips` exceeds `maxDips` or the address range is empty
 */
export function arbitraryDipTargets(constraints: DipTargetConstraints = {}): fc.Arbitrary<DipTarget[]> {
  const minDips = constraints.minDips ?? 1;
  const maxDips = constraints.maxDips ?? 12;
  const range = constraints.addresses ?? { min: 0x0a000001, max: 0x0afffffe };
  if (minDips > maxDips) throw new Error('arbitraryDipTargets: minDips must not exceed maxDips');
  if (range.min > range.max) throw new Error('arbitraryDipTargets: the address range is empty');
  return fc.uniqueArray(
    fc.record({
      dip: fc.integer({ min: range.min, max: range.max }),
      weight: fc.integer({ min: 1, max: constraints.maxWeight ?? 1 }),
      adminState: fc.constant('None' as const),
    }),
    { minLength: minDips, maxLength: maxDips, selector: (target) => target.dip },
  );
}

/** Options of {@link arbitraryVipMapRule} and {@link arbitraryVipMap}. */
export interface VipMapConstraints extends DipTargetConstraints {
  /** VIPs are drawn from these (default: 52.170.0.1..52.170.0.8). */
  readonly vips?: readonly Ipv4Address[];
  /** Frontend ports are drawn from these (default: 53, 80, 443, 8080). */
  readonly ports?: readonly number[];
  /** Most rules in a map (default 4). */
  readonly maxRules?: number;
}

const defaultVips: readonly Ipv4Address[] = Array.from({ length: 8 }, (_, i) => 0x34aa0001 + i);
const defaultPorts: readonly number[] = [53, 80, 443, 8080];

/**
 * One rule of a Mux's VIP map: a VIP endpoint, its distribution, its DIPs, its idle timeout;
 * named after its endpoint, `lb/<vip>/<tcp|udp>-<port>`.
 */
export function arbitraryVipMapRule(constraints: VipMapConstraints = {}): fc.Arbitrary<VipMapRule> {
  const vips = constraints.vips ?? defaultVips;
  const ports = constraints.ports ?? defaultPorts;
  return fc
    .record({
      vip: fc.constantFrom(...vips),
      protocol: arbitraryTransportProtocol,
      port: fc.constantFrom(...ports),
      distribution: arbitraryLoadDistribution,
      dips: arbitraryDipTargets(constraints),
      idleTimeoutMinutes: fc.integer({ min: 4, max: 100 }),
    })
    .map(({ vip, protocol, port, distribution, dips, idleTimeoutMinutes }) => ({
      name: `lb/${formatIpv4Address(vip)}/${protocol === IpProtocol.Tcp ? 'tcp' : 'udp'}-${port}`,
      endpoint: { vip, protocol, port },
      distribution,
      dips,
      idleTimeoutNs: idleTimeoutMinutes * nsPerMinute,
      // No probe: every DIP with a weight is eligible, as the properties over these maps assume.
      probe: undefined,
      noHealthyBackends: 'AllProbedDown' as const,
    }));
}

/** A Mux's VIP map: 1..`maxRules` rules on distinct VIP endpoints (so with distinct names). */
export function arbitraryVipMap(constraints: VipMapConstraints = {}): fc.Arbitrary<VipMapRule[]> {
  return fc.uniqueArray(arbitraryVipMapRule(constraints), {
    minLength: 1,
    maxLength: constraints.maxRules ?? 4,
    selector: (rule) => rule.name,
  });
}
