/**
 * The compact Markdown report, for a CI job summary or a pull-request comment: counts,
 * per-target recommendation and a table of the headline numbers, and the problems.
 * Every cell from the data is escaped (GitHub renders inline HTML in Markdown).
 */
import type { JobResult } from '../contract/results.ts';
import { gmacPerSecond, precisionLabel, type ReportModel } from './data.ts';
import { escapeMarkdownCell as cell } from './escape.ts';
import { fmtMiB, fmtMs, fmtNum, fmtPct, fmtTime } from '../contract/format.ts';
import { profileMarkdownLines } from './profile-section.ts';
import { ceilingsOfTarget, rooflineMarkdownLine } from './roofline-section.ts';
import { sustainedJobs, thermalDuring } from './sustained-section.ts';
import { runsOf } from './merge.ts';
import { crossDeviceOverview } from './overview.ts';
import { quantizationPairs } from './quantization-section.ts';
import { PUBLISHED_ACCURACY } from '../models/published.ts';

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function jobsTable(jobs: readonly JobResult[]): string[] {
  const header = ['job', 'precision', 'median ms', '95 % CI ms', 'p90 ms', 'GMAC/s', 'peak RSS MiB', 'top-1', 'agrees with ref.'];
  const align = ['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:'];
  return [
    row(header),
    row(align),
    ...jobs.map((r) =>
      row([
        cell(r.id),
        cell(precisionLabel(r.precision)),
        // A device that throttled during the job measured a slower machine than it is.
        r.thermal?.throttled ? `${fmtMs(r.latency?.medianMs)} ⚠ throttled` : fmtMs(r.latency?.medianMs),
        r.latency ? `${fmtMs(r.latency.ci95Ms[0])}–${fmtMs(r.latency.ci95Ms[1])}` : '–',
        fmtMs(r.latency?.p90Ms),
        fmtNum(gmacPerSecond(r), 2),
        fmtMiB(r.memory?.peakRssBytes),
        fmtPct(r.accuracy?.top1),
        fmtPct(r.accuracy?.agreementTop1),
      ]),
    ),
  ];
}

/** float32 vs uint8 per runtime (see quantization-section.ts), when the target ran uint8 jobs. */
function quantizationMarkdownLines(t: ReportModel['targets'][number]): string[] {
  const pairs = quantizationPairs(t);
  if (!pairs.length) return [];
  const signed = (v: number | null) => (v === null ? '–' : `${v > 0 ? '+' : ''}${v.toFixed(1)}`);
  const lines = [
    '',
    '#### float32 vs uint8',
    '',
    row(['runtime', 'variant', 'uint8 runs on', 'float ms', 'uint8 ms', 'speed-up', 'float top-1', 'uint8 top-1', 'cost (pts)', 'published float → uint8']),
    row(['---', '---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---']),
  ];
  for (const p of pairs) {
    const pub = PUBLISHED_ACCURACY[p.variant];
    lines.push(
      row([
        cell(p.runtime),
        cell(p.variant),
        cell(precisionLabel(p.uint8.precision)),
        fmtMs(p.float?.latency?.medianMs),
        fmtMs(p.uint8.latency?.medianMs),
        p.speedup === null ? '–' : `${fmtNum(p.speedup, 2)}×`,
        fmtPct(p.float?.accuracy?.top1),
        fmtPct(p.uint8.accuracy?.top1),
        signed(p.top1CostPoints),
        pub ? `${pub.float.top1} → ${pub.uint8.top1}` : '–',
      ]),
    );
  }
  return lines;
}

/** Render the report model as Markdown. */
/** Sustained jobs: the first and last window medians and their ratio (the HTML report charts the windows). */
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

