/**
 * The sequential paired decision for one job: after each batch of pairs, a repeated confidence
 * interval on the mean log-ratio (clustered over worker pairs, at this look's share of α), and
 * one of slower / faster / no change, or "not yet" until the cap makes it inconclusive. Pure:
 * the controller calls `decideJob` after each batch and stops the job when `done`.
 */
import type { AbOptions } from '../../contract/ab-verdicts.ts';
import { studentTSf } from '../../contract/stats/student-t.ts';
import { type AbPair, logRatio } from '../../contract/ab-pair.ts';
import { clusteredMean, intervalAt } from './clustered-mean.ts';
import { abOptions } from './options.ts';
import { alphaSpent } from './spending.ts';

/** A job's outcome: decided, or `inconclusive` while more pairs may still decide it. */
export type JobOutcome = 'slower' | 'faster' | 'no change' | 'inconclusive';

/** What one look concluded; pass it back as `previous` at the next look. */
export interface JobDecision {
  /** True when the job needs no more pairs: decided, or at its cap (pairs or seconds). */
  done: boolean;
  verdict: JobOutcome;
  /** exp(mean log-ratio) and its interval (B over A; > 1 = B slower); null until a look could test. */
  ratio: number | null;
  ci: [number, number] | null;
  logMean: number | null;
  logCi: [number, number] | null;
  /** The job's sequential p-value for "no difference" (this look's t p-value scaled by the job's α / the look's level); null until tested. */
  p: number | null;
  pairsUsed: number;
  pairsDropped: number;
  workerPairs: number;
  /** Looks that tested so far (this one included when it tested). */
  looks: number;
  /** Information fraction: attempted pairs (used + dropped) over maxPairs, or the job's seconds over maxSeconds, whichever is further; capped at 1. */
  fraction: number;
  /** α spent by all looks so far, this one included; and this look's own nominal level (0 when it did not test). */
  alphaSpent: number;
  lookLevel: number;
  /** True when this look was the last one allowed (pairs or seconds cap). */
  final: boolean;
  /** One sentence: why this verdict. */
  reason: string;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const signed = (logX: number) => `${logX >= 0 ? '+' : ''}${((Math.exp(logX) - 1) * 100).toFixed(1)} %`;

/**
 * Judge one job's pairs at one look. `dropped`: pairs lost to a failed block; `elapsedMs`: the job's
 * time so far (Infinity forces the final look); `previous`: this job's last decision (null at the first
 * look). Without `previous`, the α already spent is taken as that of `attempted − batchPairs` pairs,
 * which is exact when the controller looks once per `batchPairs` attempted pairs.
 */
export function decideJob(
  pairs: readonly AbPair[],
  dropped: number,
  options: Partial<AbOptions> = {},
  elapsedMs = 0,
  previous: JobDecision | null = null,
): JobDecision {
  const o = abOptions(options);
  // Bonferroni over the jobs compared at once: a job decided at α / m stays decided under Holm at α.
  const alpha = o.alpha / o.familySize;
  const attempted = pairs.length + dropped;
  // Whichever cap is nearer to stopping the job sets how far it is: on a slow machine the seconds cap
  // ends most jobs long before maxPairs, and a pairs-only fraction would keep nearly all of α for that last look.
  const fraction = Math.min(1, Math.max(attempted / o.maxPairs, elapsedMs / (o.maxSeconds * 1000)));
  const final = attempted >= o.maxPairs || elapsedMs >= o.maxSeconds * 1000;
  const spentBefore = previous ? previous.alphaSpent : alphaSpent(Math.max(0, (attempted - o.batchPairs) / o.maxPairs), alpha, o.spending);
  const est = clusteredMean(
    pairs.map(logRatio),
    pairs.map((p) => p.workerPair),
  );
  const base = { pairsUsed: pairs.length, pairsDropped: dropped, workerPairs: est.clusters, fraction, final };
  const looksBefore = previous?.looks ?? 0;
  const enough = est.clusters >= o.minWorkerPairs || (final && est.clusters >= 2);
  const spentNow = final ? alpha : Math.max(spentBefore, alphaSpent(fraction, alpha, o.spending));
  const level = spentNow - spentBefore;
  // A share of α too small to give a finite interval (far too early a look) is no look at all.
  if (!enough || !Number.isFinite(est.se) || !(level > 1e-12)) {
    const reason =
      est.clusters < 2
        ? `${est.clusters} worker pair${est.clusters === 1 ? '' : 's'} with pairs: the interval needs at least 2`
        : !enough || !Number.isFinite(est.se)
          ? `${est.clusters} of the ${o.minWorkerPairs} worker pairs needed before a look`
          : `this look's share of α is still 0 (${attempted} of ${o.maxPairs} pairs)`;
    return {
      ...base,
      done: final,
      verdict: 'inconclusive',
      ratio: null,
      ci: null,
      logMean: null,
      logCi: null,
      p: null,
      looks: looksBefore,
      alphaSpent: spentBefore,
      lookLevel: 0,
      reason,
    };
  }
  const logCi = intervalAt(est, level);
  const pLook = est.se > 0 ? 2 * studentTSf(Math.abs(est.mean / est.se), est.df) : est.mean === 0 ? 1 : 0;
  const p = Math.min(1, (pLook * alpha) / level);
  const m = Math.log(1 + o.minEffect);
  const [lo, hi] = logCi;
  const within = `${pct(o.minEffect)} min effect`;
  let verdict: JobOutcome = 'inconclusive';
  let reason: string;
  if (lo > 0 && est.mean > m) {
    verdict = 'slower';
    reason = `B is ${signed(est.mean)} [${signed(lo)}, ${signed(hi)}]: the interval excludes 0 and the change exceeds the ${within}`;
  } else if (hi < 0 && est.mean < -m) {
    verdict = 'faster';
    reason = `B is ${signed(est.mean)} [${signed(lo)}, ${signed(hi)}]: the interval excludes 0 and the change exceeds the ${within}`;
  } else if (lo > -m && hi < m) {
    verdict = 'no change';
    reason = `B is ${signed(est.mean)} [${signed(lo)}, ${signed(hi)}]: the interval lies inside ±${pct(o.minEffect)}`;
  } else {
    reason = `B is ${signed(est.mean)} [${signed(lo)}, ${signed(hi)}]: ${
      lo > 0 || hi < 0 ? `a change, but not beyond the ${within}` : `the interval still spans 0 and reaches beyond ±${pct(o.minEffect)}`
    }${final ? ` at the cap (${attempted} of ${o.maxPairs} pairs${Number.isFinite(elapsedMs) ? `, ${(elapsedMs / 1000).toFixed(0)} of ${o.maxSeconds} s` : ''})` : ''}`;
  }
  return {
    ...base,
    done: verdict !== 'inconclusive' || final,
    verdict,
    ratio: Math.exp(est.mean),
    ci: [Math.exp(lo), Math.exp(hi)],
    logMean: est.mean,
    logCi,
    p,
    looks: looksBefore + 1,
    alphaSpent: spentNow,
    lookLevel: level,
    reason,
  };
}

/**
 * A `decide` callback for the engine's A/B controller (its `Decide<JobDecision>`), shared by
 * every job of a comparison: it keeps each job's last decision (keyed by the pairs' job id) and passes
 * it back as `previous`, so the α spent is exact whatever the batch size. Give it the controller's caps.
 */
export function abDecider(
  options: Partial<AbOptions> = {},
): (pairs: readonly AbPair[], dropped: number, elapsedMs: number) => { done: boolean; verdict: JobDecision } {
  const o = abOptions(options);
  const last = new Map<string, JobDecision>();
  return (pairs, dropped, elapsedMs) => {
    const job = pairs[0]?.job ?? '';
    const d = decideJob(pairs, dropped, o, elapsedMs, last.get(job) ?? null);
    last.set(job, d);
    return { done: d.done, verdict: d };
  };
}
