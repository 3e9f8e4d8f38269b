/**
 * Verdicts of one run from a history: each job of the current run against the last runs of
 * the same job on the same device and branch. The between-run noise comes from those runs
 * alone: on log medians, runs further than 6 robust σ (1.4826 × MAD) from their median are set
 * aside as outliers, and of the k kept the centre is the mean and s the standard deviation, so
 * the current median's distance t = (log c − centre) / (s · √(1 + 1/k)) is a prediction-interval
 * statistic with k − 1 degrees of freedom (exact for normal log medians; the MAD alone is too
 * noisy a spread: with 128 jobs some histories look quiet by chance and raise false alarms). Two-sided p-values are Holm-adjusted across every judged job (the family-wise
 * false-alarm rate stays at `significance` for 128 jobs as for one), and a change must also
 * exceed `minEffect`. Pure: entries in, verdicts out.
 */
import { fmtChange, fmtLevel, fmtMs, fmtP, fmtPct } from '../../contract/format.ts';
import { holmAdjust } from '../../contract/stats/holm.ts';
import { median } from '../../contract/stats/describe.ts';
import type { HistoryEntry, HistoryJob } from './schema.ts';
import { unlikeReason } from './comparable.ts';
import { studentTSf, t975 } from '../../contract/stats/student-t.ts';

export interface HistoryVerdictOptions {
  /** Baseline branch whose runs are the reference (null = every branch). */
  branch: string | null;
  /** Last runs per job used. */
  window: number;
  /** Fewer runs than this: inconclusive, saying how many are missing. */
  minRuns: number;
  /** Smallest relative latency change that counts (0.05 = 5 %). */
  minEffect: number;
  /** Family-wise false-alarm level, Holm across jobs. */
  significance: number;
  /** A floor of the log-scale spread (0.005 ≈ 0.5 %): a history of identical medians does not make every change significant. */
  minSpread: number;
}

export const DEFAULT_HISTORY_VERDICT_OPTIONS: HistoryVerdictOptions = {
  branch: 'main',
  window: 20,
  minRuns: 5,
  minEffect: 0.05,
  significance: 0.05,
  minSpread: 0.005,
};

export type HistoryVerdict = 'slower' | 'faster' | 'no change' | 'inconclusive' | 'failed';

export interface HistoryJobVerdict {
  id: string;
  verdict: HistoryVerdict;
  /** Current median ÷ the history's centre, and its 95 % interval. */
  ratio: number | null;
  interval: [number, number] | null;
  currentMedianMs: number | null;
  historyCentreMs: number | null;
  /** Runs of the current commit behind the current median (1, or more after ci's re-runs). */
  currentRuns: number;
  /** History runs set aside as outliers. */
  outliers: number;
  /** History runs used, and the medians (oldest first) with the current one last, for sparklines. */
  runs: number;
  trendMs: number[];
  p: number | null;
  pAdjusted: number | null;
  /** Near the threshold or undecided: a re-run could change the verdict. */
  undecided: boolean;
  reason: string;
}

export interface HistoryVerdictReport {
  options: HistoryVerdictOptions;
  jobs: HistoryJobVerdict[];
  /** Notes about the history (runs of other devices or branches not used). */
  notes: string[];
  /** 0 no regression, 1 a job slower or failed. */
  exitCode: 0 | 1;
}

/** Key of one job on one device. */
const jobKey = (j: HistoryJob) => `${j.id}\u0000${j.device}`;

/**
 * Each (job, device) of the history's usable runs on the baseline branch, oldest first, excluding
 * the current entry: built in one pass, so judging 128 jobs against 5,000 runs reads each run
 * once (a search per job took 20 s there).
 */
function indexPast(history: readonly HistoryEntry[], currentId: string, o: HistoryVerdictOptions): Map<string, HistoryJob[]> {
  const byKey = new Map<string, HistoryJob[]>();
  for (const e of history) {
    if (e.id === currentId) continue;
    if (o.branch !== null && e.source.branch !== o.branch) continue;
    for (const j of e.jobs) {
      if (j.status !== 'ok' || j.medianMs === null || !(j.medianMs > 0)) continue;
      const k = jobKey(j);
      const list = byKey.get(k);
      if (list) list.push(j);
      else byKey.set(k, [j]);
    }
  }
  return byKey;
}

