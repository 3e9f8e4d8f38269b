/**
 * When has a job sampled enough? Pure functions over time-ordered samples (milliseconds).
 *
 * The rule stops once the 95 % CI half-width of the median, relative to the median, is at or
 * below a target. A naive rule would lie twice: it looks at the CI again and again (each look is
 * another chance to stop on a lucky, narrow interval), and consecutive samples are correlated
 * (a slow stretch of GC, a frequency step), so an i.i.d. interval is too narrow. Hence:
 *  - the half-width is the larger of two: the distribution-free order-statistic interval of the
 *    median (i.i.d.), and a batch-medians interval (Student t over √n batches of consecutive
 *    samples, which absorbs correlation shorter than a batch);
 *  - the rule looks only at geometric sample counts (×1.5), so a run of 1000 samples looks about
 *    ten times, not a thousand.
 * bench:stopping measures how often the resulting interval covers a long run's median.
 */
import { fmtPct } from '../format.ts';
import { median } from './describe.ts';
import { t975 } from './student-t.ts';

/**
 * Why sampling stopped: the target was reached; the fixed floors were met (rule off); the budget
 * was spent before the target (budgetSamples and budgetTimeMs); or a cap came first.
 */
export type StopReason = 'precision' | 'min' | 'budget' | 'maxTime' | 'maxSamples';

/** Stops that came before the target: the budget or a cap. */
export function stoppedShort(reason: StopReason | undefined): boolean {
  return reason === 'budget' || reason === 'maxTime' || reason === 'maxSamples';
}

/** Growth of the sample count between two looks at the CI. */
const LOOK_GROWTH = 1.5;

/** Half-width of the distribution-free 95 % interval of the median (order statistics n/2 ± 0.98·√n). */
export function orderStatisticHalfWidth(samples: readonly number[]): number {
  const n = samples.length;
  if (n < 2) return Number.POSITIVE_INFINITY;
  const s = [...samples].sort((a, b) => a - b);
  const reach = 0.98 * Math.sqrt(n);
  const lo = Math.max(0, Math.floor(n / 2 - reach) - 1);
  const hi = Math.min(n - 1, Math.ceil(n / 2 + reach));
  return (s[hi] - s[lo]) / 2;
}

/** Number of batches for n samples: about √n, at least 5 (at least 2 samples each), at most 30. */
function batchCount(n: number): number {
  return Math.max(5, Math.min(30, Math.floor(Math.sqrt(n))));
}

/** Half-width of the 95 % batch-medians interval: t · sd(batch medians) / √batches, over consecutive batches. */
export function batchMedianHalfWidth(samplesInOrder: readonly number[]): number {
  const n = samplesInOrder.length;
  const b = batchCount(n);
  if (n < 2 * b) return Number.POSITIVE_INFINITY;
  const medians: number[] = [];
  for (let i = 0; i < b; i++) medians.push(median(samplesInOrder.slice(Math.floor((i * n) / b), Math.floor(((i + 1) * n) / b))));
  const m = medians.reduce((a, x) => a + x, 0) / b;
  const sd = Math.sqrt(medians.reduce((a, x) => a + (x - m) ** 2, 0) / (b - 1));
  return (t975(b - 1) * sd) / Math.sqrt(b);
}

/** Relative precision reached: the conservative 95 % half-width of the median ÷ the median (∞ when it cannot tell). */
export function relativePrecision(samplesInOrder: readonly number[]): number {
  const med = median(samplesInOrder);
  if (!(med > 0)) return Number.POSITIVE_INFINITY;
  return Math.max(orderStatisticHalfWidth(samplesInOrder), batchMedianHalfWidth(samplesInOrder)) / med;
}

/** The sample count of the look after one at n. */
export function nextLook(n: number): number {
  return Math.max(n + 1, Math.ceil(n * LOOK_GROWTH));
}

/** A finite precision for the results file (∞ — too few samples to tell — is recorded as null). */
export function finitePrecision(p: number): number | null {
  return Number.isFinite(p) ? p : null;
}

/** What a results line records about its stop (the optional latency fields). */
interface StopRecord {
  stopReason?: StopReason;
  precision?: number | null;
  targetPrecision?: number;
}

/** Whether a job spent its budget or hit a cap before its target precision, in words (null when it did not, or ran without a target). */
export function capBeforeTarget(latency: StopRecord | null | undefined): string | null {
  if (!latency?.targetPrecision || !stoppedShort(latency.stopReason)) return null;
  if (latency.precision != null && latency.precision <= latency.targetPrecision) return null;
  const reached = latency.precision == null ? 'too few samples to tell' : `±${fmtPct(latency.precision)}`;
  const what = latency.stopReason === 'budget' ? 'spent its budget' : `hit ${latency.stopReason}`;
  return `${what} at ${reached}, before its target ±${fmtPct(latency.targetPrecision)}`;
}
