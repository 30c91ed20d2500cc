/**
 * `lbsim schema --write <dir>` puts the schema beside copied scenarios and never overwrites a
 * file that is not an lbsim schema; `.vscode/settings.json` maps the catalogue to the schema.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scenarioJsonSchemaText } from '@lbsim/scenario';
import { describe, expect, it } from 'vitest';
import { lbsim } from './in-process.ts';

const root = join(import.meta.dirname, '../../..');

describe('lbsim schema --write', () => {
  it('writes scenario.schema.json into the directory, and replaces an older lbsim schema', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbsim-schema-'));
    const target = join(dir, 'scenario.schema.json');
    expect(await lbsim('schema', '--write', dir)).toEqual({ code: 0, stdout: `wrote ${target}\n`, stderr: '' });
    expect(readFileSync(target, 'utf8')).toBe(scenarioJsonSchemaText());
    const older = JSON.stringify({ $id: 'https://lbsim.dev/scenario.schema.json', title: 'lbsim scenario' });
    writeFileSync(target, older);
    expect((await lbsim('schema', '--write', dir)).code).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe(scenarioJsonSchemaText());
  });

  it('refuses to overwrite a file that is not an lbsim schema, and leaves it as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbsim-schema-'));
    const target = join(dir, 'scenario.schema.json');
    for (const content of ['{"title": "someone else\'s schema"}', 'not json at all']) {
      writeFileSync(target, content);
      expect(await lbsim('schema', '--write', dir)).toEqual({
        code: 2,
        stdout: '',
        stderr: `lbsim: ${target} exists and is not an lbsim scenario schema; not overwritten\n`,
      });
      expect(readFileSync(target, 'utf8')).toBe(content);
    }
  });

  it('refuses a missing directory and an empty --write', async () => {
    const missing = join(tmpdir(), 'lbsim-no-such-dir-for-schema');
    expect(await lbsim('schema', '--write', missing)).toEqual({
      code: 2,
      stdout: '',
      stderr: `lbsim: ${missing} is not a directory\n`,
    });
    expect(existsSync(missing)).toBe(false);
    expect((await lbsim('schema', '--write')).stderr).toBe('lbsim: --write needs a directory, such as --write .\n');
  });
});

describe('.vscode/settings.json', () => {
  it('maps scenarios/**/*.yaml to a schema file that exists (Red Hat YAML extension: yaml.schemas)', () => {
    const settings = JSON.parse(readFileSync(join(root, '.vscode/settings.json'), 'utf8')) as {
      'yaml.schemas': Record<string, string[]>;
    };
    const entries = Object.entries(settings['yaml.schemas']);
    const [schemaPath] = entries.find(([, globs]) => globs.includes('scenarios/**/*.yaml')) ?? [];
    expect(schemaPath).toBeDefined();
    expect(existsSync(join(root, schemaPath as string))).toBe(true);
    expect(readFileSync(join(root, schemaPath as string), 'utf8')).toBe(scenarioJsonSchemaText());
  });
});
