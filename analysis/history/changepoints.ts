/**
 * Change points in one job's history: PELT (Killick, Fearnhead & Eckley 2012, "Optimal detection
 * of changepoints with a linear computational cost") on the log medians, with the normal
 * mean-shift cost Σ (x − mean)² / σ² per segment and a penalty β per change. σ comes from the
 * series itself, 1.4826 × MAD of the first differences ÷ √2 (steps barely move it), floored so a
 * flat series does not turn jitter into changes; β = penaltyFactor · 2 · ln n (BIC-like). A change
 * is kept only when its step is at least `minStep`. Pure.
 */
import { median } from '../../contract/stats/describe.ts';

export interface ChangePointOptions {
  /** Multiplier of the BIC penalty 2 ln n. */
  penaltyFactor: number;
  /** Fewest points in a segment. */
  minSegment: number;
  /** Smallest step that counts, relative (0.03 = 3 %). */
  minStep: number;
  /** Floor of σ on the log scale (0.005 ≈ 0.5 %). */
  minSigma: number;
}

const DEFAULT_CHANGE_POINT_OPTIONS: ChangePointOptions = { penaltyFactor: 2, minSegment: 3, minStep: 0.03, minSigma: 0.005 };

export interface ChangePoint {
  /** Index of the first point after the change. */
  index: number;
  /** Mean after ÷ mean before (geometric means of the adjacent segments). */
  step: number;
  before: number;
  after: number;
}

/** Noise of a series with a few steps: MAD of its first differences, scaled to σ. */
function differenceSigma(xs: readonly number[]): number {
  if (xs.length < 3) return 0;
  const d = xs.slice(1).map((x, i) => x - xs[i]);
  return (1.4826 * median(d.map(Math.abs))) / Math.SQRT2;
}

/** Change points of a series of positive values (medians), oldest first. */
export function changePoints(values: readonly number[], options: Partial<ChangePointOptions> = {}): ChangePoint[] {
  const o = { ...DEFAULT_CHANGE_POINT_OPTIONS, ...options };
  const x = values.map(Math.log);
  const n = x.length;
  if (n < 2 * o.minSegment) return [];
  const sigma = Math.max(differenceSigma(x), o.minSigma);
  const s1 = [0];
  const s2 = [0];
  for (const v of x) {
    s1.push(s1.at(-1)! + v);
    s2.push(s2.at(-1)! + v * v);
  }
  // Cost of x[a..b): residual sum of squares around the segment mean, in units of σ².
  const cost = (a: number, b: number) => (s2[b] - s2[a] - (s1[b] - s1[a]) ** 2 / (b - a)) / sigma ** 2;
  const beta = o.penaltyFactor * 2 * Math.log(n);
  const F = new Float64Array(n + 1).fill(Number.POSITIVE_INFINITY);
  F[0] = -beta;
  const last = new Int32Array(n + 1);
  let candidates: number[] = [0];
  for (let t = o.minSegment; t <= n; t++) {
    let best = Number.POSITIVE_INFINITY;
    let arg = 0;
    for (const tau of candidates) {
      if (t - tau < o.minSegment) continue;
      const v = F[tau] + cost(tau, t) + beta;
      if (v < best) {
        best = v;
        arg = tau;
      }
    }
    F[t] = best;
    last[t] = arg;
    // PELT's pruning: a τ that cannot beat t now never will (the cost satisfies it with K = 0).
    // A τ too young to close a segment yet is kept as it is.
    candidates = candidates.filter((tau) => t - tau < o.minSegment || F[tau] + cost(tau, t) <= F[t]);
    candidates.push(t);
  }
  const cuts: number[] = [];
  for (let t = n; t > 0; t = last[t]) if (last[t] > 0) cuts.unshift(last[t]);
  const bounds = [0, ...cuts, n];
  const mean = (a: number, b: number) => (s1[b] - s1[a]) / (b - a);
  const out: ChangePoint[] = [];
  for (let i = 1; i < bounds.length - 1; i++) {
    const before = Math.exp(mean(bounds[i - 1], bounds[i]));
    const after = Math.exp(mean(bounds[i], bounds[i + 1]));
    if (Math.abs(Math.log(after / before)) >= Math.log1p(o.minStep)) out.push({ index: bounds[i], step: after / before, before, after });
  }
  return out;
}
