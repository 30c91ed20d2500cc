/**
 * Duplicate keys in a YAML document, found in one pass.
 *
 * yaml's own check (`uniqueKeys`) compares each new key with every earlier key of its map:
 * quadratic, so a file of a hundred thousand keys took minutes to load. Here each map's scalar
 * keys go into a set, so the check is linear. Keys are equal when their values are: `1` and
 * `"1"` differ, as they do for yaml.
 */
import { type Document, isMap, isScalar, visit } from 'yaml';

/** Offsets (UTF-16 code units) of every key that repeats an earlier key of its map, in document order. */
export function duplicateKeyOffsets(document: Document): number[] {
  const offsets: number[] = [];
  visit(document, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key;
        if (!isScalar(key)) continue;
        const identity = `${typeof key.value}:${String(key.value)}`;
        if (seen.has(identity)) offsets.push(key.range?.[0] ?? 0);
        seen.add(identity);
      }
    },
  });
  return offsets.sort((a, b) => a - b);
}
