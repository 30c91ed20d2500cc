/**
 * The keys the schema allows at a place in the document, to suggest the one a misspelt key
 * meant. Walks zod's definitions: objects, arrays, optional/default wrappers, pipes, unions.
 */
import { closest, distance } from 'fastest-levenshtein';
import type * as z from 'zod';
import type { DocumentPath } from '../base/diagnostic.ts';

interface Definition {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly element?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly options?: readonly z.ZodType[];
}

function definitionOf(schema: z.ZodType): Definition {
  return (schema as unknown as { _zod: { def: Definition } })._zod.def;
}

/** The object schemas a value at `path` may match (several under a union). */
function objectSchemasAt(schema: z.ZodType, path: DocumentPath): Definition[] {
  const def = definitionOf(schema);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nullable':
    case 'readonly':
      return def.innerType === undefined ? [] : objectSchemasAt(def.innerType, path);
    case 'pipe':
      return def.in === undefined ? [] : objectSchemasAt(def.in, path);
    case 'union':
      return (def.options ?? []).flatMap((option) => objectSchemasAt(option, path));
    case 'array': {
      const [head, ...rest] = path;
      if (head === undefined) return [];
      return typeof head === 'number' && def.element !== undefined ? objectSchemasAt(def.element, rest) : [];
    }
    case 'object': {
      const [head, ...rest] = path;
      if (head === undefined) return [def];
      const child = typeof head === 'string' ? def.shape?.[head] : undefined;
      return child === undefined ? [] : objectSchemasAt(child, rest);
    }
    default:
      return [];
  }
}

/** Every key allowed for the object at `path`. */
export function allowedKeysAt(schema: z.ZodType, path: DocumentPath): string[] {
  const keys = new Set<string>();
  for (const def of objectSchemasAt(schema, path)) for (const key of Object.keys(def.shape ?? {})) keys.add(key);
  return [...keys];
}

/**
 * The allowed key closest to `key`, when it is close enough to be a misspelling: at most a
 * third of the key's length in edits (at least 2, so a transposition counts), or the same key
 * in another case.
 */
export function suggestKey(key: string, allowed: readonly string[]): string | undefined {
  if (allowed.length === 0) return undefined;
  const sameCase = allowed.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
  if (sameCase !== undefined) return sameCase;
  const best = closest(key, [...allowed]);
  return distance(key, best) <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/**
 * Azure's ARM/REST property names (Microsoft.Network loadBalancers, virtualNetworks,
 * networkInterfaces, networkSecurityGroups) that lbsim spells otherwise, with lbsim's keys for
 * them: a template pasted into a scenario gets told the key to use. Properties lbsim spells as
 * Azure does (`probes`, `inboundNatRules`, `outboundRules`, `securityRules`, …) need no entry.
 */
export const azurePropertyKeys: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries({
    frontendIPConfigurations: ['frontends'],
    frontendIPConfiguration: ['frontend', 'frontends'],
    backendAddressPools: ['backendPools'],
    backendAddressPool: ['backendPool'],
    loadBalancingRules: ['rules'],
    backendIPConfiguration: ['target'],
    backendAddresses: ['members'],
    loadBalancerBackendAddresses: ['members'],
    privateIPAddress: ['ip'],
    publicIPAddress: ['ip'],
    ipConfigurations: ['nics'],
    networkInterfaces: ['nics'],
    addressPrefixes: ['addressSpace'],
    virtualNetworks: ['virtualNetwork'],
  }),
);

/** The lbsim key for an Azure property name at a place whose keys are `allowed`, if there is one. */
export function azurePropertyKey(key: string, allowed: readonly string[]): string | undefined {
  // A Map, not an object: a key such as `toString` or `__proto__` from the file must find nothing.
  return azurePropertyKeys.get(key)?.find((candidate) => allowed.includes(candidate) && candidate !== key);
}

/**
 * The hint after `unknown key "…"`: lbsim's name for an Azure property, a close spelling, or
 * the keys allowed here; '' when the place has no keys to offer.
 */
export function unknownKeyHint(key: string, allowed: readonly string[]): string {
  const azure = azurePropertyKey(key, allowed);
  if (azure !== undefined) return ` (lbsim's key for Azure's ${key} is "${azure}")`;
  if (key === 'properties') return ' (lbsim has no ARM "properties" wrapper: give its keys here directly)';
  const suggestion = suggestKey(key, allowed);
  if (suggestion !== undefined) return ` (did you mean "${suggestion}"?)`;
  const listed = allowed.filter((candidate) => candidate !== '$schema');
  return listed.length > 0 ? ` (allowed here: ${listed.join(', ')})` : '';
}
