/**
 * The scenario schema as JSON Schema (draft-07), for editors: the YAML language server reads
 * `# yaml-language-server: $schema=…` and completes and checks keys as you type.
 */
import { z } from 'zod';
import { scenarioSchema } from './schema/scenario.ts';

/** The JSON Schema of scenario files, as a JSON text ending in a newline. */
export function scenarioJsonSchemaText(): string {
  const schema = z.toJSONSchema(scenarioSchema, { target: 'draft-7', io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'lbsim scenario', $id: 'https://lbsim.dev/scenario.schema.json' }, null, 2)}\n`;
}
