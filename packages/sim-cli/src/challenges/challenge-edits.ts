/**
 * Applying a challenge's edits (challenge-definition.ts) to a scenario's YAML text, keeping the
 * rest of the file as written: how the tests make the reference fix, the wrong fixes and the
 * unrelated change from the start file.
 */
import { parseDocument } from 'yaml';
import type { ChallengeEdit } from './challenge-definition.ts';

/** A dotted path as YAML path keys: numbers index lists. */
function keysOf(path: string): Array<string | number> {
  return path.split('.').map((key) => (/^\d+$/.test(key) ? Number(key) : key));
}

/**
 * `text` with every edit applied in order.
 * @throws Error when the text is no YAML document or an edit's path does not fit it (a
 *   definition error, caught by the challenge tests).
 */
export function applyEdits(text: string, edits: readonly ChallengeEdit[]): string {
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new Error(document.errors[0]?.message);
  for (const edit of edits) {
    const keys = keysOf(edit.path);
    if ('set' in edit) document.setIn(keys, document.createNode(edit.set));
    else if ('add' in edit) document.addIn(keys, document.createNode(edit.add));
    else if (!document.deleteIn(keys)) throw new Error(`nothing to delete at ${edit.path}`);
  }
  return document.toString();
}
