/** The trend of each job over a history: its points (median, CI, commit, link) per device and branch, and its change points with commit ranges. Pure. */
import { redactOptionalUrl } from '../../contract/secrets.ts';
import { changePoints, type ChangePointOptions } from './changepoints.ts';
import type { HistoryEntry } from './schema.ts';
import type { TrendChange, TrendSeries } from '../../contract/trend-series.ts';

export type { TrendChange, TrendPoint, TrendSeries } from '../../contract/trend-series.ts';

/** One series per job id, device and branch, oldest point first; `reportUrl(entry)` links points. */
export function trendSeries(
  entries: readonly HistoryEntry[],
  o: { reportUrl?: (e: HistoryEntry) => string | null; changePoints?: Partial<ChangePointOptions> } = {},
): TrendSeries[] {
  const byKey = new Map<string, TrendSeries>();
  for (const e of entries) {
    for (const j of e.jobs) {
      if (j.status !== 'ok' || j.medianMs === null) continue;
      const key = `${j.id}\u0000${j.device}\u0000${e.source.branch ?? ''}`;
      let s = byKey.get(key);
      if (!s) {
        s = {
          key,
          id: j.id,
          device: j.device,
          branch: e.source.branch,
          target: j.target,
          impl: j.impl,
          variant: `${j.alpha.toFixed(2)}_${j.resolution}`,
          precision: j.precision,
          points: [],
          changes: [],
        };
        byKey.set(key, s);
      }
      s.points.push({
        time: e.source.time,
        commit: e.source.commit,
        runId: e.runId,
        medianMs: j.medianMs,
        ci95Ms: j.ci95Ms,
        // An entry written before URLs were redacted (or by hand) still shows none of its credentials.
        url: redactOptionalUrl(o.reportUrl?.(e) ?? e.source.url),
      });
    }
  }
  for (const s of byKey.values()) {
    s.points.sort((a, b) => a.time.localeCompare(b.time));
    s.changes = changePoints(
      s.points.map((p) => p.medianMs),
      o.changePoints,
    ).map((c) => ({
      index: c.index,
      step: c.step,
      fromCommit: s.points[c.index - 1].commit,
      toCommit: s.points[c.index].commit,
      time: s.points[c.index].time,
    }));
  }
  return [...byKey.values()];
}
