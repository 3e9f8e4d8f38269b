/**
 * The part of a target's report for a user's own models (config `models`, `--model`): each model
 * beside the official variant of the same α × resolution on an accuracy-versus-latency chart, the
 * latency each costs beside that official variant, the stated preprocessing and a confusion matrix per
 * job; and the recommendation among the user's models under each budget. From the results alone.
 *
 * A user's top-1 is measured on the user's photos and classes, an official variant's on ImageNet's
 * (measured on an ImageNet-labelled set in the run, else TF-slim's published figure): the legend and
 * caption say so on every point, so the two are never read as one scale.
 */
import type { JobResult } from '../../contract/results.ts';
import { fmtMs, fmtNum, fmtPct } from '../../contract/format.ts';
import { PUBLISHED_ACCURACY } from '../../models/published.ts';
import type { ChartSink } from '../chart-sink.ts';
import type { SpecSeries } from '../client/chart-specs.ts';
import { paretoFrontier, precisionLabel, variantOf, weightsFormat, type Recommendation, type TargetView } from '../data.ts';
import { html, type SafeHtml } from '../escape.ts';
import { GROUP_COLORS } from '../palette.ts';
import { sortableTable, type Column } from '../table.ts';
import type { TargetSection } from '../section.ts';

/** The same runtime configuration of another job: impl, backend, threads and precision. */
const sameConfig = (a: JobResult, b: JobResult) => a.impl === b.impl && a.backend === b.backend && a.threads === b.threads && a.precision === b.precision;

/** The official job beside a user's one: same target, configuration, α and resolution, no model. */
function officialBeside(view: TargetView, r: JobResult): JobResult | undefined {
  return view.ok.find((o) => !o.model && sameConfig(o, r) && o.alpha === r.alpha && o.resolution === r.resolution);
}

/** An official job's ImageNet top-1 (%): measured in this run where it was, else TF-slim's published figure. */
function imagenetTop1(r: JobResult): { value: number; measured: boolean } | null {
  if (r.accuracy?.top1 != null) return { value: r.accuracy.top1 * 100, measured: true };
  const published = PUBLISHED_ACCURACY[variantOf(r)];
  if (!published) return null;
  return { value: r.precision === 'float32' ? published.float.top1 : published.uint8.top1, measured: false };
}

function logRange(values: number[]): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return [lo / 1.25, hi * 1.25];
}

function chart(view: TargetView, mine: JobResult[], sink: ChartSink): SafeHtml {
  const names = [...new Set(mine.map((r) => r.model!.name))];
  const series: SpecSeries[] = names.map((name, i) => ({
    label: `${name} · top-1 on your photos`,
    color: GROUP_COLORS[i % GROUP_COLORS.length],
    pointStyle: 'circle',
    points: mine.filter((r) => r.model!.name === name).map((r) => ({ x: r.latency!.medianMs, y: r.accuracy!.top1! * 100, job: r.id })),
  }));
  const officials = [...new Set(mine.map((r) => officialBeside(view, r)).filter((o): o is JobResult => o !== undefined))];
  const byVariant = new Map<string, JobResult[]>();
  for (const o of officials) byVariant.set(variantOf(o), [...(byVariant.get(variantOf(o)) ?? []), o]);
  for (const [variant, jobs] of byVariant) {
    const points = jobs.flatMap((o) => {
      const a = imagenetTop1(o);
      return a ? [{ x: o.latency!.medianMs, y: a.value, job: o.id, measured: a.measured }] : [];
    });
    if (!points.length) continue;
    const how = points.every((p) => p.measured) ? 'measured' : points.some((p) => p.measured) ? 'measured or published' : 'TF-slim published';
    // Without the official file in the run, the official job timed the same network on synthetic weights: its latency holds, its accuracy is the published one.
    const standIn = jobs.some((o) => weightsFormat(o) === 'synthetic') ? ' · latency on stand-in weights' : '';
    series.push({
      label: `official ${variant} · ImageNet top-1 (${how}), not your photos${standIn}`,
      color: '#666666',
      pointStyle: 'rectRot',
      points: points.map(({ x, y, job }) => ({ x, y, job })),
    });
  }
  const frontierIds = new Set(paretoFrontier(mine));
  const frontier = mine
    .filter((r) => frontierIds.has(r.id))
    .sort((a, b) => a.latency!.medianMs - b.latency!.medianMs)
    .map((r) => ({ x: r.latency!.medianMs, y: r.accuracy!.top1! * 100, job: r.id }));
  const [xMin, xMax] = logRange(series.flatMap((s) => s.points.map((p) => p.x)));
  return html`${sink.add({ kind: 'pareto', series, frontier, xMin, xMax }, `Your models beside the official variants on ${view.name}`, 'chart tall')}
    <p class="caption own-caption">Circles: your models, y = top-1 on your photos (your classes). Grey diamonds: the official variant of the same α × resolution on the same runtimes, y = its ImageNet top-1 (1000 classes; ${officials.some((o) => o.accuracy?.top1 != null) ? 'measured in this run' : "TF-slim's published figure, since your photos carry your labels, not ImageNet's"}). <strong>The two accuracies are on different data and classes: compare latency (x) across them, accuracy only among your models.</strong> The dashed line is the frontier among your models.${officials.some((o) => weightsFormat(o) === 'synthetic') ? " Where the run had no official file for the variant, its job timed the same network on synthetic stand-in weights: the latency is the variant's, the accuracy only the published one." : ''}</p>`;
}

