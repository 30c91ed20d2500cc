/**
 * `networkSecurityGroups`: Azure network security groups in Azure's own vocabulary
 * (docs/mechanics.md §7.6, [AZ-NSG]): `securityRules` with `priority`, `direction`, `access`,
 * `protocol`, `sourceAddressPrefix(es)`, `sourcePortRange(s)`, `destinationAddressPrefix(es)`,
 * `destinationPortRange(s)`. A group is associated with subnets
 * (`virtualNetwork.subnets[].networkSecurityGroup`) and NICs (`nics[].networkSecurityGroup`).
 *
 * Omitted address prefixes and port ranges mean `*` (lbsim's convenience; the portal's
 * defaults are the same).
 */
import { parseIpv4Prefix } from '@lbsim/core';
import * as z from 'zod';
import { describeValue } from './issue-messages.ts';
import { nameSchema } from './primitives.ts';

/** Service tags an address prefix may name (see host-agent `address-space.ts`). */
export const nsgServiceTags = ['VirtualNetwork', 'AzureLoadBalancer', 'Internet'] as const;

/** Whether `text` is `*`, a service tag, an IPv4 address or an IPv4 prefix without host bits. */
function isAddressPrefix(text: string): boolean {
  return text === '*' || (nsgServiceTags as readonly string[]).includes(text) || parseIpv4Prefix(text) !== undefined;
}

/** An address prefix: `*`, a service tag, an address or a CIDR prefix. */
export const nsgAddressPrefixSchema = z.string().refine(isAddressPrefix, {
  error: (issue) =>
    `expected *, a service tag (${nsgServiceTags.join(', ')}), an IPv4 address or a prefix such as 10.0.0.0/24 (no host bits set), got ${describeValue(issue.input)}`,
});

/** Parses a port range as Azure writes it: `*`, `80`, `1000-2000`; `undefined` if invalid. */
export function parsePortRange(value: string | number): { first: number; last: number } | undefined {
  if (value === '*') return { first: 0, last: 65535 };
  const text = String(value);
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (match === null) return undefined;
  const first = Number(match[1]);
  const last = match[2] === undefined ? first : Number(match[2]);
  if (first > 65535 || last > 65535 || first > last) return undefined;
  return { first, last };
}

/** A port range: `*`, a port (`80` or `'80'`), or `first-last`. */
export const nsgPortRangeSchema = z
  .union([z.string(), z.number().int().min(0).max(65535)])
  .refine((value) => parsePortRange(value) !== undefined, {
    error: (issue) => `expected *, a port 0..65535 or a range such as 1000-2000, got ${describeValue(issue.input)}`,
  });

const ruleShape = {
  name: nameSchema.describe('rule name, unique in the NSG (Azure: securityRules[].name)'),
  description: z.string().optional().describe('free text (Azure: securityRules[].properties.description)'),
  priority: z
    .number()
    .int({ error: 'an NSG rule priority is a whole number 100..4096' })
    .min(100, { error: 'an NSG rule priority is 100..4096 (lower numbers are processed first)' })
    .max(4096, { error: 'an NSG rule priority is 100..4096 (lower numbers are processed first)' })
    .describe('100..4096; lower numbers are processed first (Azure: securityRules[].properties.priority)'),
  direction: z
    .enum(['Inbound', 'Outbound'])
    .describe('traffic the rule applies to (Azure: securityRules[].properties.direction)'),
  access: z.enum(['Allow', 'Deny']).describe('what a match does (Azure: securityRules[].properties.access)'),
  protocol: z
    .enum(['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah', '*'])
    .describe('protocol matched; * is any (Azure: securityRules[].properties.protocol)'),
  sourceAddressPrefix: nsgAddressPrefixSchema
    .optional()
    .describe(
      '*, a service tag, an address or a prefix; * when absent (Azure: securityRules[].properties.sourceAddressPrefix)',
    ),
  sourceAddressPrefixes: z
    .array(nsgAddressPrefixSchema)
    .min(1)
    .optional()
    .describe(
      'several source prefixes, instead of sourceAddressPrefix (Azure: securityRules[].properties.sourceAddressPrefixes)',
    ),
  sourcePortRange: nsgPortRangeSchema
    .optional()
    .describe('*, a port or first-last; * when absent (Azure: securityRules[].properties.sourcePortRange)'),
  sourcePortRanges: z
    .array(nsgPortRangeSchema)
    .min(1)
    .optional()
    .describe(
      'several source port ranges, instead of sourcePortRange (Azure: securityRules[].properties.sourcePortRanges)',
    ),
  destinationAddressPrefix: nsgAddressPrefixSchema
    .optional()
    .describe(
      '*, a service tag, an address or a prefix; * when absent (Azure: securityRules[].properties.destinationAddressPrefix)',
    ),
  destinationAddressPrefixes: z
    .array(nsgAddressPrefixSchema)
    .min(1)
    .optional()
    .describe(
      'several destination prefixes, instead of destinationAddressPrefix (Azure: securityRules[].properties.destinationAddressPrefixes)',
    ),
  destinationPortRange: nsgPortRangeSchema
    .optional()
    .describe('*, a port or first-last; * when absent (Azure: securityRules[].properties.destinationPortRange)'),
  destinationPortRanges: z
    .array(nsgPortRangeSchema)
    .min(1)
    .optional()
    .describe(
      'several destination port ranges, instead of destinationPortRange (Azure: securityRules[].properties.destinationPortRanges)',
    ),
};

const pairs = [
  ['sourceAddressPrefix', 'sourceAddressPrefixes'],
  ['sourcePortRange', 'sourcePortRanges'],
  ['destinationAddressPrefix', 'destinationAddressPrefixes'],
  ['destinationPortRange', 'destinationPortRanges'],
] as const;

/** A security rule. Give each of the four matches in the singular or the plural form, not both. */
export const securityRuleSchema = z.strictObject(ruleShape).superRefine((rule, context) => {
  for (const [single, plural] of pairs) {
    if (rule[single] !== undefined && rule[plural] !== undefined) {
      context.addIssue({ code: 'custom', path: [plural], message: `give ${single} or ${plural}, not both` });
    }
  }
});

/** A security rule after validation. */
export type SecurityRuleInput = z.output<typeof securityRuleSchema>;

/** A network security group. */
export const networkSecurityGroupSchema = z.strictObject({
  name: nameSchema.describe('NSG name, unique in the scenario; subnets and NICs name it'),
  securityRules: z
    .array(securityRuleSchema)
    .default([])
    .describe("the group's rules, besides Azure's default rules (Azure: properties.securityRules)"),
});
