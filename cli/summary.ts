/** The table printed at the end of a run: one row per job, the numbers that choose a variant. */
import type { JobResult } from '../harness/results.ts';

const num = (v: number | null | undefined, digits: number) => (v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits));

/** Render results as an aligned text table. */
export function summaryTable(results: JobResult[]): string {
  const header = ['job', 'status', 'median ms', '95% CI ms', 'p90 ms', 'GMAC/s', 'load+init ms', 'peak RSS MB', 'top-1', 'agree'];
  const rows = results.map((r) => [
    r.id,
    r.status,
    num(r.latency?.medianMs, 2),
    r.latency ? `${num(r.latency.ci95Ms[0], 2)}–${num(r.latency.ci95Ms[1], 2)}` : '–',
    num(r.latency?.p90Ms, 2),
    num(r.analytic.gmacPerSecond, 2),
    r.coldStart ? num((r.coldStart.loadMs ?? 0) + (r.coldStart.initMs ?? 0), 0) : '–',
    r.memory?.peakRssBytes ? num(r.memory.peakRssBytes / 2 ** 20, 0) : '–',
    r.accuracy?.top1 != null ? `${(r.accuracy.top1 * 100).toFixed(1)}%` : '–',
    r.accuracy?.agreementTop1 != null ? `${(r.accuracy.agreementTop1 * 100).toFixed(0)}%` : '–',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const counts = ['ok', 'invalid', 'failed', 'skipped'].map((s) => `${results.filter((r) => r.status === s).length} ${s}`).join(', ');
  const problems = results.filter((r) => r.status === 'failed' || r.status === 'invalid').map((r) => `  ${r.id}: ${r.status}: ${r.error?.split('\n')[0] ?? ''}`);
  // Skips share a few reasons: list each reason once with how many jobs it covers.
  const skipReasons = new Map<string, number>();
  for (const r of results.filter((x) => x.status === 'skipped')) skipReasons.set(r.error ?? '', (skipReasons.get(r.error ?? '') ?? 0) + 1);
  const skips = [...skipReasons].map(([reason, n]) => `  ${n} job${n > 1 ? 's' : ''}: ${reason}`);
  return [
    line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', counts,
    ...(problems.length ? ['', 'Failed or invalid:', ...problems] : []),
    ...(skips.length ? ['', 'Skipped:', ...skips] : []),
  ].join('\n');
}
