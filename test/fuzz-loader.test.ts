/**
 * Reliability under bad input (docs/architecture.md#bad-input; issue 10): the loader gets random documents,
 * mutated catalogue files, weird values, binary garbage and the classic attacks on YAML
 * parsers, and every case ends in a scenario or in clear diagnostics — one printable line per
 * problem, no stack trace, no exception. Whatever loads is run (its event budget capped) and
 * must end with every packet accounted for. The same inputs through the CLI are in
 * test/fuzz-cli.test.ts; runaway scenarios in test/runaway.test.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFile, maxScenarioBytes, parseScenarioText } from '@lbsim/scenario';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  binaryGarbage,
  catalogueTexts,
  expectClearVerdict,
  expectSaneRun,
  mutatedCatalogueFile,
  randomDocument,
} from './fuzz-support.ts';
import { propertyTimeout, runs } from './support.ts';

const scratch = mkdtempSync(join(tmpdir(), 'lbsim-fuzz-loader-'));

/** Loads text as a file named `fuzz.yaml`, asserting the verdict is clear. */
const load = (text: string) => expectClearVerdict(parseScenarioText(text, 'fuzz.yaml'));

const basic = catalogueTexts.find((file) => file.name === 'basic-public-lb')?.text ?? '';
const minimal = 'name: t\nhosts: [{ name: h, vms: [{ name: v, nics: [{ ip: 10.0.0.4 }] }] }]\n';

describe('the loader under fuzzing', () => {
  it('random documents, as YAML and as JSON', { timeout: propertyTimeout }, () => {
    fc.assert(
      fc.property(randomDocument, fc.boolean(), (document, asJson) => {
        load(asJson ? (JSON.stringify(document) ?? 'null') : stringify(document));
      }),
      { numRuns: runs(300) },
    );
  });

  it('mutated catalogue files: deleted, duplicated, renamed and retyped keys, edge values, broken text', {
    timeout: propertyTimeout,
  }, () => {
    fc.assert(
      fc.property(mutatedCatalogueFile, ({ text }) => {
        const scenario = load(text);
        if (scenario !== undefined) expectSaneRun(scenario);
      }),
      { numRuns: runs(200) },
    );
  });

  it('binary garbage, as text and as a file', { timeout: propertyTimeout }, () => {
    fc.assert(
      fc.property(binaryGarbage, (bytes) => {
        load(Buffer.from(bytes).toString('utf8'));
        load(Buffer.from(bytes).toString('latin1'));
        const file = join(scratch, 'garbage.yaml');
        writeFileSync(file, bytes);
        expectClearVerdict(loadScenarioFile(file));
      }),
      { numRuns: runs(100) },
    );
  });

  it('nesting of any depth, in flow and block style', { timeout: propertyTimeout }, () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000 }), fc.constantFrom('[', '{a: ', '- ', 'a:\n'), (depth, open) => {
        const text =
          open === '['
            ? `name: t\nhosts: ${'['.repeat(depth)}${']'.repeat(depth)}\n`
            : open === '{a: '
              ? `name: t\nhosts: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`
              : open === '- '
                ? `name: t\nhosts:\n${Array.from({ length: Math.min(depth, 300) }, (_, i) => `${' '.repeat(i * 2)}- `).join('\n')}x\n`
                : `${Array.from({ length: Math.min(depth, 300) }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} 1\n`;
        load(text);
      }),
      { numRuns: runs(40) },
    );
  });

  it.each([
    ['billion laughs', lolBomb(9, 9)],
    ['a wide alias fan-out', `a: &a [${'x, '.repeat(1000)}x]\nb: [${'*a, '.repeat(500)}*a]\n`],
    ['an alias used before its anchor', 'name: *a\nhosts: &a []\n'],
    ['a self-referencing alias', 'a: &a [*a]\n'],
    ['merge keys', `base: &b { name: t }\n<<: *b\n${minimal.slice('name: t\n'.length)}`],
    ['tags that would construct objects elsewhere', 'name: !!js/function "function () {}"\nhosts: !!binary aGVsbG8=\n'],
    ['a custom tag', `name: !include /etc/passwd\n${minimal.slice('name: t\n'.length)}`],
    ['a YAML 1.1 directive', `%YAML 1.1\n---\n${minimal}`],
    ['two documents', `${minimal}---\n${minimal}`],
    ['complex keys', '? [a, b]\n: 1\nname: t\n'],
    ['prototype keys', `__proto__: { polluted: true }\nconstructor: 1\n${minimal}`],
    [
      '.nan, .inf and huge integers',
      `${minimal}seed: .nan\neventBudget: .inf\nnetwork: { muxes: 1e400, mtu: 123456789012345678901234567890 }\n`,
    ],
    ['a key with a line break and an escape sequence', `"evil\\nkey": 1\n"\\e[2J": 2\n${minimal}`],
    ['a member name with a line break', basic.replace('members: [web-1, web-2, web-3]', 'members: ["web-1\\nweb-2"]')],
    ['a very long key', `${'k'.repeat(100_000)}: 1\n${minimal}`],
    ['a very long member name', basic.replace('members: [web-1, web-2, web-3]', `members: [${'w'.repeat(100_000)}]`)],
    ['a very long address', basic.replace('ip: 203.0.113.7', `ip: ${'9'.repeat(100_000)}`)],
    ['a byte-order mark', `\ufeff${minimal}`],
    ['NUL bytes', `${minimal}\u0000`],
    ['only whitespace and comments', '   \n# nothing\n\t\n'],
    ['an empty file', ''],
    ['a list at the top', '- name: t\n'],
    ['a scalar at the top', '42\n'],
  ])('%s', (_, text) => {
    load(text);
  });

  it('a file over the size limit is refused before it is parsed', () => {
    const file = join(scratch, 'huge.yaml');
    writeFileSync(file, `${minimal}description: "${'x'.repeat(maxScenarioBytes)}"\n`);
    const result = loadScenarioFile(file);
    expect(result.ok).toBe(false);
    expectClearVerdict(result);
  });
});

/** A "billion laughs" document: `levels` aliases deep, `width` wide at each level. */
function lolBomb(levels: number, width: number): string {
  const lines = ['l0: &l0 [lol]'];
  for (let level = 1; level <= levels; level++) {
    lines.push(`l${level}: &l${level} [${Array.from({ length: width }, () => `*l${level - 1}`).join(', ')}]`);
  }
  return `${lines.join('\n')}\nname: t\n`;
}
