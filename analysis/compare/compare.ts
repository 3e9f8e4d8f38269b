/**
 * Compare a current run with a baseline, job by job, and decide what regressed.
 *
 * Latency: a change counts only when it is larger than a threshold AND significant on
 * the raw samples (two-sided Mann-Whitney U, Holm-adjusted across all jobs compared).
 * The threshold is fixed (`threshold`) or derived per job from the measured noise, on a
 * log scale: max(minThreshold, exp(max(noiseFactor · √(hb² + hc²), betweenFactor · between)) − 1),
 * h being the relative half-width of the bootstrap 95 % CI of each side's median, and
 * `between` the 95 % half-width of the difference of the runs' log medians when the sides
 * hold three runs or more (Student t). The threshold is there because run-to-run (between-process) variation is
 * larger than the within-run noise the test sees.
 * Memory: one peak-RSS figure per job, so a threshold only (relative AND absolute).
 * Accuracy: top-1 predictions that changed, image by image, when both runs used the same
 * eval set; a drop counts when more than the allowed number changed AND top-1 fell.
 * Pure: reads the two runs' data, never files.
 */
import { capBeforeTarget } from '../../contract/stats/stopping.ts';
import { bootstrapMedianCI, median } from '../../contract/stats/describe.ts';
import type { JobResult } from '../../contract/results.ts';
import { fmtChange, fmtMiB, fmtMs, fmtP, fmtPct, fmtRatio } from '../../contract/format.ts';
import type { RunData } from '../../contract/run-data.ts';
import { bootstrapRatioCI, hodgesLehmannRatio, relativeHalfWidth } from '../../contract/stats/effect.ts';
import { holmAdjust } from '../../contract/stats/holm.ts';
import { mannWhitneyU } from '../../contract/stats/mann-whitney.ts';
import { t975 } from '../../contract/stats/student-t.ts';
import { profileDeltaOf, type ProfileComparison } from './profile-delta.ts';
import { EXIT, type ExitCode } from '../../contract/exit-codes.ts';
import { jobOnRoofline } from '../../contract/roofline.ts';

/** One side of a comparison: a run folder or a saved baseline, already read and validated (contract/run-data.ts). */
export type { RunData };

/** Decision settings; every default is documented in docs/compare.md. */
export interface CompareOptions {
  /** Fixed relative latency threshold (0.05 = 5 %), or null to derive it per job from the noise. */
  threshold: number | null;
  /** Floor of the derived latency threshold. */
  minThreshold: number;
  /** Multiplier of the within-run noise (combined relative CI half-width) in the derived threshold. */
  noiseFactor: number;
  /** Multiplier of the between-run noise (a Student-t 95 % half-width, already calibrated) in the derived threshold. */
  betweenFactor: number;
  /** Family-wise significance level across all latency tests (Holm–Bonferroni). */
  significance: number;
  /** Peak-RSS growth that counts, relative (0.1 = 10 %)… */
  memoryThreshold: number;
  /** …and absolute, in bytes: both must be exceeded. */
  memoryMinBytes: number;
  /** Top-1 predictions allowed to change before an accuracy drop counts; null = max(1, ⌊1 % of n⌋). */
  accuracyMaxChanged: number | null;
  /** A job of the baseline that did not run (missing or skipped) is a regression unless this is set. */
  allowMissing: boolean;
  /** Seed of the bootstrap resampling. */
  seed: number;
}

/** The defaults: 10 % floor (5–10 % whole-machine shifts between runs occur on a shared VM), 3 × noise, α = 0.05 family-wise, memory +10 % and +5 MiB, 1 % of images. */
export const DEFAULT_COMPARE_OPTIONS: CompareOptions = {
  threshold: null,
  minThreshold: 0.1,
  noiseFactor: 3,
  betweenFactor: 1,
  significance: 0.05,
  memoryThreshold: 0.1,
  memoryMinBytes: 5 * 2 ** 20,
  accuracyMaxChanged: null,
  allowMissing: false,
  seed: 1,
};

