/**
 * How many SNAT ports a VM gets (docs/mechanics.md §2.8, [AZ-OUT-2022, AZ-OUT-CUR, AZ-OUTRULES]),
 * for the builder and the validation to agree on.
 */
import { nsPerMinute } from '@lbsim/core';

/**
 * The default SNAT ports per VM (per frontend IP and protocol) when nothing sets them, by the
 * number of instances in the backend pool: 1–50 → 1024, 51–100 → 512, 101–200 → 256,
 * 201–400 → 128, 401–800 → 64, 801–1000 → 32 ([AZ-OUT-2022] table; larger pools get 32).
 */
export function defaultSnatPorts(poolSize: number): number {
  if (poolSize <= 50) return 1024;
  if (poolSize <= 100) return 512;
  if (poolSize <= 200) return 256;
  if (poolSize <= 400) return 128;
  if (poolSize <= 800) return 64;
  return 32;
}

/**
 * Most ports default outbound (through load-balancing rules) gives a VM, however many frontend
 * IPs: MIN(table value × frontend IPs, 1024) in the current docs ([AZ-OUT-CUR]; the 2018 text
 * multiplied without a cap — docs/mechanics.md §2.15 lists the conflict, lbsim follows the newer).
 */
export const defaultOutboundPortCap = 1024;

/**
 * Idle timeout of default outbound SNAT flows: 4 minutes, fixed ([AZ-OUT-2018]: "not
 * adjustable"; outbound rules set their own, 4–120 minutes).
 */
export const defaultOutboundIdleTimeoutNs = 4 * nsPerMinute;

/** The ports default outbound gives each VM of a pool of `poolSize` through `frontends` frontend IPs. */
export function defaultOutboundPorts(poolSize: number, frontends: number): number {
  return Math.min(defaultSnatPorts(poolSize) * Math.max(1, frontends), defaultOutboundPortCap);
}
