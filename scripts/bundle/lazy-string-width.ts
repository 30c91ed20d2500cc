/**
 * What `string-width` resolves to inside the lbsim bundle (scripts/build.ts): the display width
 * of a string in terminal columns, exactly as string-width 8 gives it, but without its cost at
 * start-up. string-width builds an `Intl.Segmenter` (ICU's grapheme data, 15–25 ms) and its
 * Unicode-property regular expressions when its module loads, and string-width 7 (which
 * wrap-ansi 9 depends on; `lbsim run` wraps its text with wrap-ansi) tests each character
 * against the whole emoji regular expression.
 *
 * A string of printable ASCII is as wide as it is long (string-width's own first test);
 * anything else loads string-width on first use. `require` rather than `import`: esbuild then
 * runs the bundled module's top level at that first call instead of at start-up.
 */
import type stringWidthModule from 'string-width';

type StringWidth = typeof stringWidthModule;

let full: StringWidth | undefined;

/** Columns `text` takes on a terminal; the options are string-width's. */
export default function stringWidth(text: string, options?: Parameters<StringWidth>[1]): number {
  if (typeof text === 'string' && /^[\u0020-\u007E]*$/.test(text)) return text.length;
  full ??= (require('string-width') as { default: StringWidth }).default;
  return full(text, options);
}
