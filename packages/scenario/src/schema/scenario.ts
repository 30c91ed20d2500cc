/**
 * The scenario file: one YAML document. This schema is the single source of truth for the
 * format; `lbsim schema` exports it as JSON Schema for editors, and docs/scenario-format.md
 * describes it for people.
 *
 * The folder schema/ takes base/ and gives the format: the zod schema and its types, its
 * messages (issue-messages.ts), the keys allowed at a path (schema-keys.ts) and the JSON Schema
 * (json-schema.ts). Every stage after it reads scenarios through these types.
 */
import * as z from 'zod';
import { eventSchema } from './event.ts';
import { expectationSchema } from './expectation.ts';
import { clientSchema, hostSchema, vmSchema } from './host.ts';
import { loadBalancerSchema } from './load-balancer.ts';
import { networkSchema } from './network.ts';
import { networkSecurityGroupSchema } from './network-security-group.ts';
import { durationSchema, nameSchema } from './primitives.ts';
import { trafficSchema } from './traffic.ts';
import { virtualNetworkSchema } from './virtual-network.ts';

/** The whole scenario. */
export const scenarioSchema = z.strictObject({
  $schema: z.string().optional().describe('JSON Schema reference for editors; ignored'),
  name: nameSchema.describe('scenario name, shown in reports'),
  description: z.string().default('').describe('what the scenario shows, in prose; printed by lbsim list'),
  seed: z.number().int().min(0).max(0xffffffff).default(1).describe('root seed of every random stream'),
  duration: durationSchema.prefault('60s').describe('virtual time the run lasts'),
  eventBudget: z
    .number()
    .int()
    .min(1)
    .max(1_000_000_000)
    .optional()
    .describe('most simulation events a run may process (a bound on runaway scenarios)'),
  network: networkSchema
    .prefault({})
    .describe(
      'the datacenter: Mux pool, links, latencies, flow hash, SNAT allocation; every key but mtu is a platform behaviour (x-lbsim-platform), not something an Azure customer can set',
    ),
  virtualNetwork: virtualNetworkSchema
    .optional()
    .describe(
      'the Azure virtual network the VMs are in; without it, one is implied holding exactly the NIC and internal frontend addresses',
    ),
  networkSecurityGroups: z
    .array(networkSecurityGroupSchema)
    .default([])
    .describe('Azure network security groups (Microsoft.Network/networkSecurityGroups)'),
  hosts: z
    .array(hostSchema)
    .default([])
    .describe('physical hosts, each with a Host Agent and its VMs; a scenario needs hosts, vms or both'),
  vms: z
    .array(vmSchema)
    .default([])
    .describe(
      'VMs without a host to name: each gets a physical host of its own, host-<vm> (Azure users never see hosts); beside or instead of hosts',
    ),
  clients: z
    .array(clientSchema)
    .default([])
    .describe('hosts on the Internet: sources of traffic, and servers VMs reach through SNAT'),
  loadBalancers: z
    .array(loadBalancerSchema)
    .default([])
    .describe('Azure load balancers (Microsoft.Network/loadBalancers)'),
  traffic: z.array(trafficSchema).default([]).describe('connections to open during the run'),
  events: z.array(eventSchema).default([]).describe('changes at virtual times: failures, pool changes, NSG edits'),
  expect: z
    .array(expectationSchema)
    .default([])
    .describe('what the run must show; lbsim run and lbsim test exit 1 when one is not met'),
});

/** A scenario after validation, with every default filled in and durations in ns. */
export type Scenario = z.output<typeof scenarioSchema>;
/** A scenario as written (durations as text, defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