/**
 * The past runs of one job on one device (and branch), oldest first: those measured like the
 * current one, and how many were not (another sampling mode, backend, threads or weights) with the
 * first difference, which are never pooled or judged against.
 */
function pastOf(index: Map<string, HistoryJob[]>, job: HistoryJob, o: HistoryVerdictOptions): { past: HistoryJob[]; unlike: number; unlikeWhy: string | null } {
  const past: HistoryJob[] = [];
  let unlike = 0;
  let unlikeWhy: string | null = null;
  for (const j of index.get(jobKey(job)) ?? []) {
    const why = unlikeReason(job, j);
    if (why === null) past.push(j);
    else {
      unlike++;
      unlikeWhy ??= why;
    }
  }
  return { past: past.slice(-o.window), unlike, unlikeWhy };
}

/** Mean and standard deviation of the log medians after setting aside runs beyond 6 robust σ (far enough that normal noise in 5 to 20 runs almost never reaches it; a run on a busy machine, +30 % where σ is 2 %, does) of their median. */
function trimmedLogStats(logs: readonly number[]): { kept: number; centre: number; sd: number; outliers: number } {
  const m = median(logs);
  // The MAD of a few runs can be far below σ by chance, so its cut is floored by half the plain standard deviation.
  const all = Math.sqrt(logs.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(1, logs.length - 1));
  const robust = Math.max(1.4826 * median(logs.map((x) => Math.abs(x - m))), all / 2);
  const kept = robust > 0 ? logs.filter((x) => Math.abs(x - m) <= 6 * robust) : [...logs];
  const centre = kept.reduce((a, b) => a + b, 0) / kept.length;
  const sd = kept.length > 1 ? Math.sqrt(kept.reduce((a, x) => a + (x - centre) ** 2, 0) / (kept.length - 1)) : 0;
  return { kept: kept.length, centre, sd, outliers: logs.length - kept.length };
}

/**
 * Judge `current` (an entry, not necessarily in the history) against `history`. `reruns` holds
 * further medians of some jobs of this commit (re-runs by `ci`): the current log median is then
 * their mean over m runs and the scale s · √(1/m + 1/k).
 */