/** Verdict of one job, worst first. */
const VERDICTS = ['failed', 'missing', 'slower', 'heavier', 'less-accurate', 'inconclusive', 'new', 'faster', 'unchanged'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Latency comparison of a job that is ok in both runs. */
export interface LatencyComparison {
  verdict: 'slower' | 'faster' | 'unchanged';
  baselineMedianMs: number;
  currentMedianMs: number;
  nBaseline: number;
  nCurrent: number;
  /** current median / baseline median. */
  ratio: number;
  /** Bootstrap 95 % CI of the ratio. */
  ratioCi95: [number, number];
  /** Hodges–Lehmann ratio (median of pairwise log ratios, exponentiated). */
  hodgesLehmannRatio: number;
  /** Relative half-width of each median's bootstrap 95 % CI (within-run noise). */
  noise: { baseline: number; current: number };
  /**
   * Between-run noise, where a side holds repeated runs: 95 % half-width (relative) of the
   * difference of mean log medians (Student t over the runs' medians), and the runs per side.
   */
  betweenRuns: { halfWidth: number; runsBaseline: number; runsCurrent: number } | null;
  /** Relative change that must be exceeded, and where it came from. */
  threshold: number;
  thresholdSource: 'fixed' | 'noise' | 'floor';
  /** Mann-Whitney U two-sided p, and after Holm across every latency test of the comparison. */
  p: number;
  pAdjusted: number;
  test: 'exact' | 'normal';
  /** Why the verdict is what it is, in words. */
  reason: string;
}

/** Peak-RSS comparison. */
export interface MemoryComparison {
  verdict: 'heavier' | 'lighter' | 'unchanged';
  baselineBytes: number;
  currentBytes: number;
  growthBytes: number;
  /** current / baseline − 1. */
  growth: number;
  source: string | null;
}

/** Accuracy comparison. */
export interface AccuracyComparison {
  verdict: 'less-accurate' | 'unchanged';
  /** predictions: image-by-image top-1; top1 / agreement: difference of the rates only (eval sets differ or predictions missing). */
  basis: 'predictions' | 'top1' | 'agreement';
  n: number;
  /** Images whose top-1 changed (basis predictions), else null. */
  changed: number | null;
  allowed: number;
  /** The rate compared: top-1 against labels, or agreement with the reference when there are no labels. */
  measure: 'top1' | 'agreement' | null;
  baseline: number | null;
  current: number | null;
  reason: string;
}

/** The comparison of one job id. */
export interface JobComparison {
  id: string;
  verdict: Verdict;
  /** Whether this job makes the comparison fail. */
  regressed: boolean;
  /** Each problem or notable fact, in words (the first explains the verdict). */
  reasons: string[];
  baselineStatus: JobResult['status'] | null;
  currentStatus: JobResult['status'] | null;
  latency: LatencyComparison | null;
  memory: MemoryComparison | null;
  accuracy: AccuracyComparison | null;
  /** Per-layer deltas, when both runs were profiled (`--profile`): where the time moved. */
  profile?: ProfileComparison | null;
  /** The job's fraction of its roof in each run, against that run's own measured ceilings (absent when neither side has one). */
  roofline?: { ceiling: string; baseline: number | null; current: number | null };
}

/** Everything `compare` decided, as written by `--format json`. */
export interface ComparisonReport {
  kind: 'mobilenet-bench-comparison';
  version: 1;
  baseline: { source: string; label: string; runId: string; gitCommit: string | null; startedAt: string; runs: number };
  current: { source: string; label: string; runId: string; gitCommit: string | null; startedAt: string; runs: number };
  options: CompareOptions;
  /** Differences between the runs that do not stop the comparison but may explain it (host, packages, sampling). */
  warnings: string[];
  jobs: JobComparison[];
  counts: Record<Verdict, number>;
  regressions: string[];
  /** Set when no job could be judged (every compared job inconclusive): why, in words. */
  cannotCompare: string | null;
  /** 0 nothing regressed, 1 something did, 2 nothing could be judged. */
  exitCode: ExitCode;
}

/** The comparison cannot be made (incompatible schema, different variants, unreadable input): exit code 2. */
export class CompareError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompareError';
  }
}

const pct = fmtChange;
const mib = (b: number) => `${fmtMiB(b)} MiB`;

