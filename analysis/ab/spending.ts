/**
 * Alpha spending over the looks of a sequential comparison (Lan & DeMets 1983): how much of the
 * false-alarm budget α may have been used once a fraction t of the planned pairs has been judged.
 * Each look tests at the increment α(t_k) − α(t_{k−1}); by the union bound, the chance of any false
 * alarm over all looks stays ≤ α whatever the correlation between looks (docs/ab-verdicts.md#sequential).
 */
import { normalSf } from '../../contract/stats/mann-whitney.ts';

/** The spending functions offered: O'Brien–Fleming-type spends almost nothing early and most at the cap; Pocock-type spends evenly. */
export const SPENDINGS = ['obrien-fleming', 'pocock'] as const;
export type SpendingName = (typeof SPENDINGS)[number];

/** The standard normal quantile z with P(Z > z) = p (bisection on normalSf; p in (0, 1)). */
export function normalUpperQuantile(p: number): number {
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (normalSf(mid) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** α(t): the two-sided false-alarm budget spent by information fraction t ∈ [0, 1] (α(0) = 0, α(1) = α). */
export function alphaSpent(t: number, alpha: number, spending: SpendingName): number {
  if (!(t > 0)) return 0;
  if (t >= 1) return alpha;
  if (spending === 'pocock') return alpha * Math.log(1 + (Math.E - 1) * t);
  return Math.min(alpha, 2 * normalSf(normalUpperQuantile(alpha / 2) / Math.sqrt(t)));
}
