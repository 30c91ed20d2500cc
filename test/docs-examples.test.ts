/**
 * Every complete scenario a doc shows (a ```yaml block of docs/*.md) runs as the doc says:
 * `lbsim run` of it meets its expectations and exits 0, and it states some, so what the prose
 * claims of the run is checked rather than trusted. (What docs/scenario-format.md's example
 * claims in prose beyond its expectations is checked in test/scenario-format-doc.test.ts.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenarioText, runScenario } from '@lbsim/scenario';
import { main } from '@lbsim/sim-cli';
import { describe, expect, it } from 'vitest';
import { docsScenarioExamples } from './support.ts';

const examples = docsScenarioExamples();

describe('the scenarios in docs/', () => {
  it('docs/scenario-format.md shows one', () => {
    expect(examples.map((example) => example.doc)).toContain('docs/scenario-format.md');
  });

  for (const example of examples) {
    it(`${example.doc} example ${example.index}: lbsim run meets its expectations`, async () => {
      const loaded = parseScenarioText(example.text, example.doc);
      if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
      const result = runScenario(loaded.scenario);
      expect(result.expectations.length, 'an example states what its run shows').toBeGreaterThan(0);
      expect(result.expectations.filter((e) => !e.met).map((e) => `${e.description}: ${e.actual}`)).toEqual([]);
      expect(result.status.kind).toBe('completed');

      const file = join(mkdtempSync(join(tmpdir(), 'lbsim-docs-')), 'example.yaml');
      writeFileSync(file, example.text);
      let stdout = '';
      const code = await main(['run', file], {
        stdout: (text) => (stdout += text),
        stderr: () => {},
        stderrIsTty: false,
      });
      expect(stdout).toContain('All expectations met.');
      expect(code).toBe(0);
    });
  }
});
