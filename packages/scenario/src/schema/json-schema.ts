/**
 * The scenario schema as JSON Schema (draft-07), for editors: the YAML language server reads
 * `# yaml-language-server: $schema=…` and completes and checks keys as you type. The schema
 * compiles under Ajv's strict mode: only standard formats (`ipv4`) are kept, zod's own ones
 * (`cidrv4`, `starts_with`) are dropped in favour of the `pattern` zod writes beside them.
 */
import * as z from 'zod';
import { scenarioSchema } from './scenario.ts';

/** The `$id` of the exported schema; also how `lbsim schema --write` knows a file is one of its own. */
export const scenarioSchemaId = 'https://lbsim.dev/scenario.schema.json';

/** Formats of JSON Schema draft-07 that zod writes and validators know (ajv-formats, the YAML language server). */
const standardFormats: ReadonlySet<string> = new Set(['ipv4', 'date-time', 'email', 'uri', 'uuid']);

/** The JSON Schema of scenario files, as a JSON text ending in a newline. */
export function scenarioJsonSchemaText(): string {
  const schema = z.toJSONSchema(scenarioSchema, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'any',
    override: ({ jsonSchema }) => {
      const node = jsonSchema as { format?: string; pattern?: string };
      if (node.format !== undefined && !standardFormats.has(node.format)) delete node.format;
    },
  });
  return `${JSON.stringify({ ...schema, title: 'lbsim scenario', $id: scenarioSchemaId }, null, 2)}\n`;
}
