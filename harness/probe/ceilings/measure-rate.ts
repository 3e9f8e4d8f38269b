/**
 * One ceiling measured to a stated precision, as jobs are: calibrate the repetitions until one
 * sample takes about `sampleMs` (which also lets the engine tier the kernel up), discard warm-up
 * samples, then sample the rate (work ÷ time) until the median's distribution-free 95 % interval
 * is within ±`targetPrecision`, or until the sample or time cap. Browser-safe.
 */
import type { Ceiling, MeasuredCeiling } from '../../../contract/ceilings.ts';
import { bootstrapMedianCI, median } from '../../../contract/stats/describe.ts';
import { orderStatisticHalfWidth } from '../../../contract/stats/stopping.ts';

/** How hard to try for one ceiling. */
export interface RatePolicy {
  /** Target length of one timed sample, ms. */
  sampleMs: number;
  /** Relative 95 % half-width of the median to stop at (0.02 = ±2 %). */
  targetPrecision: number;
  minSamples: number;
  maxSamples: number;
  /** Cap on the whole measurement (calibration included), ms; at least 3 samples are always taken. */
  maxMs: number;
  now(): number;
}

/** Warm-up samples thrown away after calibration (the optimizing tier may still be swapping in). */
const WARMUP_SAMPLES = 2;
/**
 * Warm-up lasts at least this long: engines with a mid tier (V8's Maglev in Chromium) run a hot
 * function there first and reach the optimizing tier only after more calls.
 */
const WARMUP_MS = 150;
/** Fewest samples that give an interval at all. */
const FLOOR_SAMPLES = 3;

/**
 * Measure `run(reps)`, which does `workPerRep` units of work per repetition (MACs or bytes), as a
 * rate in units of 1e9 per second (GMAC/s, GB/s). `method` says what was run, for run.json.
 */
export async function measureRate(
  run: (reps: number) => unknown,
  workPerRep: number,
  unit: MeasuredCeiling['unit'],
  method: string,
  policy: RatePolicy,
): Promise<Ceiling> {
  const { now } = policy;
  const start = now();
  let reps = 1;
  // Calibrate: double until a call takes a quarter of a sample, then scale to a whole one; again
  // while a call lands far from a sample, since the engine may have tiered the kernel up meanwhile.
  for (let round = 0; round < 8; round++) {
    const t0 = now();
    await run(reps);
    const ms = Math.max(now() - t0, 1e-3);
    if (now() - start > policy.maxMs / 2) break;
    if (ms < policy.sampleMs / 4) {
      reps *= 2;
      round--; // doubling is not a round
      continue;
    }
    const next = Math.max(1, Math.round((reps * policy.sampleMs) / ms));
    const settled = ms >= policy.sampleMs / 2 && ms <= policy.sampleMs * 2;
    reps = next;
    if (settled) break;
  }
  const rates: number[] = [];
  const timed = async () => {
    const t0 = now();
    await run(reps);
    const ms = now() - t0;
    return (workPerRep * reps) / (Math.max(ms, 1e-6) * 1e6);
  };
  // A kernel whose one call already fills a sample was tiered up by the calls before it (smaller working sets).
  const warmups = reps > 1 ? WARMUP_SAMPLES : 0;
  for (let i = 0; (i < warmups || (warmups > 0 && now() - start < WARMUP_MS)) && now() - start < policy.maxMs / 2; i++) await timed();
  let stopReason: 'precision' | 'maxSamples' | 'maxTime' = 'maxSamples';
  while (rates.length < policy.maxSamples) {
    rates.push(await timed());
    const n = rates.length;
    if (n >= policy.minSamples && orderStatisticHalfWidth(rates) / median(rates) <= policy.targetPrecision) {
      stopReason = 'precision';
      break;
    }
    if (n >= FLOOR_SAMPLES && now() - start >= policy.maxMs) {
      stopReason = 'maxTime';
      break;
    }
  }
  const value = median(rates);
  const half = orderStatisticHalfWidth(rates) / value;
  return {
    available: true,
    value,
    unit,
    ci95: bootstrapMedianCI(rates),
    precision: Number.isFinite(half) ? half : null,
    samples: rates.length,
    stopReason,
    elapsedMs: now() - start,
    method,
  };
}
