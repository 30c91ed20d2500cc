/**
 * `events`: changes at virtual times.
 */
import { z } from 'zod';
import { securityRuleSchema } from './network-security-group.ts';
import { durationSchema, ipAddressSchema, nameSchema, nonZeroPortSchema } from './primitives.ts';

const listenerEvent = {
  at: durationSchema,
  vm: nameSchema,
  port: nonZeroPortSchema,
  protocol: z.enum(['Tcp', 'Udp']).default('Tcp'),
  address: ipAddressSchema.optional().describe('the listener bound to this address, when there are several'),
};

const backendEvent = {
  at: durationSchema,
  loadBalancer: nameSchema,
  backendPool: nameSchema,
  member: z.string().describe('VM name, or vm/nic'),
};

const muxEvent = {
  at: durationSchema,
  mux: nameSchema.describe('mux-1, mux-2, …'),
};

/** An event. */
export const eventSchema = z.discriminatedUnion('action', [
  z
    .strictObject({ action: z.literal('stop-listener'), ...listenerEvent })
    .describe('the app stops listening; established connections go on'),
  z
    .strictObject({ action: z.literal('start-listener'), ...listenerEvent })
    .describe('a listener declared on the VM starts again'),
  z
    .strictObject({
      action: z.literal('add-backend'),
      ...backendEvent,
      weight: z.number().int().min(0).max(1000).default(1),
    })
    .describe('a member joins a backend pool; the manager pushes the new DIP list'),
  z
    .strictObject({ action: z.literal('remove-backend'), ...backendEvent })
    .describe('a member leaves a backend pool; flows the Muxes remember still reach it'),
  z
    .strictObject({ action: z.literal('drain-backend'), ...backendEvent })
    .describe('weight 0: no new flows to the member; established flows go on'),
  z
    .strictObject({
      action: z.literal('set-backend-weight'),
      ...backendEvent,
      weight: z.number().int().min(0).max(1000),
    })
    .describe("change a member's share of new flows"),
  z
    .strictObject({
      action: z.literal('set-admin-state'),
      ...backendEvent,
      adminState: z.enum(['None', 'Up', 'Down']),
    })
    .describe("override a member's health probe: Up takes new flows, Down takes none, None follows the probe"),
  z
    .strictObject({ action: z.literal('fail-mux'), ...muxEvent })
    .describe('the Mux dies; the router keeps sending it traffic until the BGP hold timer expires'),
  z
    .strictObject({ action: z.literal('restore-mux'), ...muxEvent })
    .describe('the Mux restarts with an empty flow table and announces once it has the VIP map'),
  z.strictObject({ action: z.literal('add-mux'), at: durationSchema }).describe('a new Mux joins the pool'),
  z
    .strictObject({ action: z.literal('stop-vm'), at: durationSchema, vm: nameSchema })
    .describe('the VM stops: its connections and sockets are gone, every packet for it is dropped'),
  z
    .strictObject({ action: z.literal('start-vm'), at: durationSchema, vm: nameSchema })
    .describe('a stopped VM boots: its declared listeners start'),
  z
    .strictObject({
      action: z.literal('set-security-rule'),
      at: durationSchema,
      networkSecurityGroup: nameSchema,
      rule: securityRuleSchema,
    })
    .describe('adds a rule to an NSG, or replaces the rule of the same name; established flows are not affected'),
  z
    .strictObject({
      action: z.literal('delete-security-rule'),
      at: durationSchema,
      networkSecurityGroup: nameSchema,
      name: nameSchema,
    })
    .describe('removes a rule from an NSG; established flows are not affected'),
]);
