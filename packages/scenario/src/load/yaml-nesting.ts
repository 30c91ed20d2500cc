/**
 * How deep a YAML text nests its collections, measured on yaml's concrete syntax tree before
 * the document is composed.
 *
 * Composing a document (and converting it to data) recurses once per level of nesting, so a
 * text of ten thousand `[` overflows the stack — where exactly depends on the stack size of
 * the process. yaml's parser keeps its own explicit stack and this walk does too, so the depth
 * is found for any input and the same limit holds in every process.
 */
import { type CST, LineCounter, Parser } from 'yaml';

/** Deepest nesting lbsim reads. A scenario nests about eight levels (hosts, VMs, listeners, http, responses). */
export const maxNestingDepth = 64;

/**
 * Where the first collection nested deeper than `limit` starts (1-based line and column), or
 * `undefined` when none is.
 */
export function firstTooDeep(
  text: string,
  limit: number = maxNestingDepth,
): { readonly line: number; readonly column: number } | undefined {
  const lines = new LineCounter();
  return firstTooDeepToken([...new Parser(lines.addNewLine).parse(text)], lines, limit);
}

/**
 * {@link firstTooDeep} on the tokens yaml's parser made of a text; `lines` is the line counter
 * that parser fed.
 */
export function firstTooDeepToken(
  tokens: readonly CST.Token[],
  lines: LineCounter,
  limit: number = maxNestingDepth,
): { readonly line: number; readonly column: number } | undefined {
  const pending: Array<readonly [CST.Token, number]> = tokens.map((token) => [token, 0] as const);
  for (;;) {
    const next = pending.pop();
    if (next === undefined) return undefined;
    const [token, depth] = next;
    switch (token.type) {
      case 'document':
        if (token.value !== undefined) pending.push([token.value, depth]);
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        if (depth + 1 > limit) {
          const { line, col } = lines.linePos(token.offset);
          return { line, column: col };
        }
        for (const item of token.items) {
          if (item.key !== undefined && item.key !== null) pending.push([item.key, depth + 1]);
          if (item.value !== undefined) pending.push([item.value, depth + 1]);
        }
        break;
      }
      case 'block-scalar':
        for (const prop of token.props) pending.push([prop, depth]);
        break;
      default:
        break;
    }
  }
}
