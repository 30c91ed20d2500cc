/**
 * The syntax of ARM's template expression language
 * (https://learn.microsoft.com/azure/azure-resource-manager/templates/template-expressions):
 * a JSON string whose first character is `[` and last is `]` is an expression; `[[` at the
 * start escapes a literal `[`. Inside: string literals in single quotes (`''` is a quote),
 * integers, function calls `name(arg, …)`, property access `.name` and index `[expr]`.
 * This file turns the text between the brackets into a tree, or says where it stops making sense.
 */

/** A node of an expression tree. */
export type ArmExpression =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly ArmExpression[] }
  | { readonly kind: 'property'; readonly target: ArmExpression; readonly name: string }
  | { readonly kind: 'index'; readonly target: ArmExpression; readonly index: ArmExpression };

/** A token of the expression text. */
type Token =
  | { readonly kind: 'string'; readonly value: string; readonly at: number }
  | { readonly kind: 'number'; readonly value: number; readonly at: number }
  | { readonly kind: 'name'; readonly value: string; readonly at: number }
  | { readonly kind: 'punctuation'; readonly value: '(' | ')' | ',' | '.' | '[' | ']'; readonly at: number };

/** The tree of an expression, or why its text is not one (with the character offset). */
export type ParseResult =
  | { readonly ok: true; readonly expression: ArmExpression }
  | { readonly ok: false; readonly error: string };

/** Tokens of `text`, or the offset and reason of the first character that starts none. */
function tokenize(text: string): { ok: true; tokens: Token[] } | { ok: false; error: string } {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at] as string;
    if (/\s/.test(char)) {
      at += 1;
    } else if (char === "'") {
      let value = '';
      let end = at + 1;
      for (;;) {
        if (end >= text.length) return { ok: false, error: `unterminated string starting at character ${at + 1}` };
        if (text[end] === "'") {
          if (text[end + 1] === "'") {
            value += "'";
            end += 2;
            continue;
          }
          break;
        }
        value += text[end];
        end += 1;
      }
      tokens.push({ kind: 'string', value, at });
      at = end + 1;
    } else if (/[0-9-]/.test(char)) {
      const match = /^-?\d+(\.\d+)?/.exec(text.slice(at));
      if (match === null) return { ok: false, error: `unexpected "${char}" at character ${at + 1}` };
      tokens.push({ kind: 'number', value: Number(match[0]), at });
      at += match[0].length;
    } else if (/[A-Za-z_]/.test(char)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(at)) as RegExpExecArray;
      tokens.push({ kind: 'name', value: match[0], at });
      at += match[0].length;
    } else if ('(),.[]'.includes(char)) {
      tokens.push({ kind: 'punctuation', value: char as '(' | ')' | ',' | '.' | '[' | ']', at });
      at += 1;
    } else {
      return { ok: false, error: `unexpected "${char}" at character ${at + 1}` };
    }
  }
  return { ok: true, tokens };
}

/** Deepest nesting of calls and indexes an expression may have. */
export const maxExpressionDepth = 64;

/** A recursive-descent parser over the tokens; each method returns a node or an error text. */
class Parser {
  private position = 0;
  private depth = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly length: number,
  ) {}

  parseAll(): ParseResult {
    const expression = this.parseExpression();
    if (typeof expression === 'string') return { ok: false, error: expression };
    const rest = this.tokens[this.position];
    if (rest !== undefined) return { ok: false, error: `unexpected ${describe(rest)} after the expression` };
    return { ok: true, expression };
  }

  private next(): Token | undefined {
    const token = this.tokens[this.position];
    this.position += 1;
    return token;
  }

  private peekPunctuation(value: string): boolean {
    const token = this.tokens[this.position];
    return token?.kind === 'punctuation' && token.value === value;
  }

  private expect(value: string): string | undefined {
    const token = this.next();
    if (token?.kind === 'punctuation' && token.value === value) return undefined;
    return token === undefined
      ? `expected "${value}" at the end (character ${this.length + 1})`
      : `expected "${value}", found ${describe(token)}`;
  }

  private parseExpression(): ArmExpression | string {
    // Templates nest calls a few levels; a bound keeps a hostile one from exhausting the stack.
    if (this.depth >= maxExpressionDepth) return `nested more than ${maxExpressionDepth} calls deep`;
    this.depth += 1;
    const result = this.parseExpressionWithin();
    this.depth -= 1;
    return result;
  }

  private parseExpressionWithin(): ArmExpression | string {
    const token = this.next();
    if (token === undefined) return 'expected a value, found the end of the expression';
    let node: ArmExpression;
    if (token.kind === 'string') node = { kind: 'string', value: token.value };
    else if (token.kind === 'number') node = { kind: 'number', value: token.value };
    else if (token.kind === 'name') {
      const opened = this.expect('(');
      if (opened !== undefined) return `a function name (${token.value}) must be followed by "(": ${opened}`;
      const args: ArmExpression[] = [];
      if (!this.peekPunctuation(')')) {
        for (;;) {
          const arg = this.parseExpression();
          if (typeof arg === 'string') return arg;
          args.push(arg);
          if (this.peekPunctuation(',')) {
            this.position += 1;
            continue;
          }
          break;
        }
      }
      const closed = this.expect(')');
      if (closed !== undefined) return closed;
      node = { kind: 'call', name: token.value, args };
    } else return `unexpected ${describe(token)}`;
    return this.parseAccessors(node);
  }

  private parseAccessors(start: ArmExpression): ArmExpression | string {
    let node = start;
    for (;;) {
      if (this.peekPunctuation('.')) {
        this.position += 1;
        const name = this.next();
        if (name?.kind !== 'name') return `expected a property name after "."`;
        node = { kind: 'property', target: node, name: name.value };
      } else if (this.peekPunctuation('[')) {
        this.position += 1;
        const index = this.parseExpression();
        if (typeof index === 'string') return index;
        const closed = this.expect(']');
        if (closed !== undefined) return closed;
        node = { kind: 'index', target: node, index };
      } else return node;
    }
  }
}

function describe(token: Token): string {
  const text = token.kind === 'string' ? `'${token.value}'` : String(token.value);
  return `"${text.slice(0, 40)}" at character ${token.at + 1}`;
}

/** Parses the text between the outer brackets of a template expression. */
export function parseArmExpression(text: string): ParseResult {
  const tokens = tokenize(text);
  if (!tokens.ok) return tokens;
  return new Parser(tokens.tokens, text.length).parseAll();
}

/**
 * What a JSON string of a template is: an expression (its inner text), or a literal string
 * (with a leading `[[` unescaped to `[`).
 */
export function classifyTemplateString(
  text: string,
): { readonly kind: 'expression'; readonly text: string } | { readonly kind: 'literal'; readonly value: string } {
  if (text.startsWith('[[')) return { kind: 'literal', value: text.slice(1) };
  if (text.startsWith('[') && text.endsWith(']') && text.length >= 2) {
    return { kind: 'expression', text: text.slice(1, -1) };
  }
  return { kind: 'literal', value: text };
}
