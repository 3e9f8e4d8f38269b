/** Effect sizes of a latency change between two sample sets: ratio of medians with a bootstrap CI, Hodges–Lehmann. */
import { median, mulberry32, quantile } from './describe.ts';

/** Median of a Float64Array that may be reordered in place. */
function medianInPlace(a: Float64Array): number {
  a.sort();
  const n = a.length;
  return n % 2 ? a[(n - 1) / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
}

/** current median / baseline median (> 1: slower). */
export function medianRatio(baseline: readonly number[], current: readonly number[]): number {
  return median(current) / median(baseline);
}

/**
 * Percentile-bootstrap CI of median(current) / median(baseline): each sample set is
 * resampled on its own, `resamples` times, with a seeded PRNG (mulberry32), so the same
 * inputs always give the same interval.
 */
export function bootstrapRatioCI(baseline: readonly number[], current: readonly number[], level = 0.95, resamples = 2000, seed = 1): [number, number] {
  if (baseline.length === 0 || current.length === 0) return [Number.NaN, Number.NaN];
  const random = mulberry32(seed);
  const db = new Float64Array(baseline.length);
  const dc = new Float64Array(current.length);
  const ratios: number[] = new Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < db.length; i++) db[i] = baseline[Math.floor(random() * baseline.length)];
    for (let i = 0; i < dc.length; i++) dc[i] = current[Math.floor(random() * current.length)];
    ratios[r] = medianInPlace(dc) / medianInPlace(db);
  }
  const tail = (1 - level) / 2;
  return [quantile(ratios, tail), quantile(ratios, 1 - tail)];
}

/** Hodges–Lehmann shift: the median of all pairwise differences current[j] − baseline[i]. */
export function hodgesLehmannShift(baseline: readonly number[], current: readonly number[]): number {
  if (baseline.length === 0 || current.length === 0) return Number.NaN;
  const d = new Float64Array(baseline.length * current.length);
  let k = 0;
  for (const y of current) for (const x of baseline) d[k++] = y - x;
  return medianInPlace(d);
}

/** Hodges–Lehmann ratio: exp of the median of all pairwise log(current[j] / baseline[i]) (a shift on the log scale). */
export function hodgesLehmannRatio(baseline: readonly number[], current: readonly number[]): number {
  const lb = baseline.filter((v) => v > 0).map(Math.log);
  const lc = current.filter((v) => v > 0).map(Math.log);
  return Math.exp(hodgesLehmannShift(lb, lc));
}

/** Relative half-width of a CI around a centre: (high − low) / (2 · centre); NaN when the centre is not positive. */
export function relativeHalfWidth(ci: readonly [number, number], centre: number): number {
  return centre > 0 ? (ci[1] - ci[0]) / (2 * centre) : Number.NaN;
}
