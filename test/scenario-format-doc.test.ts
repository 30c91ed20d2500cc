/**
 * docs/scenario-format.md cannot go stale: its reference part is exactly what the generator
 * makes from the scenario schema, every key of the schema has a row under its object's
 * heading, every YAML example in it is a valid scenario, and its complete example runs as its
 * prose says (that every example meets its own expectations is test/docs-examples.test.ts).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenarioText, runScenario, scenarioJsonSchemaText } from '@lbsim/scenario';
import { main } from '@lbsim/sim-cli';
import { describe, expect, it } from 'vitest';
import {
  generatedBegin,
  generatedEnd,
  type JsonSchemaNode,
  renderScenarioReference,
} from '../scripts/scenario-reference.ts';
import { docsScenarioExamples, repositoryRoot } from './support.ts';

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

describe("docs/scenario-format.md's complete example runs as its prose says", () => {
  const example = docsScenarioExamples().find((e) => e.doc === 'docs/scenario-format.md' && e.index === 1);
  const run = (text: string) => {
    const loaded = parseScenarioText(text, 'docs/scenario-format.md');
    if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
    return runScenario(loaded.scenario);
  };

  it('both VMs serve the first connections; from 1.5 s web-2 refuses those the Muxes send it', () => {
    const result = run(example?.text ?? '');
    const stopNs = 1.5e9;
    const served = new Set(result.connections.filter((c) => c.startedAtNs < stopNs).flatMap((c) => c.servedBy));
    expect(served).toEqual(new Set(['10.1.0.4', '10.1.0.5']));
    const refused = result.connections.filter((c) => c.outcome === 'refused');
    expect(refused.length).toBeGreaterThan(0);
    for (const connection of refused) {
      expect(connection.startedAtNs).toBeGreaterThanOrEqual(stopNs);
      expect(connection.refusedBy).toEqual(['10.1.0.5']);
    }
    expect(result.connections.every((c) => c.outcome === 'completed' || c.outcome === 'refused')).toBe(true);
  });

  it('without web-nsg every connection times out, no DIP served, and lbsim run says the expectations fail', async () => {
    const text = (example?.text ?? '')
      .replaceAll(', networkSecurityGroup: web-nsg', '')
      .replace(/networkSecurityGroups:[\s\S]*?\nhosts:/, 'hosts:');
    expect(text).not.toContain('web-nsg');
    const result = run(text);
    expect(result.connections.length).toBe(20);
    expect(result.connections.every((c) => c.outcome === 'timed-out' && c.servedBy.length === 0)).toBe(true);
    expect(result.drops.map((d) => d.reason)).toEqual(['standard-lb-closed', 'standard-lb-closed']);

    const file = join(mkdtempSync(join(tmpdir(), 'lbsim-doc-')), 'no-nsg.yaml');
    writeFileSync(file, text);
    let stdout = '';
    const code = await main(['run', file], { stdout: (t) => (stdout += t), stderr: () => {}, stderrIsTty: false });
    expect(stdout).toContain('    DIPs served:     none\n');
    expect(stdout).toMatch(/NOT MET {2}both VMs serve connections: 0 DIPs served it/);
    expect(stdout).not.toContain('All expectations met.');
    expect(code).toBe(1);
  });
});
