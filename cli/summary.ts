/** The table printed at the end of a run: one row per job, the numbers that choose a variant. */
import { fmtMiB, fmtMs, fmtNum, fmtPct } from '../contract/format.ts';
import type { JobResult } from '../contract/results.ts';
import { gmacPerSecond } from '../contract/run-data.ts';

/** Render results as an aligned text table. */
export function summaryTable(results: JobResult[]): string {
  // The same formatting as the reports and compare (contract/format.ts): one value, one spelling.
  const header = ['job', 'status', 'median ms', '95% CI ms', 'p90 ms', 'GMAC/s', 'load+init ms', 'peak RSS MiB', 'top-1', 'agree'];
  const rows = results.map((r) => [
    r.id,
    r.status,
    fmtMs(r.latency?.medianMs),
    r.latency ? `${fmtMs(r.latency.ci95Ms[0])}–${fmtMs(r.latency.ci95Ms[1])}` : '–',
    fmtMs(r.latency?.p90Ms),
    fmtNum(r.latency ? gmacPerSecond(r) : null, 2),
    r.coldStart ? fmtMs((r.coldStart.loadMs ?? 0) + (r.coldStart.initMs ?? 0)) : '–',
    fmtMiB(r.memory?.peakRssBytes),
    fmtPct(r.accuracy?.top1),
    fmtPct(r.accuracy?.agreementTop1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const counts = ['ok', 'invalid', 'failed', 'skipped'].map((s) => `${results.filter((r) => r.status === s).length} ${s}`).join(', ');
  const problems = results
    .filter((r) => r.status === 'failed' || r.status === 'invalid')
    .map((r) => `  ${r.id}: ${r.status}: ${r.error?.split('\n')[0] ?? ''}`);
  // Skips share a few reasons: list each reason once with how many jobs it covers.
  const skipReasons = new Map<string, number>();
  for (const r of results.filter((x) => x.status === 'skipped')) skipReasons.set(r.error ?? '', (skipReasons.get(r.error ?? '') ?? 0) + 1);
  const skips = [...skipReasons].map(([reason, n]) => `  ${n} job${n > 1 ? 's' : ''}: ${reason}`);
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    counts,
    ...(problems.length ? ['', 'Failed or invalid:', ...problems] : []),
    ...(skips.length ? ['', 'Skipped:', ...skips] : []),
  ].join('\n');
}
