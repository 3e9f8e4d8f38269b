/** One Markdown table row from cells the caller has already escaped. */
export function markdownRow(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}
