/**
 * `network`: the Mux pool, links and the flow hash.
 */
import * as z from 'zod';
import { platformSetting } from './platform.ts';
import { durationSchema, ipAddressSchema } from './primitives.ts';

/** Latencies of the three kinds of link. */
export const latencySchema = z.strictObject({
  internet: durationSchema.prefault('5ms').describe('one way, Internet client ↔ edge router'),
  fabric: durationSchema.prefault('50us').describe('one way, router ↔ Mux and router ↔ host'),
  host: durationSchema.prefault('10us').describe('one way, Host Agent ↔ VM'),
});

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

/** Limits of each Mux's flow table (docs/mechanics.md §1.3; Ananta does not publish its values). */
export const flowTableSchema = z.strictObject({
  untrustedQuota: z
    .number()
    .int()
    .min(0)
    .max(100_000_000)
    .default(1_000_000)
    .describe('most one-packet flows a Mux keeps (flows); beyond it new flows are forwarded statelessly'),
  trustedQuota: z.number().int().min(0).max(100_000_000).default(4_000_000).describe('most trusted flows a Mux keeps'),
  untrustedIdleTimeout: durationSchema
    .prefault('10s')
    .describe("idle timeout of one-packet flows; trusted flows use their rule's idle timeout"),
});

/** A hand-set Maglev permutation for one DIP, to check the algorithm by hand on small tables. */
export const maglevPermutationSchema = z.strictObject({
  dip: ipAddressSchema.describe('the DIP (a NIC address in a backend pool) this permutation is for'),
  offset: z.number().int().min(0).describe('first preferred slot, 0..M-1'),
  skip: z.number().int().min(1).describe('stride, 1..M-1'),
});

/**
 * How the manager hands out SNAT ports (docs/mechanics.md §1.5, §1.7; [ANANTA §3.5.1, §5.1.3]).
 * Ananta publishes none of these values; the defaults answer a request in 55 ms with the
 * default 10 ms control latency each way, as Ananta measured for a normal tenant.
 */
export const snatSettingsSchema = z.strictObject({
  allocationLatency: durationSchema
    .prefault('35ms')
    .describe(
      "the manager's time to serve a SNAT port request (plus configLatency each way); the flow's first packet waits for it",
    ),
  preallocatedPorts: z
    .number()
    .int()
    .min(0)
    .max(64000)
    .refine((ports) => ports % 8 === 0, {
      error: 'preallocatedPorts must be a multiple of 8 (ports come in ranges of 8)',
    })
    .default(8)
    .describe(
      'SNAT ports each VM gets per protocol when its load balancer is configured, before it asks; capped by its allocation (set it to the allocation to give every port up front, as Azure does)',
    ),
  demandWindow: durationSchema
    .prefault('1s')
    .describe('a VM that asks again within this of its last grant gets twice as many ranges (up to 64 ports)'),
  portReturnIdle: durationSchema
    .prefault('120s')
    .describe('a requested range of 8 ports with no flow for this long goes back to the manager'),
});

/**
 * The `network` section. Every key but `mtu` is a platform setting (platform.ts): Azure runs its
 * Muxes, fabric and Host Agents, and a customer sets none of them.
 */
export const networkSchema = z.strictObject({
  muxes: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(8)
    .describe('Muxes in the pool (Ananta: most pools have 8, docs/mechanics.md §1.3)')
    .meta(platformSetting),
  mtu: z.number().int().min(576).max(9216).default(1500).describe('MTU of every link and interface, bytes'),
  fabricMtu: z
    .number()
    .int()
    .min(576)
    .max(9216)
    .optional()
    .describe('MTU of the datacenter links (router ⇄ Mux, router ⇄ host), bytes; defaults to mtu')
    .meta(platformSetting),
  fragmentPolicy: z
    .enum(['drop', 'three-tuple', 'track-first-fragment'])
    .default('drop')
    .describe('what Muxes do with IP fragments: drop (Azure), three-tuple (Maglev), track-first-fragment')
    .meta(platformSetting),
  icmpFragmentationNeeded: z
    .boolean()
    .default(false)
    .describe('Muxes answer DF packets too big after encapsulation with ICMP fragmentation needed')
    .meta(platformSetting),
  icmpToVip: z
    .enum(['flow', 'naive-hash'])
    .default('flow')
    .describe('how Muxes route ICMP errors sent to a VIP: by the flow they quote, or by a naive hash')
    .meta(platformSetting),
  latency: latencySchema.prefault({}).describe('one-way latency of each kind of link').meta(platformSetting),
  configLatency: durationSchema
    .prefault('10ms')
    .describe('time for the manager to program a Mux or Host Agent')
    .meta(platformSetting),
  healthLatency: durationSchema
    .prefault('100ms')
    .describe(
      'time from a Host Agent seeing a probe verdict change to every Mux applying it, through the manager (docs/mechanics.md §1.4; Ananta gives no number)',
    )
    .meta(platformSetting),
  backendSelection: z
    .enum(['maglev', 'modulo', 'rendezvous'])
    .default('maglev')
    .describe('how a Mux maps a flow hash to a DIP')
    .meta(platformSetting),
  maglevTableSize: z
    .number()
    .int()
    .min(2)
    .max(10_000_019)
    .refine(isPrime, { error: 'the Maglev table size must be a prime (e.g. 7, 251, 4093, 65537)' })
    .default(65537)
    .describe('Maglev lookup table size M, a prime (Maglev §3.4)')
    .meta(platformSetting),
  maglevPermutations: z
    .array(maglevPermutationSchema)
    .default([])
    .describe("hand-set (offset, skip) per DIP, as in the Maglev paper's worked example; others are hashed")
    .meta(platformSetting),
  flowTable: flowTableSchema
    .prefault({})
    .describe("limits of each Mux's flow table (docs/mechanics.md §1.3)")
    .meta(platformSetting),
  bgpHoldTime: durationSchema
    .prefault('30s')
    .describe('how long the router keeps sending to a dead Mux before withdrawing it (Ananta §3.3.4)')
    .meta(platformSetting),
  mssClamp: z
    .boolean()
    .default(true)
    .describe('Host Agents clamp the TCP MSS to 1440 (Ananta §6)')
    .meta(platformSetting),
  snat: snatSettingsSchema.prefault({}).describe("the manager's SNAT port allocation").meta(platformSetting),
  hashSeed: z
    .number()
    .int()
    .min(0)
    .max(0xffffffff)
    .optional()
    .describe('seed of the flow hash shared by all Muxes; derived from the run seed by default')
    .meta(platformSetting),
});