/** Fields that define what a job id measures; they must agree for a comparison to mean anything. */
const IDENTITY_FIELDS = ['target', 'impl', 'backend', 'threads', 'alpha', 'resolution', 'precision', 'weightsSource'] as const;

/** Throw a CompareError when the two runs cannot be compared; return warnings for differences that can explain results. */
function checkComparable(baseline: RunData, current: RunData): string[] {
  const baseIds = new Set(baseline.results.map((r) => r.id));
  const common = current.results.filter((r) => baseIds.has(r.id)).map((r) => r.id);
  if (baseline.results.length === 0) throw new CompareError(`baseline ${baseline.source} holds no job results`);
  if (current.results.length === 0) throw new CompareError(`current ${current.source} holds no job results`);
  if (common.length === 0) {
    const sample = (d: RunData) =>
      d.results
        .slice(0, 3)
        .map((r) => r.id)
        .join(', ') + (d.results.length > 3 ? ', …' : '');
    throw new CompareError(
      `different variants: no job id in common (baseline ${baseline.source}: ${sample(baseline)}; current ${current.source}: ${sample(current)}). Run the same config as the baseline.`,
    );
  }
  const byId = new Map(baseline.results.map((r) => [r.id, r]));
  const mismatches: string[] = [];
  for (const c of current.results) {
    const b = byId.get(c.id);
    if (!b) continue;
    for (const f of IDENTITY_FIELDS) {
      if (b[f] !== c[f]) mismatches.push(`${c.id}: ${f} is ${JSON.stringify(b[f])} in the baseline but ${JSON.stringify(c[f])} now`);
    }
  }
  if (mismatches.length) {
    throw new CompareError(
      `different variants under the same job ids:\n  ${mismatches.slice(0, 10).join('\n  ')}${mismatches.length > 10 ? `\n  … and ${mismatches.length - 10} more` : ''}`,
    );
  }
  const warnings: string[] = [];
  const bh = baseline.run.host;
  const ch = current.run.host;
  for (const k of ['cpuModel', 'cores', 'arch', 'os', 'nodeVersion'] as const) {
    if (bh[k] !== ch[k]) warnings.push(`host ${k} differs: ${bh[k]} (baseline) vs ${ch[k]} (current): latency and memory may differ for that reason alone`);
  }
  const pk = new Set([...Object.keys(baseline.run.packages), ...Object.keys(current.run.packages)]);
  for (const p of [...pk].sort()) {
    const a = baseline.run.packages[p];
    const b = current.run.packages[p];
    if (a !== b) warnings.push(`package ${p}: ${a ?? 'absent'} (baseline) vs ${b ?? 'absent'} (current)`);
  }
  const cfg = (d: RunData, key: string) => JSON.stringify((d.run.config as Record<string, unknown> | null)?.[key] ?? null);
  for (const key of ['sampling', 'accuracy', 'targets', 'weights']) {
    if (cfg(baseline, key) !== cfg(current, key)) warnings.push(`config.${key} differs: ${cfg(baseline, key)} (baseline) vs ${cfg(current, key)} (current)`);
  }
  return warnings;
}

/** Whether both runs evaluated the same images in the same order (same eval-set config and n). */
function sameEvalSet(baseline: RunData, current: RunData): boolean {
  const acc = (d: RunData) => JSON.stringify((d.run.config as { accuracy?: unknown } | null)?.accuracy ?? null);
  return acc(baseline) === acc(current);
}

/**
 * Between-run noise from repeated runs: the runs' median latencies on a log scale, pooled
 * variance of both sides, and the 95 % half-width of the difference of the side means,
 * t(df) · s · √(1/Rb + 1/Rc), as a relative change (exp − 1). Null with fewer than 3 runs in all.
 */
export function betweenRunNoise(
  baselineMedians: readonly number[],
  currentMedians: readonly number[],
): { halfWidth: number; runsBaseline: number; runsCurrent: number } | null {
  const rb = baselineMedians.length;
  const rc = currentMedians.length;
  const df = rb + rc - 2;
  if (rb < 1 || rc < 1 || df < 1) return null;
  const lb = baselineMedians.map(Math.log);
  const lc = currentMedians.map(Math.log);
  const ss = (xs: number[]) => {
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return xs.reduce((a, x) => a + (x - m) ** 2, 0);
  };
  const s = Math.sqrt((ss(lb) + ss(lc)) / df);
  return { halfWidth: Math.expm1(t975(df) * s * Math.sqrt(1 / rb + 1 / rc)), runsBaseline: rb, runsCurrent: rc };
}

