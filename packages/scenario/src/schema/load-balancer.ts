/**
 * `loadBalancers`: Azure Load Balancer resources in Azure's own vocabulary (docs/mechanics.md §2):
 * frontends, backend pools, probes, load-balancing rules, inbound NAT rules, outbound rules.
 */
import { z } from 'zod';
import { ipAddressSchema, nameSchema, portSchema } from './primitives.ts';

/**
 * Ports an HTTP(S) probe may not use (WinHTTP restriction, docs/mechanics.md §2.3,
 * [AZ-PROBE-2023]).
 */
export const forbiddenHttpProbePorts: readonly number[] = [19, 21, 25, 70, 110, 119, 143, 220, 993];

/** A frontend IP configuration. */
export const frontendSchema = z.strictObject({
  name: nameSchema,
  ip: ipAddressSchema,
  subnet: nameSchema.optional().describe('internal load balancers: the subnet of the frontend IP'),
});

/** A pool member with a weight (Ananta's weighted selection, docs/mechanics.md §1.1). */
export const weightedMemberSchema = z.strictObject({
  name: z.string().describe('VM name, or vm/nic'),
  weight: z.number().int().min(0).max(1000).default(1).describe('relative share of new flows; 0 drains the member'),
  adminState: z
    .enum(['None', 'Up', 'Down'])
    .default('None')
    .describe(
      'None follows the health probe; Up ignores it and takes new flows; Down ignores it and takes none (docs/mechanics.md §2.3)',
    ),
});

/** A backend pool: VM names, or `vm/nic` for a NIC other than the primary one, optionally weighted. */
export const backendPoolSchema = z.strictObject({
  name: nameSchema,
  members: z.array(z.union([z.string(), weightedMemberSchema])).default([]),
});

/** The name of a pool member, written as text or as `{ name, weight }`. */
export function memberName(member: string | { readonly name: string }): string {
  return typeof member === 'string' ? member : member.name;
}

/** The weight of a pool member (1 when not given). */
export function memberWeight(member: string | { readonly weight: number }): number {
  return typeof member === 'string' ? 1 : member.weight;
}

/** The admin state of a pool member (`None`, follow the probe, when not given). */
export function memberAdminState(member: string | { readonly adminState: 'None' | 'Up' | 'Down' }) {
  return typeof member === 'string' ? 'None' : member.adminState;
}

/** A health probe (docs/mechanics.md §2.3). */
export const probeSchema = z
  .strictObject({
    name: nameSchema,
    protocol: z.enum(['Tcp', 'Http', 'Https']),
    port: portSchema.min(1),
    requestPath: z.string().startsWith('/').optional(),
    intervalInSeconds: z
      .number()
      .int()
      .min(5, { error: 'intervalInSeconds is at least 5 (Azure minimum)' })
      .max(2_147_483_647)
      .default(5)
      .describe('seconds between probes; default 5 (the portal default, docs/mechanics.md §2.3)'),
    probeThreshold: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe('consecutive results to change state; default 1'),
    numberOfProbes: z.number().int().min(1).max(100).optional().describe('legacy form of probeThreshold'),
    noHealthyBackendsBehavior: z
      .enum(['AllProbedDown', 'AllProbedUp'])
      .default('AllProbedDown')
      .describe(
        'when every DIP is probed down: AllProbedDown sends new flows nowhere, AllProbedUp sends them to all (docs/mechanics.md §2.3)',
      ),
  })
  .superRefine((probe, context) => {
    const http = probe.protocol !== 'Tcp';
    if (http && forbiddenHttpProbePorts.includes(probe.port)) {
      context.addIssue({
        code: 'custom',
        path: ['port'],
        message: `HTTP(S) probes cannot use port ${probe.port} (forbidden: ${forbiddenHttpProbePorts.join(', ')})`,
      });
    }
    if (http && probe.requestPath === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['requestPath'],
        message: `a ${probe.protocol} probe needs a requestPath`,
      });
    }
    if (!http && probe.requestPath !== undefined) {
      context.addIssue({ code: 'custom', path: ['requestPath'], message: 'a Tcp probe has no requestPath' });
    }
  });

