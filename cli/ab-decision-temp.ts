/**
 * TEMPORARY decision for `ab`, until analysis/ab's (the paired clustered interval, the sequential
 * rule with its error spending, Holm across jobs) is merged: the lead swaps `temporaryDecide` for it.
 * It takes the mean log-ratio of each worker pair and a Student t interval over those means (worker
 * pairs are the clusters), and judges it against ±min-effect. Its repeated looks are covered by
 * Bonferroni (each of at most `maxLooks` looks at 0.05 / maxLooks: crude, it costs power); there is
 * no correction across jobs. Measured with the uncorrected rule: 5 of 16 A/A job-comparisons raised
 * a verdict (docs/performance.md). Do not publish its verdicts.
 */
import { tQuantile } from '../contract/stats/student-t.ts';
import type { AbPairRecord } from '../harness/ab/pair-record.ts';

export interface TempVerdict {
  verdict: 'slower' | 'faster' | 'no change' | 'inconclusive';
  /** B over A, ms per inference: exp(mean log-ratio). */
  ratio: number | null;
  interval: [number, number] | null;
  pairs: number;
  dropped: number;
  workerPairs: number;
}

/** Pairs before the first look (two batches of the default size). */
const MIN_PAIRS = 32;

/** The temporary rule, as a `decide` callback for the controller. */
export function temporaryDecide(minEffect: number, maxLooks: number) {
  const bound = Math.log(1 + minEffect);
  const perLook = 0.05 / Math.max(1, maxLooks);
  return (pairs: AbPairRecord[], dropped: number): { done: boolean; verdict: TempVerdict } => {
    const byWorker = new Map<number, number[]>();
    for (const p of pairs) {
      const lr = Math.log(p.bMs / p.bInferences) - Math.log(p.aMs / p.aInferences);
      byWorker.set(p.workerPair, [...(byWorker.get(p.workerPair) ?? []), lr]);
    }
    const means = [...byWorker.values()].filter((xs) => xs.length >= 2).map((xs) => xs.reduce((s, x) => s + x, 0) / xs.length);
    const base = { pairs: pairs.length, dropped, workerPairs: byWorker.size };
    if (means.length < 2) return { done: false, verdict: { verdict: 'inconclusive', ratio: null, interval: null, ...base } };
    const m = means.reduce((s, x) => s + x, 0) / means.length;
    const sd = Math.sqrt(means.reduce((s, x) => s + (x - m) ** 2, 0) / (means.length - 1));
    const half = tQuantile(1 - perLook / 2, means.length - 1) * (sd / Math.sqrt(means.length));
    const [lo, hi] = [m - half, m + half];
    const verdict: TempVerdict['verdict'] =
      lo > 0 && m > bound ? 'slower' : hi < 0 && m < -bound ? 'faster' : lo > -bound && hi < bound ? 'no change' : 'inconclusive';
    return {
      done: pairs.length >= MIN_PAIRS && verdict !== 'inconclusive',
      verdict: { verdict, ratio: Math.exp(m), interval: [Math.exp(lo), Math.exp(hi)], ...base },
    };
  };
}