/**
 * The smallest two-sided p-value a Mann-Whitney U test can reach with n1 and n2 samples:
 * 2 / C(n1 + n2, n1), when every sample of one side lies beyond every sample of the other.
 * When even that is not below the significance level, the test cannot judge the job at all
 * (1 sample a side: p is always 1), so its verdict is inconclusive, never unchanged.
 */
export function smallestPossibleP(n1: number, n2: number): number {
  if (n1 < 1 || n2 < 1) return 1;
  let c = 1;
  for (let k = 1; k <= Math.min(n1, n2); k++) c = (c * (n1 + n2 - Math.min(n1, n2) + k)) / k;
  return Math.min(1, 2 / c);
}

/** Latency verdict of one job (p-values adjusted later, across jobs); each side is one sample array per run. */
function latencyOf(bRuns: number[][], cRuns: number[][], o: CompareOptions, seed: number): Omit<LatencyComparison, 'verdict' | 'pAdjusted' | 'reason'> {
  const b = bRuns.flat();
  const c = cRuns.flat();
  const bm = median(b);
  const cm = median(c);
  const noise = {
    baseline: relativeHalfWidth(bootstrapMedianCI(b, 0.95, 2000, seed), bm),
    current: relativeHalfWidth(bootstrapMedianCI(c, 0.95, 2000, seed + 1), cm),
  };
  const betweenRuns = betweenRunNoise(
    bRuns.map((x) => median(x)),
    cRuns.map((x) => median(x)),
  );
  // On a log scale: k × the within-run half-width, or the between-run half-width (× its own factor), whichever is larger.
  const within = o.noiseFactor * Math.hypot(noise.baseline || 0, noise.current || 0);
  const between = betweenRuns ? o.betweenFactor * Math.log1p(betweenRuns.halfWidth) : 0;
  const derived = Math.expm1(Math.max(within, between));
  let threshold: number;
  let thresholdSource: LatencyComparison['thresholdSource'];
  if (o.threshold !== null) {
    threshold = o.threshold;
    thresholdSource = 'fixed';
  } else if (derived > o.minThreshold) {
    threshold = derived;
    thresholdSource = 'noise';
  } else {
    threshold = o.minThreshold;
    thresholdSource = 'floor';
  }
  const test = mannWhitneyU(c, b);
  return {
    baselineMedianMs: bm,
    currentMedianMs: cm,
    nBaseline: b.length,
    nCurrent: c.length,
    ratio: cm / bm,
    ratioCi95: bootstrapRatioCI(b, c, 0.95, 2000, seed + 2),
    hodgesLehmannRatio: hodgesLehmannRatio(b, c),
    noise,
    betweenRuns,
    threshold,
    thresholdSource,
    p: test.p,
    test: test.method,
  };
}

/** Decide the latency verdict once the adjusted p is known. */
function decideLatency(l: Omit<LatencyComparison, 'verdict' | 'reason'>, o: CompareOptions): LatencyComparison {
  const change = l.ratio - 1;
  const big = l.ratio > 1 + l.threshold || l.ratio < 1 / (1 + l.threshold);
  const significant = l.pAdjusted < o.significance;
  const thr = `threshold ±${(l.threshold * 100).toFixed(1)} %${l.thresholdSource === 'noise' ? ' from noise' : l.thresholdSource === 'floor' ? ' (floor)' : ''}`;
  const p = `p=${fmtP(l.pAdjusted)} Holm`;
  let verdict: LatencyComparison['verdict'] = 'unchanged';
  let reason: string;
  if (big && significant) {
    verdict = l.ratio > 1 ? 'slower' : 'faster';
    reason = `median ${fmtMs(l.baselineMedianMs)} → ${fmtMs(l.currentMedianMs)} ms (${pct(change)}), beyond ${thr}, ${p}`;
  } else if (big) {
    reason = `median ${pct(change)} exceeds ${thr} but is not significant (${p} ≥ ${o.significance})`;
  } else if (significant) {
    reason = `median ${pct(change)} is significant (${p}) but within ${thr}`;
  } else {
    reason = `median ${pct(change)}, within ${thr}, ${p}`;
  }
  return { ...l, verdict, reason };
}

