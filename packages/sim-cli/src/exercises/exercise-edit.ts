/**
 * A wrong fix applied to an exercise's start file, keeping its comments and layout: what the
 * tests check the check against, and what `lbsim exercise start --with <wrong-fix>` writes so an
 * instructor can show what the check says of it.
 */
import { parseDocument } from 'yaml';
import type { Edit } from './exercise-definition.ts';

/** `loadBalancers.0.probes.0.port` → `['loadBalancers', 0, 'probes', 0, 'port']`. */
function keysOf(path: string): (string | number)[] {
  return path.split('.').map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

/** The YAML text of `text` with `edit` applied: each `set` places a value, each `append` adds one to a list. */
export function applyEdit(text: string, edit: Edit): string {
  const document = parseDocument(text);
  for (const [path, value] of Object.entries(edit.set ?? {})) document.setIn(keysOf(path), value);
  for (const [path, value] of Object.entries(edit.append ?? {})) document.addIn(keysOf(path), value);
  return document.toString();
}
