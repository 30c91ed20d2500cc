/**
 * The exported JSON Schema is fit for editors and validators: it compiles under Ajv's strict
 * mode, every key has a description, the committed copy is current, and every catalogue
 * scenario passes it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { platformKeyword, scenarioJsonSchemaText } from '../src/index.ts';

const root = join(import.meta.dirname, '../../..');
const schema = JSON.parse(scenarioJsonSchemaText()) as Record<string, unknown>;
// ajv-formats is CommonJS: its default export is the plugin function.
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv;

interface Node {
  readonly description?: string;
  readonly properties?: Record<string, Node>;
  readonly items?: Node;
  readonly anyOf?: readonly Node[];
  readonly oneOf?: readonly Node[];
  readonly allOf?: readonly Node[];
}

/** `[path, node]` for every key of every object in the schema. */
function keysOf(node: Node, path: string): Array<readonly [string, Node]> {
  const keys: Array<readonly [string, Node]> = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    keys.push([`${path}.${key}`, child], ...keysOf(child, `${path}.${key}`));
  }
  if (node.items !== undefined) keys.push(...keysOf(node.items, `${path}[]`));
  for (const variant of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) {
    keys.push(...keysOf(variant, path));
  }
  return keys;
}

function strictAjv(): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats(ajv);
  // lbsim's annotation of platform settings: strict mode refuses unknown keywords until registered.
  ajv.addKeyword({ keyword: platformKeyword, schemaType: 'boolean' });
  return ajv;
}

/** Paths of the keys the schema marks as platform settings. */
function platformPaths(): string[] {
  return keysOf(schema as Node, '')
    .filter(([, node]) => (node as Record<string, unknown>)[platformKeyword] === true)
    .map(([path]) => path);
}

describe('the exported JSON Schema', () => {
  it('compiles under new Ajv({ strict: true }) (with ajv-formats for the standard ipv4 format)', () => {
    expect(() => strictAjv().compile(schema)).not.toThrow();
  });

  it('marks the platform settings (x-lbsim-platform), and no Azure setting', () => {
    const paths = platformPaths();
    for (const path of [
      '.network.muxes',
      '.network.fragmentPolicy',
      '.network.icmpToVip',
      '.network.backendSelection',
      '.network.mssClamp',
      '.network.flowTable',
      '.network.bgpHoldTime',
      '.hosts[].vms[].outOfOrderFragments',
    ]) {
      expect(paths).toContain(path);
    }
    expect(paths.filter((path) => /loadBalancers|networkSecurityGroups|traffic|\.network\.mtu$/.test(path))).toEqual(
      [],
    );
  });

  it('uses only standard formats (no zod-only cidrv4 or starts_with)', () => {
    const formats = [...scenarioJsonSchemaText().matchAll(/"format": "([^"]+)"/g)].map((match) => match[1]);
    expect(new Set(formats)).toEqual(new Set(['ipv4']));
  });

  it('describes every key (100%)', () => {
    const keys = keysOf(schema as Node, '');
    expect(keys.length).toBeGreaterThan(250);
    const undescribed = keys.filter(([, node]) => (node.description ?? '').trim() === '').map(([path]) => path);
    expect(undescribed).toEqual([]);
  });

  it('names the Azure property for load balancer keys that mirror one', () => {
    const text = scenarioJsonSchemaText();
    for (const property of [
      'frontendIPConfigurations',
      'backendAddressPools',
      'loadBalancingRules',
      'idleTimeoutInMinutes',
    ]) {
      expect(text).toContain(property);
    }
  });

  it('is what schema/scenario.schema.json holds (`pnpm --silent lbsim schema > schema/scenario.schema.json`)', () => {
    expect(readFileSync(join(root, 'schema/scenario.schema.json'), 'utf8')).toBe(scenarioJsonSchemaText());
  });

  it('accepts every catalogue scenario, and refuses an unknown key', () => {
    const validate = strictAjv().compile(schema);
    const catalogue = join(root, 'scenarios');
    for (const file of readdirSync(catalogue, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.yaml') && !f.endsWith('.sweep.yaml'))) {
      const document = parse(readFileSync(join(catalogue, file), 'utf8')) as unknown;
      expect(validate(document) ? [] : validate.errors, file).toEqual([]);
    }
    expect(validate({ name: 't', hosts: [], nmae: 'x' })).toBe(false);
  });
});