function memoryOf(bb: number | null, cb: number | null, source: string | null, o: CompareOptions): MemoryComparison | null {
  if (bb == null || cb == null || bb <= 0) return null;
  const growthBytes = cb - bb;
  const growth = cb / bb - 1;
  let verdict: MemoryComparison['verdict'] = 'unchanged';
  if (growthBytes > o.memoryMinBytes && growth > o.memoryThreshold) verdict = 'heavier';
  else if (-growthBytes > o.memoryMinBytes && -growth > o.memoryThreshold) verdict = 'lighter';
  return { verdict, baselineBytes: bb, currentBytes: cb, growthBytes, growth, source };
}

function accuracyOf(b: JobResult, c: JobResult, o: CompareOptions, sameSet: boolean): AccuracyComparison | null {
  const ba = b.accuracy;
  const ca = c.accuracy;
  if (!ba || !ca) return null;
  const measure: AccuracyComparison['measure'] =
    ba.top1 != null && ca.top1 != null ? 'top1' : ba.agreementTop1 != null && ca.agreementTop1 != null ? 'agreement' : null;
  const bRate = measure === 'top1' ? ba.top1 : measure === 'agreement' ? ba.agreementTop1 : null;
  const cRate = measure === 'top1' ? ca.top1 : measure === 'agreement' ? ca.agreementTop1 : null;
  const n = Math.min(ba.n, ca.n);
  const allowed = o.accuracyMaxChanged ?? Math.max(1, Math.floor(0.01 * n));
  const dropped = bRate != null && cRate != null && cRate < bRate;
  const rateText = measure
    ? `${measure === 'top1' ? 'top-1' : 'agreement with the reference'} ${fmtRate(bRate)} → ${fmtRate(cRate)}`
    : 'no top-1 or agreement rate to compare';
  const bp = ba.predictions;
  const cp = ca.predictions;
  if (sameSet && bp && cp && bp.length === cp.length && bp.length > 0) {
    let changed = 0;
    for (let i = 0; i < bp.length; i++) if (bp[i] !== cp[i]) changed++;
    const flagged = changed > allowed && dropped;
    const reason = flagged
      ? `${changed} of ${bp.length} top-1 predictions changed (allowed ${allowed}) and ${rateText}`
      : changed > allowed
        ? `${changed} of ${bp.length} top-1 predictions changed (allowed ${allowed}) but the rate did not fall (${rateText})`
        : `${changed} of ${bp.length} top-1 predictions changed (allowed ${allowed})`;
    return {
      verdict: flagged ? 'less-accurate' : 'unchanged',
      basis: 'predictions',
      n: bp.length,
      changed,
      allowed,
      measure,
      baseline: bRate,
      current: cRate,
      reason,
    };
  }
  // Different eval sets (or no predictions recorded): only the rates can be compared.
  if (!measure || bRate == null || cRate == null) return null;
  // Agreement may be measured on fewer images than n (accuracy.agreementN).
  const rateN = measure === 'agreement' ? Math.min(ba.agreementN ?? ba.n, ca.agreementN ?? ca.n) : n;
  const flagged = (bRate - cRate) * rateN > allowed;
  return {
    verdict: flagged ? 'less-accurate' : 'unchanged',
    basis: measure,
    n,
    changed: null,
    allowed,
    measure,
    baseline: bRate,
    current: cRate,
    reason: `${rateText} (${sameSet ? 'no per-image predictions' : 'eval sets differ'}: rate difference only, allowed ${allowed} of ${rateN} images)`,
  };
}

