/**
 * A run's figures in the formats of continuous-benchmarking services, from its results files
 * alone: Bencher Metric Format (https://bencher.dev/docs/reference/bencher-metric-format/) and
 * github-action-benchmark's custom JSON (https://github.com/benchmark-action/github-action-benchmark,
 * `tool: customSmallerIsBetter` / `customBiggerIsBetter`). Only ok jobs are exported: a failed
 * job has no figures, and the services would read a missing figure as a gap, not a zero.
 */
import type { RunData } from '../contract/run-data.ts';

/** BMF: `{ "<benchmark>": { "<measure slug>": { value, lower_value?, upper_value? } } }`. */
export type BmfMetric = { value: number; lower_value?: number; upper_value?: number };
export type Bmf = Record<string, Record<string, BmfMetric>>;

/** One entry of github-action-benchmark's custom format. */
export interface CustomBenchmarkEntry {
  name: string;
  unit: string;
  value: number;
  range?: string;
  extra?: string;
}

/** Bencher's built-in `latency` measure is in nanoseconds; memory and accuracy get their own slugs (created on first upload). */
const BMF_MEASURES = { latency: 'latency', peakRss: 'peak-rss-bytes', top1: 'top1-accuracy', agreement: 'agreement-top1' } as const;

const ok = (data: RunData) => data.results.filter((r) => r.status === 'ok');

/** Bencher Metric Format: one benchmark per job id; latency (ns, with its 95 % CI as bounds), peak RSS (bytes), top-1 and agreement (fractions). */
export function toBmf(data: RunData): Bmf {
  const out: Bmf = {};
  for (const r of ok(data)) {
    const m: Record<string, BmfMetric> = {};
    if (r.latency)
      m[BMF_MEASURES.latency] = { value: r.latency.medianMs * 1e6, lower_value: r.latency.ci95Ms[0] * 1e6, upper_value: r.latency.ci95Ms[1] * 1e6 };
    if (r.memory?.peakRssBytes != null) m[BMF_MEASURES.peakRss] = { value: r.memory.peakRssBytes };
    if (r.accuracy?.top1 != null) m[BMF_MEASURES.top1] = { value: r.accuracy.top1 };
    if (r.accuracy?.agreementTop1 != null) m[BMF_MEASURES.agreement] = { value: r.accuracy.agreementTop1 };
    if (Object.keys(m).length) out[r.id] = m;
  }
  return out;
}

const extraOf = (data: RunData, id: string) => `run ${data.run.runId}${data.run.gitCommit ? ` at ${data.run.gitCommit.slice(0, 12)}` : ''} · ${id}`;

/** customSmallerIsBetter: median latency (ms, range = ± half the 95 % CI) and peak RSS (MiB) per job. */
export function toCustomSmallerIsBetter(data: RunData): CustomBenchmarkEntry[] {
  const out: CustomBenchmarkEntry[] = [];
  for (const r of ok(data)) {
    if (r.latency)
      out.push({
        name: `${r.id} latency`,
        unit: 'ms',
        value: r.latency.medianMs,
        range: `± ${((r.latency.ci95Ms[1] - r.latency.ci95Ms[0]) / 2).toPrecision(3)}`,
        extra: extraOf(data, r.id),
      });
    if (r.memory?.peakRssBytes != null) out.push({ name: `${r.id} peak RSS`, unit: 'MiB', value: r.memory.peakRssBytes / 2 ** 20, extra: extraOf(data, r.id) });
  }
  return out;
}

/** customBiggerIsBetter: top-1 and agreement with the reference (%) per job that measured them. */
export function toCustomBiggerIsBetter(data: RunData): CustomBenchmarkEntry[] {
  const out: CustomBenchmarkEntry[] = [];
  for (const r of ok(data)) {
    if (r.accuracy?.top1 != null)
      out.push({ name: `${r.id} top-1`, unit: '%', value: r.accuracy.top1 * 100, extra: `${extraOf(data, r.id)} · ${r.accuracy.n} images` });
    if (r.accuracy?.agreementTop1 != null)
      out.push({
        name: `${r.id} agreement`,
        unit: '%',
        value: r.accuracy.agreementTop1 * 100,
        extra: `${extraOf(data, r.id)} · ${r.accuracy.agreementN ?? r.accuracy.n} images`,
      });
  }
  return out;
}

/** The export formats `report --format` writes, and their default file names in the run folder. */
export const EXPORT_FORMATS = {
  bmf: 'bmf.json',
  'github-action-benchmark': 'benchmark-smaller-is-better.json',
  'github-action-benchmark-bigger': 'benchmark-bigger-is-better.json',
} as const;
export type ExportFormat = keyof typeof EXPORT_FORMATS;

export function renderExport(data: RunData, format: ExportFormat): string {
  const value = format === 'bmf' ? toBmf(data) : format === 'github-action-benchmark' ? toCustomSmallerIsBetter(data) : toCustomBiggerIsBetter(data);
  return `${JSON.stringify(value, null, 2)}\n`;
}
