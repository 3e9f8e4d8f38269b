/**
 * The report's view of a run (read by contract/run-data.ts from results.jsonl and run.json alone): group the
 * jobs by target and by configuration (implementation × backend × threads × precision),
 * and derive the figures every renderer shares: Pareto frontier, budget recommendations,
 * achieved GMAC/s. Pure functions over the results; no numbers that the data does not hold.
 */
import type { JobResult } from '../contract/results.ts';
import type { RunData } from '../contract/run-data.ts';

// The run loader and RunData are shared with compare and baselines (contract/run-data.ts).
export { gmacPerSecond, loadRunFolder, type RunData } from '../contract/run-data.ts';

/** One configuration of a target: the rows that may share a line in a chart. Precisions are never mixed. */
export interface Group {
  /** Stable key: `impl:backend@threads|precision`. */
  key: string;
  /** Human label, e.g. "ort-node · cpu · float32". */
  label: string;
  impl: string;
  backend: string;
  threads: number | null;
  precision: JobResult['precision'];
  /** Index into the report palette, the same for this key in every target and chart. */
  colorIndex: number;
}

/** "best accuracy under a budget" for one budget. */
export interface Recommendation {
  kind: 'latency' | 'memory';
  /** Milliseconds (latency: median) or MiB (memory: peak RSS). */
  budget: number;
  /** The ok job with the highest top-1 within the budget (ties: the faster), or null when none fits. */
  jobId: string | null;
}

/** Everything the report shows for one target. */
export interface TargetView {
  name: string;
  /** Every job of the target, as planned. */
  jobs: JobResult[];
  /** Jobs with status ok: the only ones in charts. */
  ok: JobResult[];
  groups: Group[];
  /** Ok jobs with labelled accuracy, the user's own models left out (their top-1 is on other data): charts, recommendations and the overview use these. */
  withAccuracy: JobResult[];
  /** Ok jobs of the user's own models (config `models`, `--model`) with a top-1 on the user's photos. */
  ownWithAccuracy: JobResult[];
  /** Ids on the accuracy-versus-median-latency Pareto frontier, fastest first. */
  pareto: string[];
  /** Among the official variants (and any job without a user's model). */
  recommendations: Recommendation[];
  /** Among the user's own models (config `models`, `--model`): best top-1 on the user's photos under each budget. */
  ownRecommendations: Recommendation[];
  /** Why no top-1 exists, when none does (from the results' notes and weights sources). */
  accuracyMissingReason: string | null;
}

/** The whole report model. */
export interface ReportModel extends RunData {
  targets: TargetView[];
  groups: Group[];
  counts: Record<JobResult['status'], number>;
}

/** Variant name as in job ids: 1.0_224, 0.25_128. */
export function variantOf(r: Pick<JobResult, 'alpha' | 'resolution'>): string {
  return `${r.alpha === 1 ? '1.0' : String(r.alpha)}_${r.resolution}`;
}

/** Short precision label. */
export function precisionLabel(p: JobResult['precision']): string {
  return p === 'float32' ? 'float32' : p === 'uint8' ? 'uint8 (integer kernels)' : 'uint8 (dequantized)';
}

/** Format of a job's weights, from its weightsSource: `tflite`, `tfjs-layers`, `synthetic`. */
export function weightsFormat(r: Pick<JobResult, 'weightsSource'>): string {
  return /^[A-Za-z0-9-]+/.exec(r.weightsSource)?.[0] ?? r.weightsSource;
}

/** Group key of a job: the same network from differently stored weights is a different row. */
export function groupKey(r: JobResult): string {
  return `${r.impl}:${r.backend}${r.threads === null ? '' : `@${r.threads}`}|${r.precision}|${weightsFormat(r)}`;
}

function groupLabel(r: JobResult, showWeights: boolean): string {
  const threads = r.threads === null ? '' : ` · ${r.threads} thread${r.threads === 1 ? '' : 's'}`;
  const backend = r.impl === 'reference' ? '' : ` · ${r.backend}`;
  return `${r.impl}${backend}${threads} · ${precisionLabel(r.precision)}${showWeights ? ` · ${weightsFormat(r)} weights` : ''}`;
}

/** Bytes → MiB. */
export const mib = (bytes: number) => bytes / 2 ** 20;

/** Order variants the way the paper's table does: larger α first, then larger resolution. */
export function compareVariants(a: Pick<JobResult, 'alpha' | 'resolution'>, b: Pick<JobResult, 'alpha' | 'resolution'>): number {
  return b.alpha - a.alpha || b.resolution - a.resolution;
}

/**
 * Pareto frontier of accuracy against median latency: a job is on it when no other job is
 * at least as fast and at least as accurate, and strictly better in one. Fastest first.
 */
export function paretoFrontier(jobs: readonly JobResult[]): string[] {
  const pts = jobs
    .filter((r) => r.latency && r.accuracy?.top1 != null)
    .map((r) => ({ id: r.id, t: r.latency!.medianMs, a: r.accuracy!.top1! }))
    .sort((p, q) => p.t - q.t || q.a - p.a);
  const out: string[] = [];
  let best = -Infinity;
  for (const p of pts) {
    if (p.a > best) {
      out.push(p.id);
      best = p.a;
    }
  }
  return out;
}

/**
 * Up to `count` round budgets (1, 2, 5 × 10^k) spread over the range of values, each at or
 * above the smallest value (so at least one job fits) and below the largest (so the budget bites).
 */