const fmtRate = fmtPct;
const usable = (r: JobResult) => r.status === 'ok';
/** Ordinary or sustained sampling, as a result records it: two configurations, never compared with each other. */
export const samplingModeOf = (r: JobResult): 'sustained' | 'ordinary' => (r.latency?.sustained ? 'sustained' : 'ordinary');
const broken = (r: JobResult) => r.status === 'failed' || r.status === 'invalid';

/** Compare `current` with `baseline`; throws CompareError when they cannot be compared. */
export function compareRuns(baseline: RunData, current: RunData, options: Partial<CompareOptions> = {}): ComparisonReport {
  const o: CompareOptions = { ...DEFAULT_COMPARE_OPTIONS, ...options };
  const warnings = checkComparable(baseline, current);
  // Runs per side, counting a job's processes (sampling.repeats) as runs: the first job tells.
  const runs = (d: RunData) => samplesPerRun(d, d.results.find((r) => r.status === 'ok')?.id ?? '').length || 1;
  if (runs(baseline) + runs(current) < 3) {
    warnings.push(
      'one process per job per side: the between-run noise is not measured, only the noise within each process. One process can be 30 % or, on a busy machine, 2–4× slower than the next for a whole job; run with --repeats 3, or save the baseline from 3 or more runs (baseline save <run> <run> <run>), so the threshold includes it.',
    );
  }
  const sameSet = sameEvalSet(baseline, current);
  const baseById = representative(baseline);
  const curById = representative(current);
  // Baseline order first (planned order), then jobs that are new.
  const ids = [...baseById.keys(), ...[...curById.keys()].filter((id) => !baseById.has(id))];

  const jobs: JobComparison[] = [];
  const pending: { job: JobComparison; latency: Omit<LatencyComparison, 'verdict' | 'pAdjusted' | 'reason'> }[] = [];
  ids.forEach((id, index) => {
    const b = baseById.get(id) ?? null;
    const c = curById.get(id) ?? null;
    const job: JobComparison = {
      id,
      verdict: 'unchanged',
      regressed: false,
      reasons: [],
      baselineStatus: b?.status ?? null,
      currentStatus: c?.status ?? null,
      latency: null,
      memory: null,
      accuracy: null,
    };
    const roofB = b ? jobOnRoofline(baseline.runs ?? [baseline.run], b) : null;
    const roofC = c ? jobOnRoofline(current.runs ?? [current.run], c) : null;
    if (roofB || roofC) job.roofline = { ceiling: (roofC ?? roofB)!.ceiling, baseline: roofB?.fraction ?? null, current: roofC?.fraction ?? null };
    jobs.push(job);
    if (!b) {
      job.verdict = 'new';
      job.reasons.push(`not in the baseline (${c!.status})`);
      if (c && broken(c)) {
        job.verdict = 'failed';
        job.regressed = true;
        job.reasons.unshift(`${c.status === 'invalid' ? 'invalid: ' : ''}${firstLine(c.error)} (new job)`);
      }
      return;
    }
    if (!c || c.status === 'skipped') {
      if (b.status === 'skipped') {
        job.reasons.push('skipped in both runs');
        return;
      }
      job.verdict = 'missing';
      job.regressed = !o.allowMissing;
      job.reasons.push(c ? `skipped now (${firstLine(c.error)}), ${b.status} in the baseline` : `in the baseline (${b.status}) but not in the current run`);
      return;
    }
    if (broken(c)) {
      job.verdict = 'failed';
      job.regressed = !broken(b);
      job.reasons.push(
        `${c.status === 'invalid' ? 'invalid: ' : ''}${firstLine(c.error)}${broken(b) ? ` (also ${b.status} in the baseline)` : ` (${b.status} in the baseline)`}`,
      );
      return;
    }
    if (!usable(b)) {
      job.verdict = 'new';
      job.reasons.push(`${b.status} in the baseline, ok now: nothing to compare`);
      return;
    }
    // A sustained job ran the device hot for minutes: its samples answer another question than an ordinary job's.
    if (samplingModeOf(b) !== samplingModeOf(c)) {
      job.verdict = 'inconclusive';
      job.reasons.push(
        `not compared: ${samplingModeOf(b)} sampling in the baseline, ${samplingModeOf(c)} now. Sustained and ordinary runs measure different things (minutes of heat against a short warm pass); compare a sustained run with a sustained baseline (run --sustained), an ordinary one with an ordinary baseline`,
      );
      return;
    }
    const bs = samplesPerRun(baseline, id);
    const cs = samplesPerRun(current, id);
    const nb = bs.flat().length;
    const nc = cs.flat().length;
    // Too few samples for the test to ever reach significance: say so instead of "unchanged".
    if (smallestPossibleP(nb, nc) >= o.significance) {
      job.verdict = 'inconclusive';
      job.reasons.push(
        `inconclusive: ${nb} baseline and ${nc} current latency sample${nc === 1 ? '' : 's'} cannot show a change (the smallest p-value they allow is ${fmtP(smallestPossibleP(nb, nc))}, not below ${o.significance}); run with more samples (sampling.minSamples ≥ 5 a side, or --repeats 3)`,
      );
    } else pending.push({ job, latency: latencyOf(bs, cs, o, o.seed + index * 7) });
    job.memory = memoryOf(peakRss(baseline, id), peakRss(current, id), c.memory?.peakRssSource ?? null, o);
    job.accuracy = accuracyOf(b, c, o, sameSet);
    job.profile = profileDeltaOf(b, c);
    // A side that stopped at a cap is less precise than asked: its latency verdict deserves less trust.
    for (const [side, r] of [
      ['baseline', b],
      ['current', c],
    ] as const) {
      const capped = capBeforeTarget(r.latency);
      if (capped) job.reasons.push(`precision (${side}): ${capped}`);
    }
  });

  const adjusted = holmAdjust(pending.map((p) => p.latency.p));
  pending.forEach(({ job, latency }, i) => {
    job.latency = decideLatency({ ...latency, pAdjusted: adjusted[i] }, o);
  });

  for (const job of jobs) {
    if ((job.verdict !== 'unchanged' && job.verdict !== 'inconclusive') || job.baselineStatus !== 'ok') continue;
    const inconclusive = job.verdict === 'inconclusive';
    const flags: Verdict[] = [];
    if (job.latency?.verdict === 'slower') flags.push('slower');
    if (job.memory?.verdict === 'heavier') flags.push('heavier');
    if (job.accuracy?.verdict === 'less-accurate') flags.push('less-accurate');
    if (flags.length) {
      job.verdict = flags[0];
      job.regressed = true;
    } else if (job.latency?.verdict === 'faster') job.verdict = 'faster';
    else if (inconclusive) job.verdict = 'inconclusive';
    if (job.latency) job.reasons.push(`latency: ${job.latency.reason}`);
    if (job.profile && (job.verdict === 'slower' || job.verdict === 'faster')) job.reasons.push(`profile: ${job.profile.summary}`);
    if (job.memory && job.memory.verdict !== 'unchanged') {
      const m = job.memory!;
      job.reasons.push(
        `memory: peak RSS ${mib(m.baselineBytes)} → ${mib(m.currentBytes)} (${pct(m.growth)}, ${m.growthBytes >= 0 ? '+' : ''}${mib(m.growthBytes)}; counts beyond ${pct(o.memoryThreshold)} and ${mib(o.memoryMinBytes)})`,
      );
    }
    if (job.accuracy && (job.accuracy.verdict === 'less-accurate' || (job.accuracy.changed ?? 0) > 0)) job.reasons.push(`accuracy: ${job.accuracy.reason}`);
    // The reason that explains the verdict goes first.
    const key =
      job.verdict === 'slower' || job.verdict === 'faster'
        ? 'latency:'
        : job.verdict === 'heavier'
          ? 'memory:'
          : job.verdict === 'less-accurate'
            ? 'accuracy:'
            : null;
    if (key) job.reasons.sort((x, y) => Number(y.startsWith(key)) - Number(x.startsWith(key)));
  }

  const shift = machineWideShift(jobs, o);
  if (shift) warnings.push(shift);

  const counts = Object.fromEntries(VERDICTS.map((v) => [v, jobs.filter((j) => j.verdict === v).length])) as Record<Verdict, number>;
  const regressions = jobs.filter((j) => j.regressed).map((j) => j.id);
  // Nothing regressed, but nothing could be judged either: that is not a pass.
  const judged = jobs.filter((j) => j.baselineStatus === 'ok' && j.currentStatus === 'ok');
  const cannotCompare =
    regressions.length === 0 && counts.inconclusive > 0 && judged.every((j) => j.verdict === 'inconclusive')
      ? `all ${counts.inconclusive} job${counts.inconclusive === 1 ? '' : 's'} compared ${counts.inconclusive === 1 ? 'is' : 'are'} inconclusive (too few latency samples to test); nothing was judged, so this is not a pass`
      : null;
  const side = (d: RunData) => ({
    source: d.source,
    label: d.label,
    runId: d.run.runId,
    gitCommit: d.run.gitCommit,
    startedAt: d.run.startedAt,
    runs: 1 + (d.repeats?.length ?? 0),
  });
  return {
    kind: 'mobilenet-bench-comparison',
    version: 1,
    baseline: side(baseline),
    current: side(current),
    options: o,
    warnings,
    jobs,
    counts,
    regressions,
    cannotCompare,
    exitCode: regressions.length ? EXIT.failed : cannotCompare ? EXIT.usage : EXIT.ok,
  };
}

