/**
 * Statistics as pure functions over arrays of samples (milliseconds unless said).
 * Nothing here knows about jobs, runners or files.
 */
import { mulberry32 } from './random.ts';

/** Ascending copy. */
export function sorted(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/** Quantile q ∈ [0, 1] with linear interpolation between order statistics (Hyndman–Fan type 7, as numpy's default). */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = sorted(xs);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** Median (the 0.5 quantile). */
export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** Arithmetic mean. */
export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Median absolute deviation from the median, unscaled (multiply by 1.4826 for a normal σ estimate). */
export function mad(xs: readonly number[]): number {
  const m = median(xs);
  return median(xs.map((x) => Math.abs(x - m)));
}

/** The seeded PRNG every statistic here uses (shared with the synthetic weights). */
export { mulberry32 };

/** Percentile-bootstrap confidence interval of the median: [low, high] at `level` (default 95 %), seeded. */
export function bootstrapMedianCI(xs: readonly number[], level = 0.95, resamples = 2000, seed = 1): [number, number] {
  if (xs.length === 0) return [Number.NaN, Number.NaN];
  if (xs.length === 1) return [xs[0], xs[0]];
  const random = mulberry32(seed);
  const n = xs.length;
  const medians = new Float64Array(resamples);
  const draw = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) draw[i] = xs[Math.floor(random() * n)];
    draw.sort();
    medians[r] = n % 2 ? draw[(n - 1) / 2] : (draw[n / 2 - 1] + draw[n / 2]) / 2;
  }
  const alpha = (1 - level) / 2;
  const ms = Array.from(medians);
  return [quantile(ms, alpha), quantile(ms, 1 - alpha)];
}

/** Latency summary of one job, all in milliseconds. */
export interface LatencySummary {
  medianMs: number;
  p90Ms: number;
  p99Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  /** Unscaled median absolute deviation. */
  madMs: number;
  /** Bootstrap 95 % confidence interval of the median. */
  ci95Ms: [number, number];
}

/** Summarise samples (in time order or not). */
export function summarizeLatency(samplesMs: readonly number[], seed = 1): LatencySummary {
  return {
    medianMs: median(samplesMs),
    p90Ms: quantile(samplesMs, 0.9),
    p99Ms: quantile(samplesMs, 0.99),
    meanMs: mean(samplesMs),
    minMs: Math.min(...samplesMs),
    maxMs: Math.max(...samplesMs),
    madMs: mad(samplesMs),
    ci95Ms: bootstrapMedianCI(samplesMs, 0.95, 2000, seed),
  };
}

/** Whether the run slowed down or sped up over time (thermal throttling, turbo, background load). */
export interface DriftCheck {
  firstQuarterMedianMs: number;
  lastQuarterMedianMs: number;
  /** last / first. */
  ratio: number;
  /** |ratio − 1| above the threshold. */
  flagged: boolean;
}

/** Compare the median of the first and last quarter of time-ordered samples; needs at least 20 (quarters of 5). */
export function checkDrift(samplesInOrder: readonly number[], threshold = 0.1): DriftCheck | null {
  if (samplesInOrder.length < 20) return null;
  const q = Math.floor(samplesInOrder.length / 4);
  const first = median(samplesInOrder.slice(0, q));
  const last = median(samplesInOrder.slice(-q));
  const ratio = last / first;
  return { firstQuarterMedianMs: first, lastQuarterMedianMs: last, ratio, flagged: Math.abs(ratio - 1) > threshold };
}
