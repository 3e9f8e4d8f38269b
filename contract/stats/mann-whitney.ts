/**
 * The Mann-Whitney U test (Wilcoxon rank-sum) as a pure function: does one sample tend to
 * be larger than the other? Exact for small samples without ties, otherwise the normal
 * approximation with tie and continuity corrections (the same numbers as
 * scipy.stats.mannwhitneyu(x, y, method='exact' | 'asymptotic', use_continuity=True)).
 */

/** Result of a two-sided Mann-Whitney U test of x against y. */
export interface MannWhitneyResult {
  /** U of the first sample: the number of pairs (xi, yj) with xi > yj, ties counting ½. */
  u1: number;
  /** U of the second sample (n1·n2 − u1). */
  u2: number;
  /** Two-sided p-value. */
  p: number;
  /** Standardised statistic of the normal approximation (with continuity correction); NaN when exact. */
  z: number;
  /** How p was computed. */
  method: 'exact' | 'normal';
}

/** Largest n1 + n2 for which the exact distribution is used (when there are no ties). */
const EXACT_MAX_TOTAL = 60;

/** Ranks 1..n of the pooled values, ties given their average rank; also Σ(t³ − t) over tie groups. */
export function rankWithTies(values: readonly number[]): { ranks: Float64Array; tieTerm: number } {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = rank;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  return { ranks, tieTerm };
}

/** Standard normal upper tail P(Z > z), via erfc (relative error < 1.2e-7, also far in the tail). */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Complementary error function (the Chebyshev fit of Numerical Recipes' erfcc; relative error < 1.2e-7 everywhere). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/**
 * Exact null distribution of U for sample sizes m, n without ties: P(U ≤ u) for u = 0..m·n.
 * Counts the m-subsets of ranks 1..m+n by their sum (a subset-sum DP), in floating point.
 */
export function exactUCdf(m: number, n: number): Float64Array {
  const N = m + n;
  const maxU = m * n;
  // counts[k][s]: number of k-subsets of the ranks seen so far whose rank sum minus k(k+1)/2 is s (that is, U).
  // Adding rank i to a (k−1)-subset adds i − k to that offset sum.
  const counts: Float64Array[] = Array.from({ length: m + 1 }, () => new Float64Array(maxU + 1));
  counts[0][0] = 1;
  for (let i = 1; i <= N; i++) {
    for (let k = Math.min(i, m); k >= 1; k--) {
      const shift = i - k;
      if (shift > maxU) continue;
      const dst = counts[k];
      const src = counts[k - 1];
      for (let s = maxU; s >= shift; s--) dst[s] += src[s - shift];
    }
  }
  const dist = counts[m];
  let total = 0;
  for (let s = 0; s <= maxU; s++) total += dist[s];
  const cdf = new Float64Array(maxU + 1);
  let acc = 0;
  for (let s = 0; s <= maxU; s++) {
    acc += dist[s];
    cdf[s] = acc / total;
  }
  return cdf;
}

/** Two-sided Mann-Whitney U test of x against y (exact when possible, see EXACT_MAX_TOTAL). */
export function mannWhitneyU(x: readonly number[], y: readonly number[], { exact = 'auto' as 'auto' | boolean } = {}): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return { u1: Number.NaN, u2: Number.NaN, p: Number.NaN, z: Number.NaN, method: 'normal' };
  const pooled = [...x, ...y];
  const { ranks, tieTerm } = rankWithTies(pooled);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i];
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const useExact = exact === 'auto' ? tieTerm === 0 && n1 + n2 <= EXACT_MAX_TOTAL : exact && tieTerm === 0;
  if (useExact) {
    const cdf = exactUCdf(n1, n2);
    const uMax = Math.max(u1, u2);
    // P(U ≥ uMax) = 1 − P(U ≤ uMax − 1); the null distribution is symmetric, so two-sided doubles it.
    const upper = uMax >= 1 ? 1 - cdf[uMax - 1] : 1;
    return { u1, u2, p: Math.min(1, 2 * upper), z: Number.NaN, method: 'exact' };
  }
  const n = n1 + n2;
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u1, u2, p: 1, z: 0, method: 'normal' }; // every value equal
  const z = (Math.max(u1, u2) - mu - 0.5) / Math.sqrt(variance);
  return { u1, u2, p: Math.min(1, 2 * normalSf(z)), z, method: 'normal' };
}