/**
 * A warning when (nearly) every job moved the same way: at least 4 jobs compared and 80 %
 * of them beyond the floor in one direction. That is the signature of the machine (load
 * from other processes, CPU frequency, another host) more often than of one code change;
 * the verdicts stand, but the message says to rerun before believing them.
 */
function machineWideShift(jobs: JobComparison[], o: CompareOptions): string | null {
  const ratios = jobs.flatMap((j) => (j.latency ? [j.latency.ratio] : []));
  if (ratios.length < 4) return null;
  const up = ratios.filter((r) => r > 1 + o.minThreshold).length;
  const down = ratios.filter((r) => r < 1 / (1 + o.minThreshold)).length;
  const share = Math.max(up, down) / ratios.length;
  if (share < 0.8) return null;
  const m = median(ratios);
  return `${Math.max(up, down)} of ${ratios.length} jobs moved ${up >= down ? 'slower' : 'faster'} together (median ${fmtRatio(m)}): that looks machine-wide (other load, CPU frequency, another host) rather than one change; rerun before believing it`;
}

/** Per job id, the result that stands for a side: the first run's, or a repeat's where the first did not run it ok. */
function representative(d: RunData): Map<string, JobResult> {
  const out = new Map<string, JobResult>();
  for (const results of [d.results, ...(d.repeats ?? []).map((r) => r.results)]) {
    for (const r of results) {
      const seen = out.get(r.id);
      if (!seen || (seen.status !== 'ok' && r.status === 'ok')) out.set(r.id, r);
    }
  }
  return out;
}

