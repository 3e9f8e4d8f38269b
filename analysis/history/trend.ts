/** The trend of each job over a history: its points (median, CI, commit, link) per device and branch, and its change points with commit ranges. Pure. */
import { changePoints, type ChangePointOptions } from './changepoints.ts';
import { instantOf, type HistoryEntry } from './schema.ts';
import { likeKey } from './comparable.ts';

export interface TrendPoint {
  time: string;
  commit: string | null;
  runId: string;
  medianMs: number;
  ci95Ms: [number, number] | null;
  /** The run's report or CI page, where known. */
  url: string | null;
}

export interface TrendChange {
  /** Index of the first point after the step. */
  index: number;
  step: number;
  /** Last commit before and first commit after: the range the change lies in. */
  fromCommit: string | null;
  toCommit: string | null;
  time: string;
}

export interface TrendSeries {
  key: string;
  id: string;
  device: string;
  branch: string | null;
  target: string;
  impl: string;
  variant: string;
  precision: string;
  /** Ordinary or sustained sampling: never one series. */
  sampling: 'ordinary' | 'sustained';
  points: TrendPoint[];
  changes: TrendChange[];
}

/** One series per job id, device and branch, oldest point first; `reportUrl(entry)` links points. */
export function trendSeries(
  entries: readonly HistoryEntry[],
  o: { reportUrl?: (e: HistoryEntry) => string | null; changePoints?: Partial<ChangePointOptions> } = {},
): TrendSeries[] {
  const byKey = new Map<string, TrendSeries>();
  for (const e of entries) {
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
        url: o.reportUrl?.(e) ?? e.source.url,
      });
    }
  }
  for (const s of byKey.values()) {
    // By instant: times with offsets do not sort as strings.
    s.points.sort((a, b) => instantOf(a.time) - instantOf(b.time));
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
