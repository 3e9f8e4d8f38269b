/** Run-wide: how the numbers were made: sampling rule, statistics, preprocessing, weights and their hashes, the config. */
import type { JobResult } from '../../contract/results.ts';
import { redactDeep } from '../../contract/secrets.ts';
import { fmtPct } from '../../contract/format.ts';
import { capBeforeTarget } from '../../contract/stats/stopping.ts';
import { inlinedLibraryVersions } from '../assets.ts';
import { configValue, type ReportModel } from '../data.ts';
import { html, type SafeHtml } from '../escape.ts';
import { runsOf } from '../merge.ts';
import type { RunSection } from '../section.ts';
import { sortableTable, type Column } from '../table.ts';

/** The eval-set crop in words (runs from before the option cropped 87.5 %). */
const cropText = (v: unknown) => (typeof v === 'number' ? `${Number((v * 100).toFixed(2))} %${v === 1 ? ' (the whole image: no crop)' : ''}` : '87.5 %');

/** How the numbers were made: sampling rule, statistics, preprocessing, weights and their hashes. */
function methodologyHtml(model: ReportModel): SafeHtml {
  const { run } = model;
  const c = run.config;
  const s = (k: string) => configValue(c, 'sampling', k);
  const stopped = new Map<string, number>();
  let flagged = 0;
  const capped: JobResult[] = [];
  for (const r of model.results) {
    if (!r.latency) continue;
    const reason = r.latency.stopReason ?? r.latency.stoppedBy;
    stopped.set(reason, (stopped.get(reason) ?? 0) + 1);
    if (capBeforeTarget(r.latency)) capped.push(r);
    if (r.latency.drift?.flagged) flagged++;
  }
  const evalSet = configValue(c, 'accuracy', 'evalSet');
  const weights = run.weights ?? [];
  const weightCols: Column<NonNullable<typeof run.weights>[number]>[] = [
    { key: 'variant', title: 'variant', cell: (w) => w.variant },
    { key: 'precision', title: 'precision', cell: (w) => w.precision },
    { key: 'source', title: 'source', cell: (w) => w.source },
    { key: 'file', title: 'file', cell: (w) => html`<span class="small break">${w.file ?? '–'}</span>` },
    { key: 'sha256', title: 'SHA-256', cell: (w) => html`<code class="hash">${w.sha256 ?? '–'}</code>` },
  ];
  const libs = inlinedLibraryVersions();
  return html`<h3>Sampling rule</h3>
    <p>Each job runs in its own process or page: load the weights, initialise the runtime and run the first inference (each timed once: the cold start), then warm up with at least ${String(s('warmupSamples') ?? '?')} inferences and ${String(s('warmupTimeMs') ?? '?')} ms, then time single inferences until there are at least ${String(s('minSamples') ?? '?')} samples <em>and</em> ${String(s('minTimeMs') ?? '?')} ms have passed${Number(s('targetPrecision') ?? 0) > 0 ? ` and the 95 % confidence interval of the median is within ±${fmtPct(Number(s('targetPrecision')))} of it (the larger of the order-statistic and the batch-medians interval, looked at only at ×1.5 sample counts; docs/sampling.md), or until its budget of ${String(s('budgetSamples') ?? '?')} samples and ${String(s('budgetTimeMs') ?? '?')} ms is spent` : ' (fixed sampling: no precision target)'}, capped at ${String(s('maxSamples') ?? '?')} samples or ${String(s('maxTimeMs') ?? '?')} ms. Stopping reasons in this run: ${[...stopped].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}.${capped.length ? html` <strong>${capped.length} job${capped.length === 1 ? '' : 's'} stopped (budget or cap) before ${capped.length === 1 ? 'its' : 'their'} target precision</strong>: ${capped.map((r, i) => html`${i ? ', ' : ''}<code>${r.id}</code> (${capBeforeTarget(r.latency)})`)}; their intervals are wider than asked.` : ''} Jobs run in ${String(configValue(c, 'order', 'mode') ?? '?')} order (seed ${run.orderSeed}), so slow drift does not line up with one variant. The same seeded synthetic input tensor is fed to every timed inference.</p>
    <h3>Statistics</h3>
    <p>Median, p90 and p99 by linear interpolation between order statistics (Hyndman–Fan type 7, numpy's default); MAD is the unscaled median absolute deviation; the 95 % confidence interval of the median is a percentile bootstrap (2000 resamples, seeded). Drift compares the medians of the first and last quarter of the samples (needs ≥ 20 samples) and is flagged beyond ±${String(Number(s('driftThreshold') ?? 0.1) * 100)} %: ${flagged} job${flagged === 1 ? '' : 's'} flagged. Achieved GMAC/s is the analytic MAC count divided by the median. The top-1 interval quoted in recommendations is the Wilson 95 % score interval for the number of images evaluated.</p>
    <h3>Preprocessing and accuracy</h3>
    <p>Images are decoded, scaled to [0, 1], centrally cropped to ${cropText(configValue(c, 'accuracy', 'crop'))}, resized bilinearly to the variant's resolution and scaled to [−1, 1] (TF-slim's evaluation preprocessing crops 87.5 %; the crop is the config's accuracy.crop), once, outside any timed region; every implementation gets the identical tensor. Eval set: ${evalSet ? html`<code>${String(evalSet)}</code>` : 'none (agreement with the reference on seeded synthetic inputs only)'}; at most ${String(configValue(c, 'accuracy', 'samples') ?? '?')} images per job (seeded subset, seed ${String(configValue(c, 'accuracy', 'seed') ?? '?')}). Agreement is the share of inputs whose top-1 class equals the reference implementation's; max |Δ logit| is the largest difference from the reference's logits.</p>
    <h3>Weights</h3>
    ${weights.length ? sortableTable(weightCols, weights, { className: 'weights' }) : html`<p>run.json records no weights.</p>`}
    <h3>Configuration</h3>
    ${runsOf(model).map((r) => html`<details><summary>The resolved configuration of run ${r.runId} (run.json)</summary><pre class="config">${JSON.stringify(redactDeep(r.config), null, 2)}</pre></details>`)}
    <p class="caption">This report was built from <code>results.jsonl</code> and <code>run.json</code> alone (results schema v${run.schemaVersion}), with Chart.js ${libs['chart.js']}, @sgratzl/chartjs-chart-boxplot ${libs['@sgratzl/chartjs-chart-boxplot']} and chartjs-chart-matrix ${libs['chartjs-chart-matrix']} inlined; it makes no network requests.</p>`;
}

export const methodologySection: RunSection = { id: 'methodology', title: 'Methodology', scope: 'run', html: ({ model }) => methodologyHtml(model) };
