/**
 * Sustained mode in the HTML report: each sustained job's window medians over time (a line
 * chart) and its sustained / cold ratio beside the thermals read during it (a table).
 */
import type { JobResult, ThermalReading } from '../../contract/results.ts';
import type { ChartSink } from '../chart-sink.ts';
import { escapeMarkdownCell as cell, html, type SafeHtml } from '../escape.ts';
import { markdownRow as row } from '../markdown-table.ts';
import type { TargetSection } from '../section.ts';
import { fmtDuration, fmtMs, fmtNum } from '../../contract/format.ts';
import { hottest } from '../../contract/results.ts';
import { GROUP_COLORS } from '../palette.ts';
import { sortableTable, type Column } from '../table.ts';

/** Jobs of a list that ran in sustained mode and finished ok. */
export function sustainedJobs(jobs: readonly JobResult[]): JobResult[] {
  return jobs.filter((r) => r.status === 'ok' && r.latency?.sustained);
}

/** The hottest and coolest temperature read during a job (its series), in words; why not, when none could be read. */
export function thermalDuring(r: JobResult): string {
  const series = r.thermal?.series;
  if (!series) return r.thermal ? 'not polled' : 'the target reads no thermals';
  const temps = series.map((s) => hottest(s.readings)).filter((t): t is number => t !== null);
  if (temps.length) return `${fmtNum(Math.min(...temps), 1)}–${fmtNum(Math.max(...temps), 1)} °C over ${series.length} readings`;
  const why = series.flatMap((s) => s.readings).find((x: ThermalReading) => x.unavailable)?.unavailable;
  return `${series.length} readings, no temperature${why ? ` (${why})` : ''}`;
}

/** The section, or null when no job of the target ran sustained. */
export function sustainedHtml(jobs: readonly JobResult[], targetName: string, sink: ChartSink): SafeHtml | null {
  const rows = sustainedJobs(jobs);
  if (!rows.length) return null;
  const series = rows.map((r, i) => ({
    label: r.id,
    color: GROUP_COLORS[i % GROUP_COLORS.length],
    points: r.latency!.sustained!.windows.map((w) => ({ x: (w.startMs + w.endMs) / 2000, y: w.medianMs, samples: w.samples })),
  }));
  const chart = sink.add({ kind: 'sustained', series }, `Median latency over time of the sustained jobs on ${targetName}`, 'chart mid');
  const cols: Column<JobResult>[] = [
    { key: 'job', title: 'job', cell: (r) => html`<code>${r.id}</code>` },
    {
      key: 'windows',
      title: 'windows',
      value: (r) => r.latency!.sustained!.windows.length,
      cell: (r) => `${r.latency!.sustained!.windows.length} × ${fmtDuration(r.latency!.sustained!.windowMs)}`,
    },
    {
      key: 'sampled',
      title: 'sampled for',
      unit: 's',
      value: (r) => r.latency!.sustained!.windows.at(-1)!.endMs / 1000,
      cell: (r) => fmtDuration(r.latency!.sustained!.windows.at(-1)!.endMs),
    },
    {
      key: 'cold',
      title: 'first window median',
      unit: 'ms',
      value: (r) => r.latency!.sustained!.coldMedianMs,
      cell: (r) => fmtMs(r.latency!.sustained!.coldMedianMs),
    },
    {
      key: 'last',
      title: 'last window median',
      unit: 'ms',
      value: (r) => r.latency!.sustained!.lastMedianMs,
      cell: (r) => fmtMs(r.latency!.sustained!.lastMedianMs),
    },
    {
      key: 'ratio',
      title: 'sustained / cold',
      value: (r) => r.latency!.sustained!.ratio,
      cell: (r) => html`<span class="sustained-ratio ${r.latency!.sustained!.ratio > 1.1 ? 'warn' : ''}">${fmtNum(r.latency!.sustained!.ratio, 3)}</span>`,
    },
    { key: 'thermal', title: 'temperature during', cell: (r) => html`<span class="small">${thermalDuring(r)}</span>` },
    { key: 'throttled', title: 'throttled', cell: (r) => (r.thermal ? (r.thermal.throttled === null ? 'unknown' : r.thermal.throttled ? 'yes' : 'no') : '–') },
  ];
  return html`${chart}
    <p class="caption">Sustained mode: each job sampled for a fixed, long duration; each point is the median of one window of sampling time. Sustained / cold = the last window's median ÷ the first window's: above 1, the device slowed down as it ran (heat, throttling, a governor). "Cold" is after the warm-up, not the first inference (the cold start is charted apart); a device that was already hot from the job before starts less cold (see cooldown in docs/sampling.md).</p>
    ${sortableTable(cols, rows, { jobOf: (r) => r.id, className: 'sustained' })}`;
}

/** Sustained jobs in Markdown: the first and last window medians and their ratio (the HTML report charts the windows). */
function sustainedMarkdownLines(jobs: readonly JobResult[]): string[] {
  const rows = sustainedJobs(jobs);
  if (!rows.length) return [];
  return [
    '',
    '#### Sustained: first vs last window',
    '',
    row(['job', 'windows', 'first window median (ms)', 'last window median (ms)', 'sustained / cold', 'temperature during']),
    row(['---', '---:', '---:', '---:', '---:', '---']),
    ...rows.map((r) => {
      const s = r.latency!.sustained!;
      return row([
        cell(r.id),
        `${s.windows.length} × ${s.windowMs / 1000} s`,
        fmtMs(s.coldMedianMs),
        fmtMs(s.lastMedianMs),
        fmtNum(s.ratio, 3),
        cell(thermalDuring(r)),
      ]);
    }),
  ];
}

/** Shown only where jobs ran in sustained mode (--sustained). */
export const sustainedSection: TargetSection = {
  id: 'sustained',
  title: 'Sustained: latency over time',
  scope: 'target',
  html: ({ view, sink }) => (view.ok.some((r) => r.latency?.sustained) ? (sustainedHtml(view.jobs, view.name, sink) ?? html``) : null),
  markdown: ({ view }) => sustainedMarkdownLines(view.jobs),
};
