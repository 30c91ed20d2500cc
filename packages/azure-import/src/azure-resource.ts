/**
 * The one shape every source is read into: an Azure resource as ARM writes it (type, name,
 * properties, sku), its values already evaluated, and where it came from in the input so
 * anything lbsim does not map can be pointed at. az CLI output (properties flattened) and
 * Terraform state are turned into this shape by their readers.
 */
import type { TemplateValue } from './arm-functions.ts';

/** A resource, values evaluated (some may be unevaluable). */
export interface AzureResource {
  /** `Microsoft.Network/loadBalancers`, child types joined: `Microsoft.Network/virtualNetworks/subnets`. */
  readonly type: string;
  /** Its names: one for a top-level resource, parent names first for a child. */
  readonly names: readonly string[];
  /** The whole resource object (name, properties, sku, …), evaluated. */
  readonly body: { readonly [key: string]: TemplateValue };
  /** JSON path of the resource in the input, e.g. `resources[4]` or `resources[4] (copy 1)`. */
  readonly path: string;
  /** Read from az CLI output, whose `properties` are flattened into the object: paths omit them. */
  readonly flattened?: boolean;
}

/** The last name of a resource: the child's own name. */
export function ownName(resource: AzureResource): string {
  return resource.names[resource.names.length - 1] ?? '';
}

/** Where a warning or an unmapped property points: JSON path and why. */
export interface ImportNote {
  /** JSON path in the input: `resources[4].properties.probes[0].properties.probeThreshold`. */
  readonly path: string;
  readonly message: string;
}
