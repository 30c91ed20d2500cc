/** HTML escaping for the sweep report: text and attribute values. */

/** `value` safe inside HTML text and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
