/** Per target: every job with every headline figure, sortable; what tests compare with the results file. */
import type { JobResult } from '../../contract/results.ts';
import { fmtMiB, fmtMs, fmtNum, fmtPct } from '../../contract/format.ts';
import { gmacPerSecond, precisionLabel } from '../data.ts';
import { html, type SafeHtml } from '../escape.ts';
import type { TargetSection } from '../section.ts';
import { sortableTable, type Column } from '../table.ts';

/** The numbers table: every job of the target, every headline figure; what tests compare with the results file. */
export function resultsTable(jobs: readonly JobResult[]): SafeHtml {
  const cols: Column<JobResult>[] = [
    { key: 'job', title: 'job', cell: (r) => html`<code>${r.id}</code>` },
    { key: 'status', title: 'status', cell: (r) => html`<span class="status ${r.status}">${r.status}</span>` },
    { key: 'precision', title: 'precision', cell: (r) => precisionLabel(r.precision) },
    {
      key: 'median',
      title: 'median',
      unit: 'ms',
      value: (r) => r.latency?.medianMs,
      cell: (r) =>
        r.thermal?.throttled
          ? html`${fmtMs(r.latency?.medianMs)} <span class="warn" title="the device throttled during this job (thermal readings in results.jsonl)">⚠ throttled</span>`
          : fmtMs(r.latency?.medianMs),
    },
    {
      key: 'ci',
      title: '95 % CI of median',
      unit: 'ms',
      value: (r) => r.latency?.ci95Ms[0],
      cell: (r) => (r.latency ? `${fmtMs(r.latency.ci95Ms[0])}–${fmtMs(r.latency.ci95Ms[1])}` : '–'),
    },
    { key: 'p90', title: 'p90', unit: 'ms', value: (r) => r.latency?.p90Ms, cell: (r) => fmtMs(r.latency?.p90Ms) },
    { key: 'p99', title: 'p99', unit: 'ms', value: (r) => r.latency?.p99Ms, cell: (r) => fmtMs(r.latency?.p99Ms) },
    { key: 'mad', title: 'MAD', unit: 'ms', value: (r) => r.latency?.madMs, cell: (r) => fmtMs(r.latency?.madMs) },
    { key: 'samples', title: 'samples', value: (r) => r.latency?.samplesMs.length, cell: (r) => (r.latency ? String(r.latency.samplesMs.length) : '–') },
    { key: 'gmacs', title: 'GMAC/s', value: (r) => (r.latency ? gmacPerSecond(r) : null), cell: (r) => fmtNum(r.latency ? gmacPerSecond(r) : null, 2) },
    { key: 'first', title: 'first inference', unit: 'ms', value: (r) => r.coldStart?.firstInferenceMs, cell: (r) => fmtMs(r.coldStart?.firstInferenceMs) },
    { key: 'peakRss', title: 'peak RSS', unit: 'MiB', value: (r) => r.memory?.peakRssBytes, cell: (r) => fmtMiB(r.memory?.peakRssBytes) },
    { key: 'top1', title: 'top-1', unit: '%', value: (r) => r.accuracy?.top1, cell: (r) => fmtPct(r.accuracy?.top1) },
    { key: 'top5', title: 'top-5', unit: '%', value: (r) => r.accuracy?.top5, cell: (r) => fmtPct(r.accuracy?.top5) },
    { key: 'agreement', title: 'agrees with ref.', unit: '%', value: (r) => r.accuracy?.agreementTop1, cell: (r) => fmtPct(r.accuracy?.agreementTop1) },
    {
      key: 'drift',
      title: 'drift',
      unit: 'last/first',
      value: (r) => r.latency?.drift?.ratio,
      cell: (r) =>
        r.latency?.drift
          ? html`<span class="${r.latency.drift.flagged ? 'warn' : ''}">${fmtNum(r.latency.drift.ratio, 2)}${r.latency.drift.flagged ? ' ⚠' : ''}</span>`
          : '–',
    },
  ];
  return sortableTable(cols, jobs, { jobOf: (r) => r.id, className: 'numbers' });
}

export const numbersSection: TargetSection = {
  id: 'numbers',
  title: 'All jobs',
  scope: 'target',
  nav: true,
  // Failed and invalid jobs are listed here even when none finished ok.
  showWithoutOkJobs: true,
  html: ({ view }) => resultsTable(view.jobs),
};
