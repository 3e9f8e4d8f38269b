/**
 * What the report page hands its inlined script: one spec per canvas, computed in Node
 * from the results and embedded as JSON. Shared by reports/html.ts (writes them) and
 * reports/client/report.ts (draws them).
 */

/** A point of a scatter; `job` names the job for tooltips. */
export interface SpecPoint {
  x: number;
  y: number;
  job: string;
}

/** A coloured series. */
export interface SpecSeries {
  label: string;
  color: string;
  /** Chart.js point style: precision is shown by shape as well as colour. */
  pointStyle: 'circle' | 'triangle' | 'rect' | 'rectRot';
  points: SpecPoint[];
}

/** Accuracy (top-1, %) against median latency (ms, log), with the frontier drawn as a step line. */
export interface ParetoSpec {
  kind: 'pareto';
  canvas: string;
  series: SpecSeries[];
  frontier: SpecPoint[];
  /** Latency axis range (ms). */
  xMin: number;
  xMax: number;
}

/** α × resolution heatmap of median latency for one configuration. */
export interface HeatmapSpec {
  kind: 'heatmap';
  canvas: string;
  resolutions: number[];
  alphas: string[];
  cells: { x: string; y: string; v: number; job: string }[];
  /** Colour range shared by every heatmap of the target (ms, log scale). */
  min: number;
  max: number;
}

/** Box plots of latency samples per variant of one configuration, with the bootstrap CI of the median. */
export interface BoxSpec {
  kind: 'box';
  canvas: string;
  color: string;
  labels: string[];
  samples: number[][];
  ci: [number, number][];
  /** Axis range shared by every box chart of the target (ms). */
  min: number;
  max: number;
}

/** Cold start (load, init, first inference) stacked beside the steady-state median, per variant. */
export interface ColdSpec {
  kind: 'cold';
  canvas: string;
  labels: string[];
  load: (number | null)[];
  init: (number | null)[];
  first: (number | null)[];
  steady: (number | null)[];
  /** Axis maximum shared by every cold-start chart of the target (ms). */
  max: number;
}

/** Grouped bars per variant: one series per configuration (memory). */
export interface BarsSpec {
  kind: 'bars';
  canvas: string;
  labels: string[];
  series: { label: string; color: string; values: (number | null)[] }[];
  yTitle: string;
  /** X axis title; default 'variant (α_resolution)'. */
  xTitle?: string;
}

/** Lines of achieved GMAC/s against analytic MACs, one per configuration. */
export interface GmacSpec {
  kind: 'gmacs';
  canvas: string;
  series: SpecSeries[];
  /** Axis ranges: millions of MACs, GMAC/s. */
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** Sustained mode: each job's window medians over sampling time, one line per job. */
export interface SustainedSpec {
  kind: 'sustained';
  canvas: string;
  /** x: the window's middle, seconds since the timed samples began; y: its median (ms). */
  series: { label: string; color: string; points: { x: number; y: number; samples: number }[] }[];
}

/**
 * A roofline (log-log): achieved GMAC/s against arithmetic intensity (MAC per byte), the target's
 * measured roofs as lines (min(compute, bandwidth × intensity)), one point per job and, when
 * profiled, one per layer.
 */
export interface RooflineSpec {
  kind: 'roofline';
  canvas: string;
  roofs: { label: string; color: string; dashed: boolean; points: { x: number; y: number }[] }[];
  series: { label: string; color: string; pointStyle: SpecSeries['pointStyle']; radius: number; points: SpecPoint[] }[];
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

export type ChartSpec = ParetoSpec | HeatmapSpec | BoxSpec | ColdSpec | BarsSpec | GmacSpec | SustainedSpec | RooflineSpec;

/** The JSON block's content. */
export interface ReportPayload {
  /** Phase colours for the cold-start charts: load, init, first inference, steady. */
  phaseColors: [string, string, string, string];
  /** Sequential colour ramp for heatmaps, low to high. */
  ramp: string[];
  charts: ChartSpec[];
}
