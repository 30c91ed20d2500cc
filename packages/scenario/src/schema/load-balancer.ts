/**
 * `loadBalancers`: Azure Load Balancer resources in Azure's own vocabulary (docs/mechanics.md §2):
 * frontends, backend pools, probes, load-balancing rules, inbound NAT rules, outbound rules.
 */
import * as z from 'zod';
import { describeValue } from './issue-messages.ts';
import { ipAddressSchema, nameSchema, portSchema } from './primitives.ts';

/**
 * Ports an HTTP(S) probe may not use (WinHTTP restriction, docs/mechanics.md §2.3,
 * [AZ-PROBE-2023]).
 */
export const forbiddenHttpProbePorts: readonly number[] = [19, 21, 25, 70, 110, 119, 143, 220, 993];

/** The message for port 0 where a port must be 1..65535. */
const nonZeroPort = (issue: { readonly input?: unknown }) =>
  `a port is 1..65535 here, got ${describeValue(issue.input)}`;

/**
 * The `idleTimeoutInMinutes` of a rule: whole minutes from 4 to `maxMinutes`, 4 when absent.
 * `rules` names the kind of rule in the range error; `description` is the key's help text.
 */
function idleTimeoutInMinutesSchema(maxMinutes: number, rules: string, description: string) {
  const range = `idleTimeoutInMinutes is 4..${maxMinutes} for ${rules}`;
  return z.number().int().min(4, { error: range }).max(maxMinutes, { error: range }).default(4).describe(description);
}

/** A frontend IP configuration. */
export const frontendSchema = z.strictObject({
  name: nameSchema.describe('frontend name, unique in the load balancer (Azure: frontendIPConfigurations[].name)'),
  ip: ipAddressSchema.describe(
    'the frontend IP (VIP): public load balancers an address outside the virtual network, internal ones an address of it (Azure: publicIPAddress / privateIPAddress)',
  ),
  subnet: nameSchema
    .optional()
    .describe(
      'internal load balancers: the subnet of the frontend IP (Azure: frontendIPConfigurations[].properties.subnet)',
    ),
});

/** A pool member with a weight (Ananta's weighted selection, docs/mechanics.md §1.1). */
export const weightedMemberSchema = z.strictObject({
  name: z.string().describe('the member: a VM name (its primary NIC), or vm/nic'),
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
  name: nameSchema.describe('pool name, unique in the load balancer (Azure: backendAddressPools[].name)'),
  members: z
    .array(z.union([z.string(), weightedMemberSchema]))
    .default([])
    .describe(
      "VM names (primary NIC) or vm/nic, or { name, weight, adminState } (Azure: the NICs' ipConfigurations in the pool)",
    ),
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
    name: nameSchema.describe('probe name, unique in the load balancer (Azure: probes[].name)'),
    protocol: z
      .enum(['Tcp', 'Http', 'Https', 'GuestAgent'])
      .describe(
        'Tcp: a completed handshake is up; Http(s): a 200 answer is up (Azure: probes[].properties.protocol); GuestAgent: Cloud Services (classic) roles, up while the role instance reports Ready (docs/mechanics.md §2.3)',
      ),
    port: portSchema
      .min(1, { error: nonZeroPort })
      .describe('port probed on each DIP, 1..65535 (Azure: probes[].properties.port)'),
    requestPath: z
      .string()
      .startsWith('/', { error: 'a requestPath starts with /' })
      .optional()
      .describe('Http(s) probes: the path requested (Azure: probes[].properties.requestPath)'),
    intervalInSeconds: z
      .number()
      .int()
      .min(5, { error: 'intervalInSeconds is at least 5 (Azure minimum)' })
      .max(2_147_483_647)
      .default(15)
      .describe(
        "seconds between probes, at least 5; default 15, ARM's default (the portal proposes 5), docs/mechanics.md §2.3 (Azure: probes[].properties.intervalInSeconds)",
      ),
    probeThreshold: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe(
        'consecutive failed probes that take a DIP out of rotation, and consecutive successful ones that put it back, for every protocol; default 1 (Azure: probes[].properties.probeThreshold)',
      ),
    numberOfProbes: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe(
        'legacy (retired for probeThreshold): the number of probes without an answer that stop traffic to a DIP, and of answers that bring it back (the 2016 SuccessFailCount); used only without probeThreshold (Azure: probes[].properties.numberOfProbes)',
      ),
    noHealthyBackendsBehavior: z
      .enum(['AllProbedDown', 'AllProbedUp'])
      .default('AllProbedDown')
      .describe(
        'when every DIP is probed down: AllProbedDown sends new flows nowhere, AllProbedUp sends them to all (docs/mechanics.md §2.3) (Azure: probes[].properties.noHealthyBackendsBehavior)',
      ),
  })
  .superRefine((probe, context) => {
    const http = probe.protocol === 'Http' || probe.protocol === 'Https';
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
      context.addIssue({
        code: 'custom',
        path: ['requestPath'],
        message: `a ${probe.protocol} probe has no requestPath`,
      });
    }
  });

