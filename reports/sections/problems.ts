/** Run-wide: failed, invalid and skipped jobs with their reasons. */
import type { JobResult } from '../../contract/results.ts';
import type { ReportModel } from '../data.ts';
import { escapeMarkdownCell as cell, html, type SafeHtml } from '../escape.ts';
import { markdownRow as row } from '../markdown-table.ts';
import type { RunSection } from '../section.ts';
import { sortableTable, type Column } from '../table.ts';

/** Failed, invalid and skipped jobs with their reasons. */
function problemsHtml(model: ReportModel): SafeHtml {
  const rows = model.results.filter((r) => r.status !== 'ok');
  if (!rows.length) return html`<p>Every planned job finished ok.</p>`;
  const cols: Column<JobResult>[] = [
    { key: 'job', title: 'job', cell: (r) => html`<code>${r.id}</code>` },
    { key: 'target', title: 'target', cell: (r) => r.target },
    { key: 'status', title: 'status', cell: (r) => html`<span class="status ${r.status}">${r.status}</span>` },
    {
      key: 'reason',
      title: 'reason',
      cell: (r) => {
        const text = r.error ?? '(no reason recorded)';
        const [first, ...more] = text.split('\n');
        return more.length
          ? html`<details class="reason"><summary>${first}</summary><pre>${more.join('\n')}</pre></details>`
          : html`<span class="reason">${first}</span>`;
      },
    },
  ];
  const bad = rows.filter((r) => r.status !== 'skipped').sort((a, b) => (a.status === b.status ? 0 : a.status === 'failed' ? -1 : 1));
  const skipped = rows.filter((r) => r.status === 'skipped');
  const byReason = new Map<string, JobResult[]>();
  for (const r of skipped) byReason.set(r.error ?? '(no reason recorded)', [...(byReason.get(r.error ?? '(no reason recorded)') ?? []), r]);
  const reasonCols: Column<[string, JobResult[]]>[] = [
    { key: 'count', title: 'jobs', value: ([, js]) => js.length, cell: ([, js]) => String(js.length) },
    { key: 'reason', title: 'reason', cell: ([reason]) => html`<span class="reason">${reason}</span>` },
    {
      key: 'which',
      title: 'which',
      cell: ([, js]) =>
        html`<details><summary>${js.length === 1 ? js[0].id : `${js[0].id} and ${js.length - 1} more`}</summary><ul class="plain small">${js.map((r) => html`<li><code>${r.id}</code></li>`)}</ul></details>`,
    },
  ];
  return html`<p>${(['failed', 'invalid', 'skipped'] as const).map((s) => html`<span class="status ${s}">${model.counts[s]} ${s}</span> `)}</p>
    <p class="caption">Failed: the job did not finish. Invalid: it ran, but not what was asked (for example a silent backend fallback); its numbers are kept in the tables and left out of every chart. Skipped: impossible on the target, decided before running.</p>
    ${bad.length ? html`<h3>Failed and invalid</h3>${sortableTable(cols, bad, { jobOf: (r) => r.id, className: 'problems' })}` : ''}
    ${skipped.length ? html`<h3>Skipped, by reason</h3>${sortableTable(reasonCols, [...byReason], { className: 'skipped' })}` : ''}`;
}

/** In Markdown: a table of the failed and invalid jobs, and the skipped ones counted by reason. */
function problemsMarkdown(model: ReportModel): string[] {
  const out: string[] = [];
  const problems = model.results.filter((r) => r.status === 'failed' || r.status === 'invalid');
  const skipped = model.results.filter((r) => r.status === 'skipped');
  if (problems.length) {
    out.push('', '### Failed and invalid jobs', '', row(['job', 'status', 'reason']), row(['---', '---', '---']));
    for (const r of problems) out.push(row([cell(r.id), r.status, cell((r.error ?? '').split('\n')[0])]));
  }
  if (skipped.length) {
    const reasons = new Map<string, number>();
    for (const r of skipped) reasons.set(r.error ?? '(no reason)', (reasons.get(r.error ?? '(no reason)') ?? 0) + 1);
    out.push('', `<details><summary>${skipped.length} skipped</summary>`, '');
    for (const [reason, n] of reasons) out.push(`- ${n} × ${cell(reason)}`);
    out.push('', '</details>');
  }
  return out;
}

export const problemsSection: RunSection = {
  id: 'problems',
  title: 'Failed, invalid and skipped jobs',
  navTitle: 'Failed, invalid, skipped',
  scope: 'run',
  html: ({ model }) => problemsHtml(model),
  markdown: ({ model }) => problemsMarkdown(model),
};
