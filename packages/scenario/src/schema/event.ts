/**
 * `events`: changes at virtual times.
 */
import * as z from 'zod';
import { securityRuleSchema } from './network-security-group.ts';
import { durationSchema, ipAddressSchema, nameSchema, nonZeroPortSchema } from './primitives.ts';

/** When an event happens: virtual time from the start of the run. */
const atSchema = durationSchema.describe('virtual time of the event, from the start of the run (30s, 1.5s, 250ms)');

/** The `action` key of one kind of event. */
function actionSchema<Action extends string>(action: Action) {
  return z.literal(action).describe('what happens (one of the event kinds below)');
}

const listenerEvent = {
  at: atSchema,
  vm: nameSchema.describe('the VM whose listener it is'),
  port: nonZeroPortSchema.describe('port of a listener declared on the VM'),
  protocol: z.enum(['Tcp', 'Udp']).default('Tcp').describe('transport of the listener'),
  address: ipAddressSchema.optional().describe('the listener bound to this address, when there are several'),
};

const backendEvent = {
  at: atSchema,
  loadBalancer: nameSchema.describe('name of the load balancer'),
  backendPool: nameSchema.describe('name of one of its backend pools'),
  member: z.string().describe('the member: a VM name (its primary NIC), or vm/nic'),
};

const muxEvent = {
  at: atSchema,
  mux: nameSchema.describe('mux-1, mux-2, …'),
};

/** An event. */
export const eventSchema = z.discriminatedUnion('action', [
  z
    .strictObject({ action: actionSchema('stop-listener'), ...listenerEvent })
    .describe('the app stops listening; established connections go on'),
  z
    .strictObject({ action: actionSchema('start-listener'), ...listenerEvent })
    .describe('a listener declared on the VM starts again'),
  z
    .strictObject({
      action: actionSchema('add-backend'),
      ...backendEvent,
      weight: z
        .number()
        .int()
        .min(0)
        .max(1000)
        .default(1)
        .describe('relative share of new flows, 0..1000; 0 drains the member'),
    })
    .describe('a member joins a backend pool; the manager pushes the new DIP list'),
  z
    .strictObject({ action: actionSchema('remove-backend'), ...backendEvent })
    .describe('a member leaves a backend pool; flows the Muxes remember still reach it'),
  z
    .strictObject({ action: actionSchema('drain-backend'), ...backendEvent })
    .describe('weight 0: no new flows to the member; established flows go on'),
  z
    .strictObject({
      action: actionSchema('set-backend-weight'),
      ...backendEvent,
      weight: z.number().int().min(0).max(1000).describe('relative share of new flows, 0..1000; 0 drains the member'),
    })
    .describe("change a member's share of new flows"),
  z
    .strictObject({
      action: actionSchema('set-admin-state'),
      ...backendEvent,
      adminState: z
        .enum(['None', 'Up', 'Down'])
        .describe('None follows the health probe; Up takes new flows; Down takes none (docs/mechanics.md §2.3)'),
    })
    .describe("override a member's health probe: Up takes new flows, Down takes none, None follows the probe"),
  z
    .strictObject({ action: actionSchema('fail-mux'), ...muxEvent })
    .describe('the Mux dies; the router keeps sending it traffic until the BGP hold timer expires'),
  z
    .strictObject({ action: actionSchema('restore-mux'), ...muxEvent })
    .describe('the Mux restarts with an empty flow table and announces once it has the VIP map'),
  z.strictObject({ action: actionSchema('add-mux'), at: atSchema }).describe('a new Mux joins the pool'),
  z
    .strictObject({ action: actionSchema('stop-vm'), at: atSchema, vm: nameSchema.describe('the VM to stop') })
    .describe('the VM stops: its connections and sockets are gone, every packet for it is dropped'),
  z
    .strictObject({ action: actionSchema('start-vm'), at: atSchema, vm: nameSchema.describe('the VM to start') })
    .describe('a stopped VM boots: its declared listeners start'),
  z
    .strictObject({
      action: actionSchema('set-role-state'),
      at: atSchema,
      vm: nameSchema.describe('the VM of the role instance'),
      state: z
        .enum(['Ready', 'Busy', 'Recycling', 'Stopping'])
        .describe('the state its guest agent reports from now on; only Ready passes a GuestAgent probe'),
    })
    .describe(
      'a Cloud Services (classic) role instance reports another state, e.g. Busy from its StatusCheck handler above a CPU threshold',
    ),
  z
    .strictObject({
      action: actionSchema('set-security-rule'),
      at: atSchema,
      networkSecurityGroup: nameSchema.describe('name of the NSG to change'),
      rule: securityRuleSchema.describe('the rule, as in networkSecurityGroups[].securityRules'),
    })
    .describe('adds a rule to an NSG, or replaces the rule of the same name; established flows are not affected'),
  z
    .strictObject({
      action: actionSchema('delete-security-rule'),
      at: atSchema,
      networkSecurityGroup: nameSchema.describe('name of the NSG to change'),
      name: nameSchema.describe('name of the rule to remove'),
    })
    .describe('removes a rule from an NSG; established flows are not affected'),
]);
