/**
 * Where in a YAML document a cursor is, from indentation alone: the keys and list items
 * above it, e.g. `loadBalancers`, item, `rules`, item. The editor's text is often not valid
 * YAML while a student types, so a parser would give up exactly when completion is wanted;
 * block-style scenarios (the catalogue's, and what the docs show) are described fully by
 * their indentation.
 */

/** One step of a path: a mapping key, or "an item of the list here". */
export type YamlStep = { readonly key: string } | { readonly item: true };

/** What one line starts with: its list dash and its key, with their columns (0-based). */
interface LineShape {
  readonly dashColumn: number | undefined;
  readonly keyColumn: number | undefined;
  readonly key: string | undefined;
  /** Whether the key has a value on the same line (`key: value`), so nothing nests under it. */
  readonly inlineValue: boolean;
}

function shapeOf(text: string): LineShape | undefined {
  const match = /^( *)(- +)?(?:([A-Za-z_$][\w$-]*) *:(?: +(.*))?)?\s*$/.exec(text.replace(/\s+#.*$/, ''));
  if (match === null) {
    const dash = /^( *)- /.exec(text);
    return dash === null
      ? undefined
      : { dashColumn: (dash[1] as string).length, keyColumn: undefined, key: undefined, inlineValue: true };
  }
  const indent = (match[1] as string).length;
  const dash = match[2];
  const key = match[3];
  if (dash === undefined && key === undefined) return undefined;
  return {
    dashColumn: dash === undefined ? undefined : indent,
    keyColumn: key === undefined ? undefined : indent + (dash?.length ?? 0),
    key,
    inlineValue: (match[4] ?? '').trim() !== '',
  };
}

/**
 * The path of the mapping (or list item) a key typed at `column` of line `lineIndex` belongs
 * to, root first. `lines` is the document; the cursor's line counts only for its own dash.
 */
export function yamlPathAt(lines: readonly string[], lineIndex: number, column: number): YamlStep[] {
  const steps: YamlStep[] = [];
  const own = /^( *)(- +)?/.exec(lines[lineIndex] ?? '');
  // A dash before the cursor starts a new list item: the key goes into it.
  let target = column;
  let owner: 'mapping' | 'list' = 'mapping';
  if (own?.[2] !== undefined && (own[1] as string).length + (own[2] as string).length <= column) {
    steps.push({ item: true });
    target = (own[1] as string).length;
    owner = 'list';
  }
  for (let i = lineIndex - 1; i >= 0 && (target > 0 || owner === 'list'); i--) {
    const shape = shapeOf(lines[i] ?? '');
    if (shape === undefined) continue;
    if (owner === 'mapping') {
      if (shape.keyColumn === target && shape.dashColumn !== undefined) {
        // The first key of the list item we are in.
        steps.push({ item: true });
        target = shape.dashColumn;
        owner = 'list';
      } else if (shape.keyColumn !== undefined && shape.keyColumn < target && shape.key !== undefined) {
        if (shape.inlineValue) return [];
        steps.push({ key: shape.key });
        target = shape.keyColumn;
        if (shape.dashColumn !== undefined) {
          steps.push({ item: true });
          target = shape.dashColumn;
          owner = 'list';
        }
      } else if (shape.keyColumn === undefined && shape.dashColumn !== undefined && shape.dashColumn < target) {
        return [];
      }
    } else {
      // The list's owner: the nearest key at or left of the dash that is not another item of it.
      if (shape.dashColumn === target) continue;
      const keyColumn = shape.keyColumn;
      if (keyColumn === undefined || shape.key === undefined) continue;
      if (keyColumn <= target) {
        steps.push({ key: shape.key });
        target = keyColumn;
        owner = 'mapping';
        if (shape.dashColumn !== undefined) {
          steps.push({ item: true });
          target = shape.dashColumn;
          owner = 'list';
        }
      }
    }
  }
  return steps.reverse();
}
