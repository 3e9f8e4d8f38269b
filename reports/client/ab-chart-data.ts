/** What the A/B section hands its client script (reports/ab-section.ts writes it, reports/client/ab-charts.ts draws it). */

/** One pair: seconds since the comparison started, B's change against A in per cent, its worker pair. */
export interface AbPoint {
  x: number;
  y: number;
  w: number;
}

/** One job's two charts: its pairs over time by order, and their histogram by order. */
export interface AbJobChart {
  job: string;
  /** Canvas ids. */
  time: string;
  dist: string;
  ab: AbPoint[];
  ba: AbPoint[];
  /** The verdict's change and interval, in per cent (null when not judged), and ± the min effect. */
  estimate: number | null;
  interval: [number, number] | null;
  minEffect: number;
  /** Histogram over both orders: bin edges (per cent) and counts per order. */
  hist: { edges: number[]; ab: number[]; ba: number[] };
}

/** The JSON block's content. */
export interface AbChartData {
  jobs: AbJobChart[];
}
