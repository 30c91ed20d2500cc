/**
 * What the scenario's JSON Schema (schema/scenario.schema.json, `lbsim schema`) allows at a
 * path: the keys a mapping there may have, with their descriptions, and the values a key may
 * take. The exported schema has no `$ref`; alternatives (`anyOf`, `oneOf`: the event
 * actions, a value or a list) are merged, since the text being typed has not chosen yet.
 */
import type { YamlStep } from './yaml-path.ts';

/** The parts of a JSON Schema node read here. */
export interface SchemaNode {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
  readonly anyOf?: readonly SchemaNode[];
  readonly oneOf?: readonly SchemaNode[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly default?: unknown;
}

/** A key a mapping may have. */
export interface KeyChoice {
  readonly key: string;
  readonly description: string | undefined;
}

/** The node and its alternatives, flattened. */
function alternativesOf(node: SchemaNode): SchemaNode[] {
  const nested = [...(node.anyOf ?? []), ...(node.oneOf ?? [])];
  return nested.length === 0 ? [node] : [node, ...nested.flatMap(alternativesOf)];
}

/** The schema nodes at `path` (several when alternatives allow it). */
export function schemaNodesAt(root: SchemaNode, path: readonly YamlStep[]): SchemaNode[] {
  let nodes = alternativesOf(root);
  for (const step of path) {
    nodes = nodes.flatMap((node) => {
      const next = 'key' in step ? node.properties?.[step.key] : node.items;
      return next === undefined ? [] : alternativesOf(next);
    });
  }
  return nodes;
}

/** The keys a mapping at `path` may have, each once, in the schema's order. */
export function keysAt(root: SchemaNode, path: readonly YamlStep[]): KeyChoice[] {
  const seen = new Map<string, KeyChoice>();
  for (const node of schemaNodesAt(root, path)) {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (!seen.has(key)) seen.set(key, { key, description: child.description });
    }
  }
  return [...seen.values()];
}

/** The values `key` at `path` may take when the schema lists them (enums, constants, booleans). */
export function valuesAt(root: SchemaNode, path: readonly YamlStep[], key: string): string[] {
  const values = new Set<string>();
  for (const node of schemaNodesAt(root, [...path, { key }])) {
    for (const value of node.enum ?? []) values.add(String(value));
    if (node.const !== undefined) values.add(String(node.const));
    if (node.type === 'boolean') for (const value of ['true', 'false']) values.add(value);
  }
  return [...values];
}
