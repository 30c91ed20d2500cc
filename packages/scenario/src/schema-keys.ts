/**
 * The keys the schema allows at a place in the document, to suggest the one a misspelt key
 * meant. Walks zod's definitions: objects, arrays, optional/default wrappers, pipes, unions.
 */
import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import type { DocumentPath } from './diagnostic.ts';

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
