/**
 * Pieces every section of the HTML report (`report-page.ts`) uses: which connection outcomes
 * count as success, and tables that fold into `<details>` when they are longer than a screen.
 */

/** Connection outcomes the report shows as succeeded; every other outcome failed. */
export const successes: ReadonlySet<string> = new Set(['completed', 'answered', 'established']);

/** Tables longer than this many rows are folded into a `<details>` element. */
export const longTableRows = 12;

/**
 * `content` under a heading that folds it away when it has more than {@link longTableRows}
 * rows; shorter content is shown as it is, with the summary as its caption.
 */
export function collapsible(summary: string, content: string, rows: number): string {
  if (rows <= longTableRows) return `<p class="table-caption">${summary}:</p>${content}`;
  return `<details><summary>${summary} (${rows} rows)</summary>${content}</details>`;
}
