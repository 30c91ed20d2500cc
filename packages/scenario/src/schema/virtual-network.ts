/**
 * `virtualNetwork`: address space and subnets, as in an Azure virtual network.
 */
import * as z from 'zod';
import { nameSchema, prefixSchema } from './primitives.ts';

/** A subnet. */
export const subnetSchema = z.strictObject({
  name: nameSchema.describe('subnet name, unique in the virtual network (Azure: subnets[].name)'),
  addressPrefix: prefixSchema.describe(
    "the subnet's IPv4 prefix, inside the address space and overlapping no other subnet; Azure reserves its first four addresses and its last (Azure: subnets[].properties.addressPrefix)",
  ),
  networkSecurityGroup: nameSchema
    .optional()
    .describe('name of the NSG associated with the subnet (Azure: subnets[].properties.networkSecurityGroup)'),
});

/** The `virtualNetwork` section. */
export const virtualNetworkSchema = z.strictObject({
  name: nameSchema.describe('virtual network name (Azure: the virtualNetworks resource name)'),
  addressSpace: z
    .array(prefixSchema)
    .min(1)
    .describe('IPv4 prefixes of the virtual network (Azure: properties.addressSpace.addressPrefixes)'),
  subnets: z
    .array(subnetSchema)
    .default([])
    .describe('subnets carved from the address space (Azure: properties.subnets)'),
});
