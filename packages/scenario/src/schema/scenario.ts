/**
 * The scenario file: one YAML document. This schema is the single source of truth for the
 * format; `lbsim schema` exports it as JSON Schema for editors, and docs/scenario-format.md
 * describes it for people.
 */
import { z } from 'zod';
import { eventSchema } from './event.ts';
import { expectationSchema } from './expectation.ts';
import { clientSchema, hostSchema } from './host.ts';
import { loadBalancerSchema } from './load-balancer.ts';
import { networkSchema } from './network.ts';
import { networkSecurityGroupSchema } from './network-security-group.ts';
import { durationSchema, nameSchema } from './primitives.ts';
import { trafficSchema } from './traffic.ts';
import { virtualNetworkSchema } from './virtual-network.ts';

/** The whole scenario. */
export const scenarioSchema = z.strictObject({
  $schema: z.string().optional().describe('JSON Schema reference for editors; ignored'),
  name: nameSchema,
  description: z.string().default(''),
  seed: z.number().int().min(0).max(0xffffffff).default(1).describe('root seed of every random stream'),
  duration: durationSchema.prefault('60s').describe('virtual time the run lasts'),
  eventBudget: z.number().int().min(1).max(1_000_000_000).optional().describe('most events a run may process'),
  network: networkSchema.prefault({}),
  virtualNetwork: virtualNetworkSchema.optional(),
  networkSecurityGroups: z.array(networkSecurityGroupSchema).default([]),
  hosts: z.array(hostSchema).min(1, { error: 'a scenario needs at least one host' }),
  clients: z.array(clientSchema).default([]),
  loadBalancers: z.array(loadBalancerSchema).default([]),
  traffic: z.array(trafficSchema).default([]),
  events: z.array(eventSchema).default([]),
  expect: z.array(expectationSchema).default([]),
});

/** A scenario after validation, with every default filled in and durations in ns. */
export type Scenario = z.output<typeof scenarioSchema>;
/** A scenario as written (durations as text, defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;
