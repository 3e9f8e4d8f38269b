/** Per target: each job's top-1 agreement with the reference implementation and its largest logit difference. */
import type { JobResult } from '../../contract/results.ts';
import { fmtDelta, fmtPct, isNum } from '../../contract/format.ts';
import { precisionLabel, type TargetView } from '../data.ts';
import { html, type SafeHtml } from '../escape.ts';
import type { TargetSection } from '../section.ts';
import { sortableTable, type Column } from '../table.ts';

function agreementHtml(view: TargetView): SafeHtml {
  const rows = view.ok.filter((r) => r.impl !== 'reference' && r.accuracy);
  if (!rows.length) return html`<p class="notice">Only the reference implementation ran on this target: nothing to compare with it.</p>`;
  const cols: Column<JobResult>[] = [
    { key: 'job', title: 'job', cell: (r) => html`<code>${r.id}</code>` },
    { key: 'precision', title: 'precision', cell: (r) => precisionLabel(r.precision) },
    { key: 'n', title: 'inputs compared', value: (r) => r.accuracy!.agreementN ?? r.accuracy!.n, cell: (r) => String(r.accuracy!.agreementN ?? r.accuracy!.n) },
    {
      key: 'agreement',
      title: 'top-1 agreement',
      unit: '%',
      value: (r) => r.accuracy!.agreementTop1,
      cell: (r) =>
        html`<span class="${isNum(r.accuracy!.agreementTop1) && r.accuracy!.agreementTop1! < 1 ? 'warn' : ''}">${fmtPct(r.accuracy!.agreementTop1)}</span>`,
    },
    { key: 'maxDelta', title: 'max |Δ logit|', value: (r) => r.accuracy!.maxAbsLogitDelta, cell: (r) => fmtDelta(r.accuracy!.maxAbsLogitDelta) },
  ];
  // A note shared by every row is said once above the table instead of on each row.
  const notes = new Set(rows.map((r) => r.accuracy!.note ?? ''));
  const sharedNote = notes.size === 1 ? [...notes][0] : null;
  if (sharedNote === null) cols.push({ key: 'note', title: 'note', cell: (r) => html`<span class="muted small">${r.accuracy!.note ?? ''}</span>` });
  const disagreeing = rows.filter((r) => isNum(r.accuracy!.agreementTop1) && r.accuracy!.agreementTop1! < 1).length;
  return html`<p>${disagreeing === 0 ? `All ${rows.length} jobs predict the same top-1 class as the reference implementation on every input.` : `${disagreeing} of ${rows.length} jobs disagree with the reference on at least one input (highlighted).`}</p>
    ${sharedNote ? html`<p class="caption">Every job: ${sharedNote}.</p>` : html``}
    ${sortableTable(cols, rows, { jobOf: (r) => r.id })}`;
}

export const agreementSection: TargetSection = { id: 'agreement', title: 'Agreement with reference', scope: 'target', html: ({ view }) => agreementHtml(view) };