export function roundBudgets(values: readonly number[], count = 4): number[] {
  const vs = values.filter((v) => Number.isFinite(v) && v > 0);
  if (vs.length === 0) return [];
  const lo = Math.min(...vs);
  const hi = Math.max(...vs);
  const candidates: number[] = [];
  for (let e = Math.floor(Math.log10(lo)) - 1; e <= Math.ceil(Math.log10(hi)) + 1; e++) {
    for (const m of [1, 2, 5]) {
      const b = Number((m * 10 ** e).toPrecision(3));
      if (b >= lo && b < hi) candidates.push(b);
    }
  }
  if (candidates.length === 0) return [Number(hi.toPrecision(2))];
  if (candidates.length <= count) return candidates;
  // Evenly spaced picks on the log scale, always keeping the tightest and the loosest.
  const picks = new Set<number>();
  for (let i = 0; i < count; i++) picks.add(candidates[Math.round((i * (candidates.length - 1)) / (count - 1))]);
  return [...picks].sort((a, b) => a - b);
}

/** The most accurate job whose figure is within the budget (ties: lower median latency). */
export function bestWithin(jobs: readonly JobResult[], figure: (r: JobResult) => number | null, budget: number): JobResult | null {
  let best: JobResult | null = null;
  for (const r of jobs) {
    const v = figure(r);
    const a = r.accuracy?.top1;
    if (v === null || a == null || v > budget) continue;
    if (!best || a > best.accuracy!.top1! || (a === best.accuracy!.top1! && r.latency!.medianMs < best.latency!.medianMs)) best = r;
  }
  return best;
}

const medianOf = (r: JobResult) => r.latency?.medianMs ?? null;
const peakMibOf = (r: JobResult) => (r.memory?.peakRssBytes != null ? mib(r.memory.peakRssBytes) : null);

function missingAccuracyReason(ok: readonly JobResult[]): string | null {
  if (ok.some((r) => r.accuracy?.top1 != null)) return null;
  if (ok.length === 0) return 'no job finished ok';
  const notes = [...new Set(ok.map((r) => r.accuracy?.note).filter((n): n is string => Boolean(n)))];
  const sources = [...new Set(ok.map((r) => r.weightsSource))];
  const synthetic = sources.every((s) => s.startsWith('synthetic'));
  if (notes.length) return notes.join('; ');
  return synthetic ? `weights are synthetic (${sources.join(', ')}), so top-1 against labels is meaningless` : 'no labelled eval set was given';
}

/** Best accuracy under round latency and memory budgets among `withAccuracy`; a looser budget that buys nothing better than the tighter one before it is left out. */
function budgetRecommendations(withAccuracy: readonly JobResult[]): Recommendation[] {
  const recommendations: Recommendation[] = [];
  if (!withAccuracy.length) return recommendations;
  const add = (kind: Recommendation['kind'], budgets: number[], figure: (r: JobResult) => number | null) => {
    let previous: string | null | undefined;
    for (const budget of budgets) {
      const jobId = bestWithin(withAccuracy, figure, budget)?.id ?? null;
      if (jobId !== null && jobId === previous) continue;
      recommendations.push({ kind, budget, jobId });
      previous = jobId;
    }
  };
  add(
    'latency',
    roundBudgets(
      withAccuracy.map((r) => r.latency!.medianMs),
      5,
    ),
    medianOf,
  );
  add(
    'memory',
    roundBudgets(
      withAccuracy.map(peakMibOf).filter((v): v is number => v !== null),
      3,
    ),
    peakMibOf,
  );
  return recommendations;
}

/** Build the report model from a run's files. */
export function buildReportModel(data: RunData): ReportModel {
  const { results } = data;
  const groups = new Map<string, Group>();
  // Name the weights format only where a run mixes formats.
  const showWeights = new Set(results.map(weightsFormat)).size > 1;
  // Colours go to configurations with charted (ok) jobs first, in plan order.
  for (const r of [...results.filter((x) => x.status === 'ok'), ...results.filter((x) => x.status !== 'ok')]) {
    const key = groupKey(r);
    if (!groups.has(key)) {
      groups.set(key, {
        key,
        label: groupLabel(r, showWeights),
        impl: r.impl,
        backend: r.backend,
        threads: r.threads,
        precision: r.precision,
        colorIndex: groups.size,
      });
    }
  }
  const targetNames = [...new Set(results.map((r) => r.target))];
  const targets = targetNames.map((name): TargetView => {
    const jobs = results.filter((r) => r.target === name);
    const ok = jobs.filter((r) => r.status === 'ok' && r.latency);
    // A user's model is scored on the user's photos, an official variant on ImageNet labels: never ranked together.
    const withAccuracy = ok.filter((r) => r.accuracy?.top1 != null && !r.model);
    const ownWithAccuracy = ok.filter((r) => r.accuracy?.top1 != null && r.model);
    const recommendations = budgetRecommendations(withAccuracy);
    const ownRecommendations = budgetRecommendations(ownWithAccuracy);
    const keys = new Set(jobs.map(groupKey));
    return {
      name,
      jobs,
      ok,
      groups: [...groups.values()].filter((g) => keys.has(g.key)),
      withAccuracy,
      ownWithAccuracy,
      pareto: paretoFrontier(withAccuracy),
      recommendations,
      ownRecommendations,
      accuracyMissingReason: missingAccuracyReason(ok.filter((r) => !r.model)),
    };
  });
  const counts = { ok: 0, invalid: 0, failed: 0, skipped: 0 };
  for (const r of results) counts[r.status]++;
  return { ...data, targets, groups: [...groups.values()], counts };
}

/** A value from the resolved config (stored as unknown in run.json), or undefined. */
export function configValue(config: unknown, ...path: string[]): unknown {
  let v: unknown = config;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

/**
 * Wilson 95 % interval of a proportion measured on n items: how far a top-1 measured on a
 * small eval set can be trusted. Derived from the recorded fraction and n only.
 */
export function wilsonInterval(p: number, n: number, z = 1.96): [number, number] {
  if (n <= 0) return [0, 1];
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