export function renderMarkdownReport(model: ReportModel): string {
  const { run, counts } = model;
  const out: string[] = [
    `## MobileNet V1 benchmark — run ${cell(run.runId)}`,
    '',
    `${fmtTime(run.startedAt)} · ${cell(run.host.cpuModel)} (${run.host.cores} cores) · ${cell(run.host.os)} · Node.js ${cell(run.host.nodeVersion)}${run.gitCommit ? ` · commit \`${run.gitCommit.slice(0, 10).replace(/`/g, '')}\`` : ''}`,
    '',
    `**${counts.ok} ok**, ${counts.invalid} invalid, ${counts.failed} failed, ${counts.skipped} skipped.`,
  ];
  for (const other of runsOf(model).slice(1))
    out.push(
      '',
      `Merged with run ${cell(other.runId)}: ${fmtTime(other.startedAt)} · ${cell(other.host.cpuModel)} (${other.host.cores} cores) · ${cell(other.host.os)}`,
    );
  const overview = crossDeviceOverview(model);
  for (const w of overview.warnings) out.push('', `> **Warning** (${w.count} results): ${cell(w.warning)}`);
  if (model.targets.length > 1 && overview.budgets.length) {
    out.push(
      '',
      '### Across targets: what fits a median-latency budget',
      '',
      row(['target', ...overview.budgets.map((b) => `≤ ${b} ms`)]),
      row(['---', ...overview.budgets.map(() => '---')]),
    );
    for (const t of overview.targets) {
      out.push(
        row([
          `${cell(t.target)}${t.basis === 'MACs' ? ' (largest network; accuracy not measured)' : ''}`,
          ...t.picks.map((r) => (r ? `${cell(r.id.split('/').slice(1).join('/'))} ${fmtMs(r.latency!.medianMs)} ms` : 'none fits')),
        ]),
      );
    }
  }
  for (const t of model.targets) {
    out.push('', `### Target ${cell(t.name)}`, '');
    if (t.withAccuracy.length || t.ownWithAccuracy.length) {
      // The user's own models are ranked apart: their top-1 is on the user's photos, not ImageNet's.
      for (const [recs, among] of [
        [t.recommendations, ''],
        [t.ownRecommendations, ' among your models (top-1 on your photos)'],
      ] as const) {
        for (const rec of recs) {
          const r = t.jobs.find((j) => j.id === rec.jobId);
          const budget = rec.kind === 'latency' ? `median ≤ ${rec.budget} ms` : `peak RSS ≤ ${rec.budget} MiB`;
          out.push(
            r
              ? `- Best top-1${among} with ${budget}: ${cell(r.id)} — ${fmtPct(r.accuracy!.top1)} top-1 (n = ${r.accuracy!.n}), ${fmtMs(r.latency!.medianMs)} ms, ${fmtMiB(r.memory?.peakRssBytes)} MiB`
              : `- Best top-1${among} with ${budget}: no job fits`,
          );
        }
      }
    } else if (t.ok.length) {
      out.push(`- Accuracy not measured: ${cell(t.accuracyMissingReason ?? '')}.`);
    }
    if (t.ok.length) {
      out.push('', ...jobsTable(t.ok));
      out.push(...quantizationMarkdownLines(t));
      out.push(...sustainedMarkdownLines(t.jobs));
      out.push(...profileMarkdownLines(t.jobs));
      out.push('', rooflineMarkdownLine(t.name, t.jobs, ceilingsOfTarget(model, t.name)));
    } else {
      out.push('No job finished ok on this target.');
    }
  }
  const problems = model.results.filter((r) => r.status === 'failed' || r.status === 'invalid');
  const skipped = model.results.filter((r) => r.status === 'skipped');
  if (problems.length) {
    out.push('', '### Failed and invalid jobs', '', row(['job', 'status', 'reason']), row(['---', '---', '---']));
    for (const r of problems) out.push(row([cell(r.id), r.status, cell((r.error ?? '').split('\n')[0])]));
  }
  if (skipped.length) {
    const reasons = new Map<string, number>();
    for (const r of skipped) reasons.set(r.error ?? '(no reason)', (reasons.get(r.error ?? '(no reason)') ?? 0) + 1);
    out.push('', `<details><summary>${skipped.length} skipped</summary>`, '');
    for (const [reason, n] of reasons) out.push(`- ${n} × ${cell(reason)}`);
    out.push('', '</details>');
  }
  out.push(
    '',
    `<sub>From results.jsonl and run.json (schema v${run.schemaVersion}); latency is per inference, CI is a bootstrap 95 % interval of the median.</sub>`,
    '',
  );
  return out.join('\n');
}
