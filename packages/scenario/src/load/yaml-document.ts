/**
 * A scenario's YAML text read once: yaml's parser makes the concrete syntax tree, the nesting
 * depth is checked on it (yaml-nesting.ts), and the same tokens are composed into the document.
 *
 * `parseDocument` from yaml would parse the text a second time after the depth check; a
 * one-shot `lbsim run` spent about a sixth of its start-up reading its YAML twice. The document
 * is the one `parseDocument(text, options)` makes: the first document of the text, with yaml's
 * MULTIPLE_DOCS error when there are more. Its errors are never "prettified": yaml's pretty errors
 * copy the source line into every message, quadratic for a long line of errors.
 */
import { Composer, type CST, type Document, LineCounter, Parser, YAMLParseError } from 'yaml';
import { firstTooDeepToken, maxNestingDepth } from './yaml-nesting.ts';

/** Options for composing, as yaml's `parseDocument` takes them (without `lineCounter`). */
export type ComposeOptions = NonNullable<ConstructorParameters<typeof Composer>[0]>;

/** The parsed text: its document, or where it nests too deeply; `lineCounter` places offsets in it. */
export type YamlReading =
  | { readonly ok: true; readonly document: Document; readonly lineCounter: LineCounter }
  | { readonly ok: false; readonly tooDeep: { readonly line: number; readonly column: number } };

/**
 * Parses `text` once. Nested more than `limit` collections deep (composing would recurse that
 * deep), the place of the first too deep collection instead of a document.
 */
export function readYamlDocument(text: string, options: ComposeOptions, limit = maxNestingDepth): YamlReading {
  const lineCounter = new LineCounter();
  const tokens: CST.Token[] = [...new Parser(lineCounter.addNewLine).parse(text)];
  const tooDeep = firstTooDeepToken(tokens, lineCounter, limit);
  if (tooDeep !== undefined) return { ok: false, tooDeep };
  return { ok: true, document: composeFirstDocument(tokens, text.length, options), lineCounter };
}

/** The first document of `tokens`, as yaml's `parseDocument` composes it (its source public-api.js). */
function composeFirstDocument(tokens: readonly CST.Token[], length: number, options: ComposeOptions): Document {
  let first: Document | undefined;
  for (const document of new Composer(options).compose(tokens, true, length)) {
    if (first === undefined) first = document as Document;
    else if (first.options.logLevel !== 'silent') {
      first.errors.push(
        new YAMLParseError(
          [document.range[0], document.range[1]],
          'MULTIPLE_DOCS',
          'Source contains multiple documents; please use YAML.parseAllDocuments()',
        ),
      );
      break;
    }
  }
  // compose(…, forceDoc = true) always ends with a document, an empty one for empty text.
  return first as Document;
}
