/**
 * The firewall inside a guest VM (Windows Firewall, iptables/nftables), distinct from the NSGs
 * the Host Agent applies: rules by port and source for new inbound TCP connections
 * (docs/mechanics.md §2.14, §7.6).
 */
import * as z from 'zod';
import { ipAddressSchema, nameSchema, nonZeroPortSchema, prefixSchema } from './primitives.ts';

/** One rule of a guest firewall. */
export const guestFirewallRuleSchema = z.strictObject({
  name: nameSchema.describe('rule name, unique in the VM’s firewall'),
  action: z.enum(['Allow', 'Block']).describe('what the rule does with a new inbound TCP connection it matches'),
  port: nonZeroPortSchema.optional().describe('destination port the rule matches, 1..65535; every port when absent'),
  source: z
    .union([ipAddressSchema, prefixSchema])
    .optional()
    .describe(
      'source address or prefix the rule matches (168.63.129.16 is the health probes’); every source when absent',
    ),
});

/** A guest firewall. */
export const guestFirewallSchema = z
  .strictObject({
    rules: z
      .array(guestFirewallRuleSchema)
      .default([])
      .describe(
        'rules in order: the first that matches decides, as in iptables (Windows Firewall lets blocks win: list them first)',
      ),
    defaultAction: z
      .enum(['Allow', 'Block'])
      .default('Allow')
      .describe('what happens to a new inbound TCP connection no rule matches (iptables INPUT policy); default Allow'),
  })
  .superRefine((firewall, context) => {
    const seen = new Set<string>();
    firewall.rules.forEach((rule, index) => {
      if (seen.has(rule.name)) {
        context.addIssue({
          code: 'custom',
          path: ['rules', index, 'name'],
          message: `the firewall already has a rule named ${rule.name}`,
        });
      }
      seen.add(rule.name);
    });
  });