function besideTable(view: TargetView, mine: JobResult[]): SafeHtml {
  const cols: Column<JobResult>[] = [
    { key: 'job', title: 'your model', cell: (r) => html`<code>${r.id}</code>` },
    { key: 'precision', title: 'precision', cell: (r) => precisionLabel(r.precision) },
    {
      key: 'top1',
      title: 'top-1 on your photos',
      unit: '%',
      value: (r) => r.accuracy?.top1,
      cell: (r) => `${fmtPct(r.accuracy?.top1)} (n = ${r.accuracy?.n ?? 0})`,
    },
    { key: 'top5', title: 'top-5', unit: '%', value: (r) => r.accuracy?.top5, cell: (r) => fmtPct(r.accuracy?.top5) },
    { key: 'median', title: 'median', unit: 'ms', value: (r) => r.latency?.medianMs, cell: (r) => fmtMs(r.latency?.medianMs) },
    {
      key: 'official',
      title: 'official, same α × res.',
      cell: (r) => {
        const o = officialBeside(view, r);
        return o ? html`<code>${o.id}</code>` : '–';
      },
    },
    {
      key: 'officialMedian',
      title: 'official median',
      unit: 'ms',
      value: (r) => officialBeside(view, r)?.latency?.medianMs,
      cell: (r) => fmtMs(officialBeside(view, r)?.latency?.medianMs),
    },
    { key: 'ratio', title: 'yours ÷ official', value: (r) => ratio(view, r), cell: (r) => fmtNum(ratio(view, r), 2) },
  ];
  return sortableTable(cols, mine, { jobOf: (r) => r.id, className: 'own-models' });
}

function ratio(view: TargetView, r: JobResult): number | null {
  const o = officialBeside(view, r)?.latency?.medianMs;
  return o && r.latency ? r.latency.medianMs / o : null;
}

/** The recommendation among the user's models (shown in the target's Recommendation section). */
export function ownRecommendationList(view: TargetView): SafeHtml {
  const items = view.ownRecommendations
    .filter((rec: Recommendation) => rec.kind === 'latency')
    .map((rec) => {
      const r = view.jobs.find((j) => j.id === rec.jobId);
      const budget = html`median latency ≤ <strong>${rec.budget} ms</strong>`;
      if (!r) return html`<li><span class="budget">${budget}</span><span>none of your models fits</span></li>`;
      return html`<li><span class="budget">${budget}</span><span><code class="job">${r.id}</code></span><span><strong>${fmtPct(r.accuracy!.top1)} top-1 on your photos</strong> · median ${fmtMs(r.latency!.medianMs)} ms</span></li>`;
    });
  if (!items.length) return html``;
  return html`<h4>Which of your models under a latency budget</h4><ul class="recs own-recs">${items}</ul>
    <p class="caption">The most accurate of your models on your photos within each budget (ties go to the faster job), across every model, runtime and precision of the run on this target.</p>`;
}

/** Jobs with the same matrix share one table (the runtimes usually agree exactly). */
function confusionTables(mine: JobResult[]): SafeHtml {
  const groups = new Map<string, JobResult[]>();
  for (const r of mine) {
    const c = r.accuracy?.confusion;
    if (!c) continue;
    const key = `${r.model!.name}|${JSON.stringify(c)}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  if (!groups.size) return html`<p class="notice">No confusion matrix was recorded (a model without a labels file, or a head over 100 classes).</p>`;
  const tables = [...groups.values()].map((jobs) => {
    const { classes, matrix } = jobs[0].accuracy!.confusion!;
    const head = html`<tr><th scope="col">true ↓ · predicted →</th>${classes.map((c) => html`<th scope="col">${c}</th>`)}</tr>`;
    const rows = matrix.map(
      (row, i) => html`<tr><th scope="row">${classes[i]}</th>${row.map((n, j) => html`<td class="num${i === j ? ' diag' : ''}">${String(n)}</td>`)}</tr>`,
    );
    return html`<figure class="card confusion"><figcaption>${jobs.map((r) => html`<code class="job">${r.id}</code> `)}</figcaption>
      <div class="table-wrap"><table class="confusion-matrix"><thead>${head}</thead><tbody>${rows}</tbody></table></div></figure>`;
  });
  return html`<h4>Confusion on your photos</h4><div class="grid2">${tables}</div>
    <p class="caption">Rows: the true class (the photo's folder); columns: the class predicted (top-1); class names from the model's labels file; the diagonal is correct. Jobs with the same matrix share a table.</p>`;
}

/** The section, or null where the target ran no user model. */
export function ownModelsHtml(view: TargetView, sink: ChartSink): SafeHtml | null {
  const all = view.jobs.filter((r) => r.model);
  if (!all.length) return null;
  const mine = view.ownWithAccuracy;
  if (!mine.length)
    return html`<p class="notice">None of your models finished ok with a top-1 on your photos on this target (reasons under <a href="#problems">Failed, invalid and skipped jobs</a>).</p>`;
  const preprocessing = [...new Map(mine.map((r) => [r.model!.name, r.accuracy?.preprocessing ?? 'not recorded'])).entries()];
  return html`${chart(view, mine, sink)}
    ${besideTable(view, mine)}
    <p class="preprocessing">Preprocessing: ${preprocessing.map(([name, p], i) => html`${i ? '; ' : ''}<strong>${name}</strong>: ${p}`)}.</p>
    ${confusionTables(mine)}`;
}

/** Shown only where the run measured the user's own models (config `models`, `--model`). */
export const ownModelsSection: TargetSection = {
  id: 'own-models',
  title: 'Your models',
  scope: 'target',
  html: ({ view, sink }) => (view.jobs.some((r) => r.model) ? (ownModelsHtml(view, sink) ?? html``) : null),
};
