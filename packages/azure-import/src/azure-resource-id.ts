/**
 * Azure resource IDs (https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-resource#resourceid):
 * `/subscriptions/{sub}/resourceGroups/{rg}/providers/{namespace}/{type}/{name}[/{childType}/{childName}…]`.
 * lbsim matches references by type and names, case-insensitively as Azure does, so IDs made by
 * `resourceId()`, printed by `az` or stored by Terraform all name the same resource.
 */

/** The placeholder subscription id used where a template asks for one (no real subscription is involved). */
export const placeholderSubscriptionId = '00000000-0000-0000-0000-000000000000';
/** The placeholder resource group name. */
export const placeholderResourceGroup = 'lbsim-import';
/** The placeholder location. */
export const placeholderLocation = 'placeholder-location';

/** A resource type and its names: `Microsoft.Network/loadBalancers/probes` with `[lb, probe]`. */
export interface ResourceName {
  readonly type: string;
  readonly names: readonly string[];
}

/** Builds the ID of a resource of `type` (e.g. `Microsoft.Network/virtualNetworks/subnets`) with `names`. */
export function formatResourceId(
  type: string,
  names: readonly string[],
  subscriptionId = placeholderSubscriptionId,
  resourceGroup = placeholderResourceGroup,
): string {
  const [namespace, ...types] = type.replace(/^\/+|\/+$/g, '').split('/');
  const segments = types.flatMap((part, i) => [part, names[i] ?? '']);
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${namespace}/${segments.join('/')}`;
}

/** The type and names an ID stands for, or `undefined` when it has no `providers` part. */
export function parseResourceId(id: string): ResourceName | undefined {
  const parts = id.split('/').filter((part) => part !== '');
  const providers = parts.findIndex((part) => part.toLowerCase() === 'providers');
  if (providers === -1) return undefined;
  const [namespace, ...rest] = parts.slice(providers + 1);
  if (namespace === undefined || rest.length < 2) return undefined;
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 0; i + 1 < rest.length; i += 2) {
    types.push(rest[i] as string);
    names.push(rest[i + 1] as string);
  }
  return { type: [namespace, ...types].join('/'), names };
}

/** A case-insensitive key for a resource type and names, for lookups. */
export function resourceKey(name: ResourceName): string {
  return `${name.type.toLowerCase()}|${name.names.map((part) => part.toLowerCase()).join('/')}`;
}
