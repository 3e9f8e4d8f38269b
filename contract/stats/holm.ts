/** Holm–Bonferroni step-down adjustment: controls the family-wise error rate over many jobs compared at once. */

/**
 * Holm-adjusted p-values, in the input order (the same numbers as statsmodels'
 * multipletests(p, method='holm')): sort ascending, multiply the i-th smallest
 * (0-based) by m − i, make the sequence non-decreasing, cap at 1. NaN stays NaN and
 * does not count towards m.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const idx = pValues
    .map((p, i) => [p, i] as const)
    .filter(([p]) => !Number.isNaN(p))
    .sort((a, b) => a[0] - b[0]);
  const m = idx.length;
  const out = pValues.map(() => Number.NaN);
  let running = 0;
  idx.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}