/** Median peak RSS of job `id` over the runs of a side where it is ok (null when none reports it). */
function peakRss(d: RunData, id: string): number | null {
  const values = [d.results, ...(d.repeats ?? []).map((r) => r.results)]
    .map((results) => results.find((r) => r.id === id))
    .flatMap((r) => (r?.status === 'ok' && r.memory?.peakRssBytes != null ? [r.memory.peakRssBytes] : []));
  return values.length ? median(values) : null;
}

/**
 * The latency samples of job `id` per run of a side where it is ok (the first run's first);
 * a job repeated in several processes (sampling.repeats) counts each process as a run.
 */
function samplesPerRun(d: RunData, id: string): number[][] {
  return [d.results, ...(d.repeats ?? []).map((r) => r.results)]
    .map((results) => results.find((r) => r.id === id))
    .filter((r): r is JobResult => r?.status === 'ok' && (r.latency?.samplesMs.length ?? 0) > 0)
    .flatMap((r) => splitByProcess(r.latency!));
}

/** samplesMs cut back into one array per process (one array when the job was not repeated). */
function splitByProcess(l: NonNullable<JobResult['latency']>): number[][] {
  if (!l.processes || l.processes.length < 2) return [l.samplesMs];
  let at = 0;
  return l.processes.map((p) => l.samplesMs.slice(at, (at += p.samples)));
}

function firstLine(s: string | undefined): string {
  return s?.split('\n')[0] ?? 'no reason recorded';
}
