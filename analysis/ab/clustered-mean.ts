/**
 * The mean log-ratio with a standard error that carries the variation between worker pairs as well
 * as within them: the mean of per-worker-pair means, with Student's t over worker pairs (df = G − 1).
 * Why not the plain paired t over all pairs: two processes of identical code differ by a few per cent
 * (memory-layout luck), so the pairs of one worker pair are not independent of each other; treating
 * them so makes the interval too narrow by √(n per worker pair) in the worst case (docs/ab-verdicts.md#the-interval).
 */
import { tQuantile } from '../../contract/stats/student-t.ts';

/** A mean with its standard error and the t degrees of freedom its interval uses. */
export interface MeanEstimate {
  mean: number;
  se: number;
  df: number;
  /** Clusters (worker pairs) and values that entered. */
  clusters: number;
  n: number;
}

/** Mean of the values, and the sample standard deviation (0 below two values). */
function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  if (xs.length < 2) return { mean, sd: 0 };
  const ss = xs.reduce((s, x) => s + (x - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(ss / (xs.length - 1)) };
}

/** The clustered estimate: each cluster's mean, then their mean and t over clusters (se NaN and df 0 below two clusters). */
export function clusteredMean(values: readonly number[], clusterOf: readonly number[]): MeanEstimate {
  if (values.length !== clusterOf.length) throw new Error('clusteredMean: one cluster per value');
  const sums = new Map<number, { s: number; n: number }>();
  values.forEach((v, i) => {
    const c = sums.get(clusterOf[i]) ?? { s: 0, n: 0 };
    c.s += v;
    c.n += 1;
    sums.set(clusterOf[i], c);
  });
  const means = [...sums.values()].map((c) => c.s / c.n);
  if (!means.length) return { mean: Number.NaN, se: Number.NaN, df: 0, clusters: 0, n: 0 };
  const { mean, sd } = meanSd(means);
  const g = means.length;
  return { mean, se: g < 2 ? Number.NaN : sd / Math.sqrt(g), df: g - 1, clusters: g, n: values.length };
}

/** The naive estimate that treats every value as independent (df = n − 1): for comparison only, never for verdicts. */
export function independentMean(values: readonly number[]): MeanEstimate {
  const { mean, sd } = meanSd(values);
  const n = values.length;
  return { mean, se: n < 2 ? Number.NaN : sd / Math.sqrt(n), df: n - 1, clusters: n, n };
}

/** The two-sided interval at nominal level `level` (0.05 → 95 %): mean ± t_{df, 1 − level/2} · se ([NaN, NaN] when df < 1). */
export function intervalAt(e: MeanEstimate, level: number): [number, number] {
  if (!(e.df >= 1) || !Number.isFinite(e.se)) return [Number.NaN, Number.NaN];
  if (e.se === 0) return [e.mean, e.mean];
  const t = tQuantile(1 - level / 2, e.df);
  return [e.mean - t * e.se, e.mean + t * e.se];
}