export function judgeFromHistory(
  current: HistoryEntry,
  history: readonly HistoryEntry[],
  options: Partial<HistoryVerdictOptions> = {},
  reruns: ReadonlyMap<string, readonly number[]> = new Map(),
): HistoryVerdictReport {
  const o = { ...DEFAULT_HISTORY_VERDICT_OPTIONS, ...options };
  const jobs: HistoryJobVerdict[] = [];
  const tested: { job: HistoryJobVerdict; logRatio: number }[] = [];
  const index = indexPast(history, current.id, o);
  for (const job of current.jobs) {
    if (job.status === 'skipped') continue;
    const { past, unlike, unlikeWhy } = pastOf(index, job, o);
    const base: HistoryJobVerdict = {
      id: job.id,
      verdict: 'inconclusive',
      ratio: null,
      interval: null,
      currentMedianMs: job.medianMs,
      historyCentreMs: null,
      currentRuns: 1,
      outliers: 0,
      runs: past.length,
      trendMs: [...past.map((p) => p.medianMs!), ...(job.medianMs ? [job.medianMs] : [])],
      p: null,
      pAdjusted: null,
      undecided: false,
      reason: '',
    };
    if (job.status !== 'ok' || job.medianMs === null || !(job.medianMs > 0)) {
      jobs.push({ ...base, verdict: 'failed', reason: `the current run's job is ${job.status}` });
      continue;
    }
    if (past.length < o.minRuns) {
      const where = `${o.branch === null ? 'any branch' : `branch ${o.branch}`} on this device`;
      // Runs measured otherwise (a sustained run against ordinary history) are named, never judged against.
      const notLike = unlike
        ? `; ${unlike} more not used, measured otherwise (${unlikeWhy}): runs that differ so are never judged against each other (compare refuses them too)`
        : '';
      jobs.push({
        ...base,
        reason: `inconclusive: ${past.length} earlier run${past.length === 1 ? '' : 's'} of this job on ${where}, ${o.minRuns} needed: ${o.minRuns - past.length} missing${notLike}`,
      });
      continue;
    }
    const { kept, centre, sd, outliers } = trimmedLogStats(past.map((p) => Math.log(p.medianMs!)));
    const spread = Math.max(sd, o.minSpread);
    const k = kept;
    const currentMedians = [job.medianMs, ...(reruns.get(job.id) ?? [])].filter((x) => x > 0);
    const m = currentMedians.length;
    const scale = spread * Math.sqrt(1 / m + 1 / k);
    const logRatio = currentMedians.reduce((a, x) => a + Math.log(x), 0) / m - centre;
    const t = logRatio / scale;
    const p = Math.min(1, 2 * studentTSf(Math.abs(t), k - 1));
    const half = t975(k - 1) * scale;
    const v: HistoryJobVerdict = {
      ...base,
      currentRuns: m,
      currentMedianMs: Math.exp(logRatio + centre),
      ratio: Math.exp(logRatio),
      interval: [Math.exp(logRatio - half), Math.exp(logRatio + half)],
      historyCentreMs: Math.exp(centre),
      outliers,
      p,
    };
    jobs.push(v);
    tested.push({ job: v, logRatio });
  }
  const adjusted = holmAdjust(tested.map((x) => x.job.p!));
  const bar = Math.log1p(o.minEffect);
  tested.forEach(({ job, logRatio }, i) => {
    job.pAdjusted = adjusted[i];
    const significant = adjusted[i] < o.significance;
    const large = Math.abs(logRatio) >= bar;
    const change = `${fmtChange(job.ratio! - 1)} (95 % interval ${fmtChange(job.interval![0] - 1)} … ${fmtChange(job.interval![1] - 1)}) against ${fmtMs(job.historyCentreMs)}, the geometric mean of ${job.runs} runs${job.currentRuns > 1 ? ` (current: ${job.currentRuns} runs)` : ''}${job.outliers ? ` (${job.outliers} outlying run${job.outliers === 1 ? '' : 's'} set aside)` : ''}`;
    if (significant && large) {
      job.verdict = logRatio > 0 ? 'slower' : 'faster';
      job.reason = `${change}; p = ${fmtP(job.p)}, Holm-adjusted ${fmtP(job.pAdjusted)} < ${fmtLevel(o.significance)}`;
    } else if (large) {
      job.verdict = 'inconclusive';
      job.undecided = true;
      job.reason = `${change}: larger than ±${fmtPct(o.minEffect)} but within the history's noise (Holm-adjusted p = ${fmtP(job.pAdjusted)}); a re-run decides`;
    } else {
      job.verdict = 'no change';
      // Significant before the adjustment, or within a fifth of the bar: near the threshold.
      job.undecided = job.p! < o.significance || Math.abs(logRatio) >= 0.8 * bar;
      job.reason = `${change}; within ±${fmtPct(o.minEffect)}${significant ? ' (significant but small)' : ''}`;
    }
  });
  const notes: string[] = [];
  // Runs that hold these jobs, but none on this device (sets: one pass over the history).
  const currentKeys = new Set(current.jobs.map(jobKey));
  const currentIds = new Set(current.jobs.map((c) => c.id));
  const otherDevice = history.filter(
    (e) => e.id !== current.id && e.jobs.length > 0 && e.jobs.every((j) => !currentKeys.has(jobKey(j))) && e.jobs.some((j) => currentIds.has(j.id)),
  );
  if (otherDevice.length)
    notes.push(
      `${otherDevice.length} run${otherDevice.length === 1 ? '' : 's'} of these jobs on another device not used (${otherDevice
        .slice(0, 5)
        .map((e) => `${e.id}.json: device ${e.device}`)
        .join(', ')}${otherDevice.length > 5 ? ', …' : ''}; this run: ${current.device})`,
    );
  if (o.branch !== null) {
    const otherBranch = history.filter((e) => e.id !== current.id && e.source.branch !== o.branch).length;
    if (otherBranch) notes.push(`${otherBranch} run${otherBranch === 1 ? '' : 's'} of other branches not used (baseline branch ${o.branch})`);
  }
  return { options: o, jobs, notes, exitCode: jobs.some((j) => j.verdict === 'slower' || j.verdict === 'failed') ? 1 : 0 };
}
