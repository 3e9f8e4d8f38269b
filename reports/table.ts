/** Sortable HTML tables: numeric cells carry their exact value in data-value (the sort key, and what tests check). */
import { html, type HtmlValue, type SafeHtml } from './escape.ts';

/** One column: a header (with unit) and how to show a row in it. */
export interface Column<T> {
  title: string;
  /** Shown under the title, e.g. "ms". */
  unit?: string;
  /** For numeric columns: the exact value (null = missing); the cell is right-aligned. */
  value?: (row: T) => number | null | undefined;
  /** What the cell shows. */
  cell: (row: T) => HtmlValue;
  /** Short machine name for the column, for tests and styling (data-col). */
  key: string;
}

/** Render rows as a sortable table. `rowAttrs` gives each row's data-job (the job id) where rows are jobs. */
export function sortableTable<T>(
  columns: Column<T>[],
  rows: readonly T[],
  opts: { caption?: string; jobOf?: (row: T) => string; className?: string } = {},
): SafeHtml {
  const head = columns.map(
    (c) => html`<th scope="col" data-col="${c.key}" class="${c.value ? 'num' : ''}">${c.title}${c.unit ? html`<span class="unit">${c.unit}</span>` : ''}</th>`,
  );
  const body = rows.map((row) => {
    const cells = columns.map((c) => {
      if (!c.value) return html`<td data-col="${c.key}">${c.cell(row)}</td>`;
      const v = c.value(row);
      const value = typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
      return html`<td class="num" data-col="${c.key}" data-value="${value}">${c.cell(row)}</td>`;
    });
    return opts.jobOf ? html`<tr data-job="${opts.jobOf(row)}">${cells}</tr>` : html`<tr>${cells}</tr>`;
  });
  return html`<div class="table-wrap"><table class="sortable ${opts.className ?? ''}">${opts.caption ? html`<caption>${opts.caption}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}
