/**
 * Colour for the run summary on a terminal: outcomes that succeeded in green, failures, a DIP
 * probed DOWN and unmet expectations in red, so the eye finds what failed first. Applied at the
 * output edge to the summary's text (after control characters are escaped, so the only escape
 * sequences are these), and only when colour is wanted: a terminal, no `NO_COLOR`, no
 * `--no-color` (see `colourAllowed` in io.ts). picocolors writes the SGR sequences.
 */
import picocolors from 'picocolors';

/** Outcome words of the summary's per-traffic lines that mean the connection worked. */
const goodOutcomes = ['completed', 'answered', 'established'];

/** An outcome line of the summary: indentation, outcome word, count (`    timed-out   10  40%`). */
const outcomeLine = /^( {4})([a-z-]+)( +\d+ +\d+(?:\.\d+)?%)$/;

/** `text` (the summary) with its verdicts coloured when `enabled`, else unchanged. */
export function colourSummary(text: string, enabled: boolean): string {
  if (!enabled) return text;
  const paint = picocolors.createColors(true);
  return text
    .split('\n')
    .map((line) => {
      const outcome = outcomeLine.exec(line);
      if (outcome !== null) {
        const [, indent, word = '', rest] = outcome;
        const coloured = goodOutcomes.includes(word) ? paint.green(word) : paint.red(word);
        return `${indent}${coloured}${rest}`;
      }
      if (line === 'All expectations met.') return paint.green(line);
      if (/^\d+ of \d+ expectations? not met\.$/.test(line)) return paint.bold(paint.red(line));
      return line.replace(/ DOWN /, ` ${paint.red('DOWN')} `);
    })
    .join('\n');
}
