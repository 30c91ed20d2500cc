/**
 * `virtualNetwork`: address space and subnets, as in an Azure virtual network.
 */
import { z } from 'zod';
import { nameSchema, prefixSchema } from './primitives.ts';

/** A subnet. */
export const subnetSchema = z.strictObject({
  name: nameSchema,
  addressPrefix: prefixSchema,
  networkSecurityGroup: nameSchema.optional().describe('NSG associated with the subnet'),
});

/** The `virtualNetwork` section. */
export const virtualNetworkSchema = z.strictObject({
  name: nameSchema,
  addressSpace: z.array(prefixSchema).min(1),
  subnets: z.array(subnetSchema).default([]),
});
