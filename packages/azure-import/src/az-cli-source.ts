/**
 * Reading the JSON `az` prints (`az network lb show`, `az network nic list`, `az network nsg
 * show`, `az network vnet show`, `az vm show`, one object or an array): az flattens each
 * resource's `properties` (and its sub-resources') into the object itself, so they are put back
 * under `properties` here, and paths in notes leave them out again.
 */
import type { TemplateValue } from './arm-functions.ts';
import type { AzureResource } from './azure-resource.ts';
import { parseResourceId } from './azure-resource-id.ts';

/** Keys that stay at the top of a resource rather than under `properties`. */
const topKeys = new Set([
  'name',
  'id',
  'etag',
  'type',
  'location',
  'tags',
  'sku',
  'zones',
  'resourcegroup',
  'extendedlocation',
  'properties',
]);

/** Whether `value` looks like one resource as az prints it. */
export function isAzResource(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const object = value as Record<string, unknown>;
  return typeof object['type'] === 'string' && object['type'].includes('/') && typeof object['name'] === 'string';
}

function wrap(object: Record<string, unknown>, depth: number): Record<string, TemplateValue> {
  if ('properties' in object) return object as Record<string, TemplateValue>;
  const top: Record<string, TemplateValue> = {};
  const properties: Record<string, TemplateValue> = {};
  for (const [key, value] of Object.entries(object)) {
    if (topKeys.has(key.toLowerCase())) top[key] = value as TemplateValue;
    else if (depth < 1 && Array.isArray(value)) {
      properties[key] = value.map((item) =>
        typeof item === 'object' &&
        item !== null &&
        !Array.isArray(item) &&
        typeof (item as Record<string, unknown>)['name'] === 'string'
          ? wrap(item as Record<string, unknown>, depth + 1)
          : (item as TemplateValue),
      );
    } else properties[key] = value as TemplateValue;
  }
  return { ...top, properties };
}

/** The resources of one az JSON document (an object or an array of them); `file` names them in paths. */
export function readAzResources(document: unknown, file: string): AzureResource[] {
  const items = Array.isArray(document)
    ? document.map((item, i) => [`${file}[${i}]`, item] as const)
    : [[file, document] as const];
  return items
    .filter(([, item]) => isAzResource(item))
    .map(([path, item]) => {
      const object = item as Record<string, unknown>;
      const id = typeof object['id'] === 'string' ? parseResourceId(object['id']) : undefined;
      const type = id?.type ?? String(object['type']);
      const names = id?.names ?? [String(object['name'])];
      return { type, names, body: wrap(object, 0), path, flattened: !('properties' in object) };
    });
}
