/**
 * docs/scenario-format.md cannot go stale: its reference part is exactly what the generator
 * makes from the scenario schema, every key of the schema has a row under its object's
 * heading, and every YAML example in it is a valid scenario.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenarioText, scenarioJsonSchemaText } from '@lbsim/scenario';
import { describe, expect, it } from 'vitest';
import {
  generatedBegin,
  generatedEnd,
  type JsonSchemaNode,
  renderScenarioReference,
} from '../scripts/scenario-reference.ts';
import { repositoryRoot } from './support.ts';

const doc = readFileSync(join(repositoryRoot, 'docs/scenario-format.md'), 'utf8');
const schema = JSON.parse(scenarioJsonSchemaText()) as JsonSchemaNode;

/** Every (object path, key) of the schema: `['', 'hosts']`, `['hosts[].vms[]', 'nics']`, … */
function schemaKeys(node: JsonSchemaNode, path: string, into: Array<readonly [string, string]>): void {
  for (const variant of [...(node.oneOf ?? []), ...(node.anyOf ?? [])]) schemaKeys(variant, path, into);
  if (node.type === 'array' && node.items !== undefined) schemaKeys(node.items, `${path}[]`, into);
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    into.push([path, key]);
    schemaKeys(child, path === '' ? key : `${path}.${key}`, into);
  }
}

/** The rows of each section of the reference: heading path → keys. */
function documentedKeys(): Map<string, Set<string>> {
  const sections = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const line of doc.slice(doc.indexOf(generatedBegin)).split('\n')) {
    const heading = /^### (?:`([^`]+?)(?: with action: [\w-]+)?`|The scenario file)/.exec(line);
    if (heading !== null) {
      const path = heading[1] ?? '';
      current = sections.get(path) ?? new Set();
      sections.set(path, current);
    }
    const row = /^\| `([^`]+)` +\|/.exec(line);
    if (row !== null) current?.add(row[1] as string);
  }
  return sections;
}

describe('docs/scenario-format.md', () => {
  it('its reference is the one generated from the current schema', () => {
    const begin = doc.indexOf(generatedBegin) + generatedBegin.length;
    const current = doc.slice(begin, doc.indexOf(generatedEnd)).trim();
    expect(current, 'the schema changed: run `pnpm run docs` to regenerate docs/scenario-format.md').toBe(
      renderScenarioReference(schema).trim(),
    );
  });

  it('documents every key of the schema under its object', () => {
    const keys: Array<readonly [string, string]> = [];
    schemaKeys(schema, '', keys);
    expect(keys.length).toBeGreaterThan(80);
    const documented = documentedKeys();
    for (const [path, key] of keys) {
      expect(documented.get(path)?.has(key), `key "${key}" of "${path || 'the top level'}" is not documented`).toBe(
        true,
      );
    }
  });

  it('every YAML example is a valid scenario', () => {
    const examples = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] as string);
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const loaded = parseScenarioText(example, 'docs/scenario-format.md');
      expect(loaded.ok, loaded.ok ? '' : loaded.errors.map((e) => e.message).join('\n')).toBe(true);
    }
  });
});