/** A load-balancing rule (docs/mechanics.md §2.1, §2.4, §2.6, §2.9). */
export const ruleSchema = z
  .strictObject({
    name: nameSchema.describe('rule name, unique in the load balancer (Azure: loadBalancingRules[].name)'),
    frontend: nameSchema.describe(
      'name of the frontend the rule listens on (Azure: loadBalancingRules[].properties.frontendIPConfiguration)',
    ),
    backendPool: nameSchema.describe(
      'name of the backend pool it spreads flows over (Azure: loadBalancingRules[].properties.backendAddressPool)',
    ),
    probe: nameSchema
      .optional()
      .describe(
        'name of the health probe that decides which DIPs take new flows; all do without one (Azure: loadBalancingRules[].properties.probe)',
      ),
    protocol: z
      .enum(['Tcp', 'Udp', 'All'])
      .describe('Tcp, Udp, or All for an HA-ports rule (Azure: loadBalancingRules[].properties.protocol)'),
    frontendPort: portSchema.describe(
      'port on the frontend IP, 1..65535; 0 for HA ports (Azure: loadBalancingRules[].properties.frontendPort)',
    ),
    backendPort: portSchema.describe(
      'port on the DIP, 1..65535; 0 for HA ports (Azure: loadBalancingRules[].properties.backendPort)',
    ),
    loadDistribution: z
      .enum(['Default', 'SourceIPProtocol', 'SourceIP'])
      .default('Default')
      .describe(
        'hash of the 5-tuple (Default), 3-tuple (SourceIPProtocol) or 2-tuple (SourceIP) (Azure: loadBalancingRules[].properties.loadDistribution)',
      ),
    enableFloatingIP: z
      .boolean()
      .default(false)
      .describe(
        'DSR: the DIP gets the packet still addressed to the frontend IP (Azure: loadBalancingRules[].properties.enableFloatingIP)',
      ),
    idleTimeoutInMinutes: idleTimeoutInMinutesSchema(
      100,
      'load-balancing rules',
      'minutes, 4..100 (Azure today; its pages of 2016–2020 said 4..30, docs/mechanics.md §2.15): an idle flow is forgotten after this (Azure: loadBalancingRules[].properties.idleTimeoutInMinutes)',
    ),
    enableTcpReset: z
      .boolean()
      .default(false)
      .describe('at idle timeout send TCP RST to both ends (Azure: loadBalancingRules[].properties.enableTcpReset)'),
    disableOutboundSnat: z
      .boolean()
      .default(false)
      .describe(
        "public load balancers: don't give the pool default outbound SNAT through this rule's frontend (needed when an outbound rule covers the pool) (Azure: loadBalancingRules[].properties.disableOutboundSnat)",
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
  name: nameSchema.describe('rule name, unique in the load balancer (Azure: inboundNatRules[].name)'),
  frontend: nameSchema.describe(
    'name of the frontend the rule listens on (Azure: inboundNatRules[].properties.frontendIPConfiguration)',
  ),
  target: z
    .string()
    .describe('the VM (its primary NIC), or vm/nic (Azure: inboundNatRules[].properties.backendIPConfiguration)'),
  protocol: z.enum(['Tcp', 'Udp']).describe('Tcp or Udp (Azure: inboundNatRules[].properties.protocol)'),
  frontendPort: portSchema
    .min(1, { error: nonZeroPort })
    .describe('port on the frontend IP, 1..65535 (Azure: inboundNatRules[].properties.frontendPort)'),
  backendPort: portSchema
    .min(1, { error: nonZeroPort })
    .describe("port on the target's NIC, 1..65535 (Azure: inboundNatRules[].properties.backendPort)"),
  enableFloatingIP: z
    .boolean()
    .default(false)
    .describe(
      'DSR: the VM gets the packet still addressed to the frontend IP (Azure: inboundNatRules[].properties.enableFloatingIP)',
    ),
  idleTimeoutInMinutes: idleTimeoutInMinutesSchema(
    100,
    'inbound NAT rules',
    'minutes, 4..100 (Azure today; its pages of 2016–2020 said 4..30, docs/mechanics.md §2.15): an idle flow is forgotten after this (Azure: inboundNatRules[].properties.idleTimeoutInMinutes)',
  ),
  enableTcpReset: z
    .boolean()
    .default(false)
    .describe('at idle timeout send TCP RST to both ends (Azure: inboundNatRules[].properties.enableTcpReset)'),
});

/**
 * An outbound rule (docs/mechanics.md §2.8, [AZ-OUTRULES]): SNAT for every VM of a backend pool
 * through the rule's frontend IPs, for its protocols.
 */
export const outboundRuleSchema = z.strictObject({
  name: nameSchema.describe('rule name, unique in the load balancer (Azure: outboundRules[].name)'),
  frontends: z
    .array(nameSchema)
    .min(1, { error: 'an outbound rule needs at least one frontend' })
    .describe(
      'names of the frontends the pool leaves with, used one at a time in this order (Azure: outboundRules[].properties.frontendIPConfigurations)',
    ),
  backendPool: nameSchema.describe(
    'name of the backend pool whose VMs it SNATs (Azure: outboundRules[].properties.backendAddressPool)',
  ),
  protocol: z
    .enum(['Tcp', 'Udp', 'All'])
    .default('All')
    .describe('protocols it SNATs; All is TCP and UDP (Azure: outboundRules[].properties.protocol)'),
  allocatedOutboundPorts: z
    .number()
    .int()
    .min(0, { error: 'allocatedOutboundPorts is 0..64000' })
    .max(64000, { error: 'allocatedOutboundPorts is 0..64000' })
    .refine((ports) => ports % 8 === 0, {
      error: (issue) =>
        `allocatedOutboundPorts must be a multiple of 8 (ports are given in ranges of 8), got ${describeValue(issue.input)}`,
    })
    .optional()
    .describe(
      'SNAT ports per VM over all the frontends, a multiple of 8; 0 or absent: the default table by pool size (1024 for up to 50 VMs) (Azure: outboundRules[].properties.allocatedOutboundPorts)',
    ),
  idleTimeoutInMinutes: idleTimeoutInMinutesSchema(
    120,
    'outbound rules',
    'minutes, 4..120: an idle outbound flow releases its SNAT port after this (Azure: outboundRules[].properties.idleTimeoutInMinutes)',
  ),
  enableTcpReset: z
    .boolean()
    .default(false)
    .describe(
      'at idle timeout send TCP RST to both ends of an established flow (Azure: outboundRules[].properties.enableTcpReset)',
    ),
});

/** A load balancer. */
export const loadBalancerSchema = z.strictObject({
  name: nameSchema.describe('load balancer name, unique in the scenario'),
  type: z
    .enum(['public', 'internal'])
    .default('public')
    .describe('public: frontends are Internet addresses; internal: addresses of the virtual network'),
  sku: z
    .enum(['Standard', 'Basic'])
    .default('Standard')
    .describe(
      'Standard (default) or Basic (Azure: sku.name; ARM takes a load balancer without sku as Basic). Basic was retired on 30 September 2025; lbsim models what decides a run: Basic backends are open to inbound flows without an NSG, Standard ones closed until an NSG allows them; Basic has no outbound rules, HTTPS probes, HA-ports rules or TCP reset (validation rejects them) (docs/mechanics.md §2.12)',
    ),
  frontends: z
    .array(frontendSchema)
    .min(1, { error: 'a load balancer needs at least one frontend' })
    .describe('frontend IP configurations (Azure: properties.frontendIPConfigurations)'),
  backendPools: z
    .array(backendPoolSchema)
    .default([])
    .describe('backend address pools (Azure: properties.backendAddressPools)'),
  probes: z.array(probeSchema).default([]).describe('health probes (Azure: properties.probes)'),
  rules: z.array(ruleSchema).default([]).describe('load-balancing rules (Azure: properties.loadBalancingRules)'),
  inboundNatRules: z
    .array(inboundNatRuleSchema)
    .default([])
    .describe('inbound NAT rules (Azure: properties.inboundNatRules)'),
  outboundRules: z
    .array(outboundRuleSchema)
    .default([])
    .describe('outbound SNAT rules (Azure: properties.outboundRules)'),
});
