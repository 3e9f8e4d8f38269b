/**
 * Text from data (job ids, reasons, device names, branches, run ids) inside Markdown: a PR
 * comment, a job summary. A newline in a `device` value would start a heading, a list or a quote;
 * `|` would split a table cell; `*`, `_`, `` ` ``, `[`, `#`, `~` would format; `<` would open HTML
 * (GitHub renders inline HTML). One helper, used by every Markdown writer, so no field is missed.
 */

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** `text` as literal inline Markdown: on one line, no formatting, no HTML, safe in a table cell. */
export function escapeMarkdownText(text: string): string {
  return (
    text
      // Line breaks of every kind, then other control characters: one line, nothing hidden.
      .replace(/\r\n|[\r\n\u0085\u2028\u2029]/g, ' ')
      .replace(/[\u0000-\u001f\u007f]/g, ' ')
      // Entities first: none contains a character escaped below.
      .replace(/[&<>]/g, (c) => HTML[c])
      .replace(/[\\`*_[\]|#~]/g, '\\$&')
  );
}

/** `text` as an inline code span in a table cell: one line, no backtick to close the span early (shown as ˋ), `|` escaped (GFM splits cells on it even inside code). */
export function markdownCode(text: string): string {
  const body = text
    .replace(/\r\n|[\r\n\u0085\u2028\u2029]/g, ' ')
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/`/g, 'ˋ')
    .replace(/\|/g, '\\|');
  return `\`${body}\``;
}
