/** What a trend page draws: one series per job, device, branch and way of measuring, with its points and change points (computed by analysis/history/trend.ts). */

/** One run's median of the job. */
export interface TrendPoint {
  time: string;
  commit: string | null;
  runId: string;
  medianMs: number;
  ci95Ms: [number, number] | null;
  /** The run's report or CI page, where known. */
  url: string | null;
}

/** A change point: where the series steps, and the commit range it lies in. */
export interface TrendChange {
  /** Index of the first point after the step. */
  index: number;
  step: number;
  /** Last commit before and first commit after: the range the change lies in. */
  fromCommit: string | null;
  toCommit: string | null;
  time: string;
}

/** One job's series on one device and branch, oldest point first. */
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
  /** Older runs of this series left out by the window (0 when all are shown). */
  omitted: number;
  changes: TrendChange[];
}
