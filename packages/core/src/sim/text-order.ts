/**
 * Orders of text that do not depend on the process's locale.
 *
 * `String.prototype.localeCompare` and `Intl.Collator` sort by the default locale of the
 * process (LANG, LC_ALL): under `da_DK` "aa" sorts after "z", so a run's summary, JSON and
 * report would differ between two machines for the same scenario and seed. Everything lbsim
 * sorts for output uses these instead.
 */

/**
 * Compares by Unicode code point (negative, zero or positive, as `Array.prototype.sort`
 * wants). Unlike the default UTF-16 code-unit order, a character beyond U+FFFF sorts after
 * U+E000–U+FFFF, as it does in UTF-8 byte order.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // At the first difference, a surrogate (U+D800–U+DFFF) stands for a code point above U+FFFF.
    return rankOfCodeUnit(x) - rankOfCodeUnit(y);
  }
  return a.length - b.length;
}

/** Code units in code-point order: surrogates (astral code points) after U+E000–U+FFFF. */
function rankOfCodeUnit(unit: number): number {
  return unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit;
}

/**
 * Compares with runs of ASCII digits taken as numbers (`mux-2` before `mux-10`), the rest by
 * code point ({@link compareCodePoints}); equal numbers with different leading zeros fall
 * back to code-point order, so the order is total.
 */
export function compareNaturalText(a: string, b: string): number {
  const partsA = a.match(/\d+|\D+/g) ?? [];
  const partsB = b.match(/\d+|\D+/g) ?? [];
  const length = Math.min(partsA.length, partsB.length);
  for (let i = 0; i < length; i++) {
    const x = partsA[i] as string;
    const y = partsB[i] as string;
    if (x === y) continue;
    if (isDigits(x) && isDigits(y)) {
      const byNumber = compareDigitRuns(x, y);
      if (byNumber !== 0) return byNumber;
    }
    return compareCodePoints(x, y);
  }
  return partsA.length - partsB.length || compareCodePoints(a, b);
}

function isDigits(text: string): boolean {
  const first = text.charCodeAt(0);
  return first >= 0x30 && first <= 0x39;
}

/** Digit runs as numbers of any length: fewer significant digits first, then digit by digit. */
function compareDigitRuns(x: string, y: string): number {
  const a = x.replace(/^0+/, '');
  const b = y.replace(/^0+/, '');
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
