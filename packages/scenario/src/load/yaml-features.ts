/**
 * YAML features a scenario file may not use, found on the composed document before it is
 * turned into data.
 *
 * A scenario is plain data: text, numbers, true/false, null, lists and mappings. yaml would
 * otherwise accept, without a word, a custom tag (`!include x` read as the text "x"), build a
 * byte array for `!!binary` or a Date for a YAML 1.1 timestamp (reported later as "a
 * mapping"), read YAML 1.1's `port: 1:20` as the base-60 number 80 or `0755` as octal 493,
 * and turn a list used as a key into a string, with a warning on the process's standard
 * error. Each is a located error here instead, with what to write.
 */
import { type Document, isAlias, isCollection, isPair, isScalar, type Node, type Scalar, visit } from 'yaml';
import { quoted } from '../base/diagnostic.ts';

/** A problem with its offset (UTF-16 code units) in the text. */
export interface YamlFeatureIssue {
  readonly offset: number;
  readonly message: string;
}

/** Tags of YAML's core schema: the only ones a scenario needs (spelt out or implied). */
const plainTags: ReadonlySet<string> = new Set(
  ['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((name) => `tag:yaml.org,2002:${name}`),
);

/** Every use of a YAML feature lbsim refuses, in document order. */
export function yamlFeatureIssues(document: Document): YamlFeatureIssue[] {
  const issues: YamlFeatureIssue[] = [];
  const add = (node: { range?: readonly number[] | null | undefined }, message: string) =>
    issues.push({ offset: node.range?.[0] ?? 0, message });
  visit(document, {
    Pair(_, pair) {
      if (!isPair(pair)) return;
      const key = pair.key as Node | null;
      if (isCollection(key) || isAlias(key)) {
        add(key, 'YAML: a key must be plain text, not a list, a mapping or an alias');
      }
    },
    Node(_, node) {
      if (node.tag !== undefined && !plainTags.has(node.tag)) {
        add(
          node,
          `YAML: the tag ${displayTag(node.tag)} is not supported; a scenario holds only text, numbers, true/false, lists and mappings`,
        );
      } else if (isScalar(node)) {
        const message = yaml11Reading(node);
        if (message !== undefined) add(node, message);
      }
    },
  });
  return issues.sort((a, b) => a.offset - b.offset);
}

/** `!!binary` for yaml's long form of the standard tags; any other tag as written. */
function displayTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

/**
 * What YAML 1.1 (a `%YAML 1.1` directive) made of a plain scalar that YAML 1.2 reads
 * otherwise, or `undefined`: a timestamp, a base-60 number, an octal number, a yes/no boolean.
 */
function yaml11Reading(scalar: Scalar): string | undefined {
  const source = (scalar as Scalar & { source?: string }).source;
  if (scalar.type !== 'PLAIN' || typeof source !== 'string') return undefined;
  const shown = quoted(source, 40);
  // biome-ignore lint/style/noRestrictedGlobals: recognises yaml's timestamp values; reads no clock
  if (scalar.value instanceof Date) {
    return `YAML 1.1 reads ${shown} as a timestamp; quote it to keep it as text`;
  }
  if (scalar.format === 'TIME') {
    return `YAML 1.1 reads ${shown} as the base-60 number ${String(scalar.value)}; write ${String(scalar.value)}, or quote it for text`;
  }
  if (scalar.format === 'OCT' && /^[-+]?0[0-7]+$/.test(source)) {
    return `YAML 1.1 reads ${shown} as the octal number ${String(scalar.value)}; write ${String(scalar.value)} without the leading 0`;
  }
  if (typeof scalar.value === 'boolean' && !/^(?:true|false)$/i.test(source)) {
    return `YAML 1.1 reads ${shown} as ${String(scalar.value)}; write ${String(scalar.value)}, or quote it for text`;
  }
  return undefined;
}