/** A load-balancing rule (docs/mechanics.md §2.1, §2.4, §2.6, §2.9). */
export const ruleSchema = z
  .strictObject({
    name: nameSchema,
    frontend: nameSchema,
    backendPool: nameSchema,
    probe: nameSchema.optional(),
    protocol: z.enum(['Tcp', 'Udp', 'All']),
    frontendPort: portSchema,
    backendPort: portSchema,
    loadDistribution: z.enum(['Default', 'SourceIPProtocol', 'SourceIP']).default('Default'),
    enableFloatingIP: z.boolean().default(false),
    idleTimeoutInMinutes: z
      .number()
      .int()
      .min(4, { error: 'idleTimeoutInMinutes is 4..30 for load-balancing rules' })
      .max(30, { error: 'idleTimeoutInMinutes is 4..30 for load-balancing rules' })
      .default(4),
    enableTcpReset: z.boolean().default(false),
    disableOutboundSnat: z
      .boolean()
      .default(false)
      .describe(
        "public load balancers: don't give the pool default outbound SNAT through this rule's frontend (needed when an outbound rule covers the pool)",
      ),
  })
  .superRefine((rule, context) => {
    const haPorts = rule.protocol === 'All';
    if (haPorts && (rule.frontendPort !== 0 || rule.backendPort !== 0)) {
      context.addIssue({
        code: 'custom',
        path: ['frontendPort'],
        message: 'an HA-ports rule (protocol All) uses ports 0',
      });
    }
    if (!haPorts && rule.frontendPort === 0) {
      context.addIssue({
        code: 'custom',
        path: ['frontendPort'],
        message: 'port 0 is only for HA-ports rules (protocol All)',
      });
    }
    if (!haPorts && rule.backendPort === 0) {
      context.addIssue({
        code: 'custom',
        path: ['backendPort'],
        message: 'port 0 is only for HA-ports rules (protocol All)',
      });
    }
  });

/** An inbound NAT rule: one frontend port to one VM's port (docs/mechanics.md §2.10). */
export const inboundNatRuleSchema = z.strictObject({
  name: nameSchema,
  frontend: nameSchema,
  target: z.string().describe('VM name, or vm/nic'),
  protocol: z.enum(['Tcp', 'Udp']),
  frontendPort: portSchema.min(1),
  backendPort: portSchema.min(1),
  enableFloatingIP: z.boolean().default(false),
  idleTimeoutInMinutes: z.number().int().min(4).max(30).default(4),
  enableTcpReset: z.boolean().default(false),
});

/**
 * An outbound rule (docs/mechanics.md §2.8, [AZ-OUTRULES]): SNAT for every VM of a backend pool
 * through the rule's frontend IPs, for its protocols.
 */
export const outboundRuleSchema = z.strictObject({
  name: nameSchema,
  frontends: z
    .array(nameSchema)
    .min(1, { error: 'an outbound rule needs at least one frontend' })
    .describe('frontend IPs the pool leaves with, used one at a time in this order'),
  backendPool: nameSchema,
  protocol: z.enum(['Tcp', 'Udp', 'All']).default('All').describe('protocols it SNATs; All is TCP and UDP'),
  allocatedOutboundPorts: z
    .number()
    .int()
    .min(0, { error: 'allocatedOutboundPorts is 0..64000' })
    .max(64000, { error: 'allocatedOutboundPorts is 0..64000' })
    .refine((ports) => ports % 8 === 0, {
      error: (issue) =>
        `allocatedOutboundPorts must be a multiple of 8 (ports are given in ranges of 8), got ${JSON.stringify(issue.input)}`,
    })
    .optional()
    .describe(
      'SNAT ports per VM over all the frontends; 0 or absent: the default table by pool size (1024 for up to 50 VMs)',
    ),
  idleTimeoutInMinutes: z
    .number()
    .int()
    .min(4, { error: 'idleTimeoutInMinutes is 4..120 for outbound rules' })
    .max(120, { error: 'idleTimeoutInMinutes is 4..120 for outbound rules' })
    .default(4)
    .describe('an idle outbound flow releases its SNAT port after this'),
  enableTcpReset: z
    .boolean()
    .default(false)
    .describe('at idle timeout send TCP RST to both ends of an established flow'),
});

/** A load balancer. */
export const loadBalancerSchema = z.strictObject({
  name: nameSchema,
  type: z.enum(['public', 'internal']).default('public'),
  sku: z.enum(['Standard', 'Basic']).default('Standard'),
  frontends: z.array(frontendSchema).min(1, { error: 'a load balancer needs at least one frontend' }),
  backendPools: z.array(backendPoolSchema).default([]),
  probes: z.array(probeSchema).default([]),
  rules: z.array(ruleSchema).default([]),
  inboundNatRules: z.array(inboundNatRuleSchema).default([]),
  outboundRules: z.array(outboundRuleSchema).default([]),
});
