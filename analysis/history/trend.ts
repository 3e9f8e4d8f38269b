/** The trend of each job over a history: its points (median, CI, commit, link) per device and branch, and its change points with commit ranges. Pure. */
import { redactOptionalUrl } from '../../contract/secrets.ts';
import { changePoints, type ChangePointOptions } from './changepoints.ts';
import { instantOf, type HistoryEntry } from './schema.ts';
import { likeKey } from './comparable.ts';
import type { TrendSeries } from '../../contract/trend-series.ts';

export type { TrendChange, TrendPoint, TrendSeries } from '../../contract/trend-series.ts';

/** Runs per series the trend page shows by default: a 5,000-run × 128-job history made a 126 MB page and took 48 s; `--all` shows every run. */
export const DEFAULT_TREND_WINDOW = 200;

/**
 * One series per job id, device, branch and way of measuring, oldest point first; `reportUrl(entry)`
 * links points. Each series keeps its last `window` runs (null: all); change points are found
 * within them, and `omitted` says how many older ones were left out.
 */
export function trendSeries(
  entries: readonly HistoryEntry[],
  o: { reportUrl?: (e: HistoryEntry) => string | null; changePoints?: Partial<ChangePointOptions>; window?: number | null } = {},
): TrendSeries[] {
  const window = o.window === undefined ? DEFAULT_TREND_WINDOW : o.window;
  // Oldest first by instant (times with offsets do not sort as strings); stable, so ties keep their order.
  const at = entries.map((e) => instantOf(e.source.time));
  const order = entries.map((_, i) => i).sort((a, b) => at[a] - at[b] || a - b);
  const byKey = new Map<string, TrendSeries>();
  /** Where each series' oldest run lies in `order`: series are listed oldest first, as the runs came. */
  const firstAt = new Map<TrendSeries, number>();
  // Newest first, so a series stops taking points at its window: a 5,000-run history never builds 640,000 points to keep 25,600.
  for (let k = order.length - 1; k >= 0; k--) {
    const e = entries[order[k]];
    for (const j of e.jobs) {
      if (j.status !== 'ok' || j.medianMs === null) continue;
      // Runs measured otherwise (sustained against ordinary, another backend) are separate series, never one line.
      const key = `${j.id}\u0000${j.device}\u0000${e.source.branch ?? ''}\u0000${likeKey(j)}`;
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
          sampling: j.sampling,
          points: [],
          omitted: 0,
          changes: [],
        };
        byKey.set(key, s);
      }
      firstAt.set(s, k);
      if (window !== null && s.points.length >= window) {
        s.omitted++;
        continue;
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
  const series = [...byKey.values()].sort((a, b) => firstAt.get(a)! - firstAt.get(b)!);
  for (const s of series) {
    s.points.reverse();
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
  return series;
}
