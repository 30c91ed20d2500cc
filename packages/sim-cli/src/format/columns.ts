/**
 * Plain-text columns: each column padded to its widest cell, separated by two spaces. No
 * colours or borders, so output is the same in a terminal, a pipe or a golden file.
 */

/** Which side a column's cells align to. */
export type Align = 'left' | 'right';

/** Formats rows (the first is the header) as aligned lines, each ending in a newline. */
export function formatColumns(rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => {
          const last = i === row.length - 1;
          if (align[i] === 'right') return cell.padStart(widths[i] ?? 0);
          return last ? cell : cell.padEnd(widths[i] ?? 0);
        })
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}
