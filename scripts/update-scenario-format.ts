/**
 * `pnpm run docs`: regenerates the key reference in docs/scenario-format.md from the scenario
 * schema. Run it after changing packages/scenario/src/schema/*; the test suite fails until
 * the document matches.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioJsonSchemaText } from '../packages/scenario/src/index.ts';
import { type JsonSchemaNode, renderScenarioReference, replaceGeneratedReference } from './scenario-reference.ts';

const file = join(import.meta.dirname, '../docs/scenario-format.md');
const schema = JSON.parse(scenarioJsonSchemaText()) as JsonSchemaNode;
const before = readFileSync(file, 'utf8');
const after = replaceGeneratedReference(before, renderScenarioReference(schema));
if (after === before) {
  process.stdout.write('docs/scenario-format.md is up to date\n');
} else {
  writeFileSync(file, after);
  process.stdout.write('docs/scenario-format.md: reference regenerated\n');
}
