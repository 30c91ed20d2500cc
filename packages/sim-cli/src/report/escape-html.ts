/**
 * Escaping for the HTML report. Every string that came from a scenario (names, descriptions,
 * notes that quote them) goes through {@link escapeHtml} before it reaches the page, in HTML
 * text, attribute values and inline SVG alike (docs/architecture.md#bad-input).
 */

const replacements: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `text` with `& < > " '` replaced by character references: safe in text and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => replacements[character] as string);
}
