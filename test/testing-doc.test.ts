/**
 * docs/testing.md cannot go stale: every file it includes (`<!-- include: path -->` before a
 * code block) is shown verbatim — the example is a test that runs (test/examples/) — and every
 * export its tables name exists in the entry point they document.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as coreTesting from '@lbsim/core/testing';
import * as scenarioTesting from '@lbsim/scenario/testing';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from './support.ts';

const doc = readFileSync(join(repositoryRoot, 'docs/testing.md'), 'utf8');

describe('docs/testing.md', () => {
  const includes = [...doc.matchAll(/<!-- include: (\S+) -->\n```ts\n([\s\S]*?)```\n/g)];

  it('includes the runnable example', () => {
    expect(includes.map((match) => match[1])).toEqual(['test/examples/flow-symmetry.test.ts']);
  });

  for (const [, path, shown] of includes) {
    it(`shows ${path} verbatim`, () => {
      expect(shown).toBe(readFileSync(join(repositoryRoot, path as string), 'utf8'));
    });
  }

  it('names only exports that exist, in the entry point whose table lists them', () => {
    const tableOf = (heading: string) => {
      const start = doc.indexOf(heading);
      const table = doc.slice(start, doc.indexOf('\n\n', doc.indexOf('| ---', start)));
      return [...table.matchAll(/^\| (.+?) \|/gm)].flatMap((row) =>
        [...(row[1] as string).matchAll(/`(\w+)/g)].map((name) => name[1] as string),
      );
    };
    const scenarioNames = tableOf('`@lbsim/scenario/testing`').filter((name) => name !== 'export');
    const coreNames = tableOf('`@lbsim/core/testing`').filter((name) => name !== 'export');
    expect(scenarioNames.length).toBeGreaterThan(5);
    expect(coreNames.length).toBeGreaterThan(10);
    for (const name of scenarioNames) expect(scenarioTesting, name).toHaveProperty(name);
    for (const name of coreNames) expect(coreTesting, name).toHaveProperty(name);
  });
});
