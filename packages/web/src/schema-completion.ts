/**
 * Completion from the scenario's JSON Schema for the editor: at a key position, the keys the
 * mapping there may have (with their descriptions); after `key: `, the values the schema lists
 * for it. A small source over yaml-path.ts and schema-at-path.ts rather than a library:
 * codemirror-json-schema, the maintained one, brings its own validator and a Markdown and
 * syntax-highlighting stack (shiki) for hover text, several megabytes the page does not need;
 * the validation messages come from lbsim's own loader instead.
 */
import type { CompletionContext, CompletionResult, CompletionSource } from '@codemirror/autocomplete';
import { keysAt, type SchemaNode, valuesAt } from './schema-at-path.ts';
import { yamlPathAt } from './yaml-path.ts';

/** A completion source for scenario YAML checked against `schema`. */
export function schemaCompletionSource(schema: SchemaNode): CompletionSource {
  return (context: CompletionContext): CompletionResult | null => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    const lines = context.state.doc.toString().split('\n');
    const keyMatch = /^( *(?:- +)*)([\w$-]*)$/.exec(before);
    if (keyMatch !== null) {
      const typed = keyMatch[2] as string;
      if (typed === '' && !context.explicit) return null;
      const column = (keyMatch[1] as string).length;
      const path = yamlPathAt(lines, line.number - 1, column);
      const options = keysAt(schema, path).map((choice) => ({
        label: choice.key,
        type: 'property',
        apply: `${choice.key}: `,
        ...(choice.description === undefined ? {} : { info: choice.description }),
      }));
      return options.length === 0 ? null : { from: context.pos - typed.length, options, validFor: /^[\w$-]*$/ };
    }
    const valueMatch = /^( *(?:- +)*)([\w$-]+): *([\w.-]*)$/.exec(before);
    if (valueMatch === null) return null;
    const column = (valueMatch[1] as string).length;
    const path = yamlPathAt(lines, line.number - 1, column);
    const values = valuesAt(schema, path, valueMatch[2] as string);
    const typed = valueMatch[3] as string;
    if (values.length === 0) return null;
    return {
      from: context.pos - typed.length,
      options: values.map((value) => ({ label: value, type: 'enum' })),
      validFor: /^[\w.-]*$/,
    };
  };
}
