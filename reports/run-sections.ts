/** The run-wide part of the HTML report: environment and effective configuration, problems, methodology. */
import type { JobResult, RunInfo } from '../contract/results.ts';
import { redactDeep } from '../contract/secrets.ts';
import { runIndexOf, runsOf } from './merge.ts';
import { inlinedLibraryVersions } from './assets.ts';
import { configValue, precisionLabel, type ReportModel } from './data.ts';
import { html, type SafeHtml } from './escape.ts';
import { fmtDuration, fmtMiB, fmtPct, fmtTime } from '../contract/format.ts';
import { capBeforeTarget } from '../contract/stats/stopping.ts';
import { sortableTable, type Column } from './table.ts';

/** The eval-set crop in words (runs from before the option cropped 87.5 %). */
const cropText = (v: unknown) => (typeof v === 'number' ? `${Number((v * 100).toFixed(2))} %${v === 1 ? ' (the whole image: no crop)' : ''}` : '87.5 %');

const yesNo = (v: boolean | null | undefined) => (v === true ? 'yes' : v === false ? 'no' : '–');

function definitionList(entries: [string, unknown][]): SafeHtml {
  return html`<dl class="kv">${entries.map(([k, v]) => html`<dt>${k}</dt><dd>${v === null || v === undefined || v === '' ? '–' : String(v)}</dd>`)}</dl>`;
}

/**
 * Host, software and every job's asked versus effective configuration; one block per run when
 * several runs are merged, so each run's environment stays its own.
 */
export function environmentSection(model: ReportModel): SafeHtml {
  const runs = runsOf(model);
  if (runs.length === 1) return runEnvironment(model.run, model.results);
  return html`<p class="caption">This report merges ${runs.length} runs; each kept its own machine, software and configuration.</p>
    ${runs.map(
      (run, i) =>
        html`<section class="run-env" data-run="${run.runId}"><h3>Run <code>${run.runId}</code></h3>${runEnvironment(
          run,
          model.results.filter((r) => runIndexOf(model, r.id) === i),
        )}</section>`,
    )}`;
}

function runEnvironment(run: RunInfo, results: readonly JobResult[]): SafeHtml {
  const host = definitionList([
    ['CPU', `${run.host.cpuModel} (${run.host.cores} logical cores)`],
    ['memory', `${fmtMiB(run.host.totalMemoryBytes)} MiB`],
    ['OS', `${run.host.os} (${run.host.arch})`],
    ['Node.js', run.host.nodeVersion],
    ['harness', `mobilenet-bench ${run.harnessVersion}`],
    ['git commit', run.gitCommit ?? 'not recorded'],
    ['run', `${run.runId}: ${fmtTime(run.startedAt)} → ${run.endedAt ? fmtTime(run.endedAt) : 'not finished'}`],
    ['resumed', run.resumes.length ? run.resumes.map(fmtTime).join(', ') : 'never'],
  ]);
  const packages = definitionList(Object.entries(run.packages));
  const cols: Column<JobResult>[] = [
    { key: 'job', title: 'job', cell: (r) => html`<code>${r.id}</code>` },
    { key: 'status', title: 'status', cell: (r) => html`<span class="status ${r.status}">${r.status}</span>` },
    { key: 'asked', title: 'asked', cell: (r) => `${r.impl} · ${r.backend} · ${r.threads ?? 'default'} threads` },
    { key: 'ran', title: 'ran', cell: (r) => (r.effective ? `${r.effective.impl} · ${r.effective.backend} · ${r.effective.threads ?? '?'} threads` : '–') },
    { key: 'version', title: 'runtime version', cell: (r) => r.effective?.version ?? '–' },
    { key: 'simd', title: 'SIMD', cell: (r) => yesNo(r.effective?.simd) },
    { key: 'coi', title: 'cross-origin isolated', cell: (r) => yesNo(r.effective?.crossOriginIsolated) },
    {
      key: 'details',
      title: 'details',
      cell: (r) =>
        html`<span class="small">${
          Object.entries(r.effective?.details ?? {})
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(', ') || '–'
        }</span>`,
    },
    { key: 'precision', title: 'precision', cell: (r) => precisionLabel(r.precision) },
    { key: 'weights', title: 'weights', cell: (r) => html`<span class="small break">${r.weightsSource}</span>` },
    { key: 'warmup', title: 'warm-up', value: (r) => r.latency?.warmupSamples, cell: (r) => (r.latency ? String(r.latency.warmupSamples) : '–') },
    { key: 'stoppedBy', title: 'stopped by', cell: (r) => stopCell(r) },
    {
      key: 'ciHalfWidth',
      title: '± CI of median',
      unit: '%',
      value: (r) => (r.latency?.precision == null ? undefined : r.latency.precision * 100),
      cell: (r) => (r.latency?.precision == null ? '–' : `±${fmtPct(r.latency.precision)}`),
    },
    { key: 'started', title: 'started', cell: (r) => fmtTime(r.startedAt) },
    { key: 'duration', title: 'duration', unit: 's', value: (r) => r.durationMs / 1000, cell: (r) => fmtDuration(r.durationMs) },
  ];
  const pools = (run.instances ?? []).filter((i) => i.count > 1 || i.jobs > 0);
  const poolTable =
    pools.length > 1 || pools.some((i) => i.count > 1)
      ? html`<h4>Workers</h4><ul class="plain small">${pools.map((i) => html`<li>${i.target}${i.count > 1 ? ` #${i.index} of ${i.count}` : ''}: ${i.jobs} job${i.jobs === 1 ? '' : 's'}, busy ${fmtDuration(i.busyMs)}${i.host ? ` on ${i.host}` : ''}</li>`)}</ul>`
      : '';
  return html`<div class="grid2"><div><h3>Host</h3>${host}${poolTable}</div><div><h3>Software</h3>${packages}</div></div>
    <h3>Effective configuration of every job</h3>
    <p class="caption">"Asked" is the job as planned; "ran" is what the runtime reported back after any fallback. A job whose two differ is marked invalid.</p>
    ${sortableTable(cols, results, { jobOf: (r) => r.id, className: 'env' })}`;
}

/** Why sampling stopped; a cap before the target precision is marked (its interval is wider than asked). */
function stopCell(r: JobResult): SafeHtml | string {
  if (!r.latency) return '–';
  const capped = capBeforeTarget(r.latency);
  const reason = r.latency.stopReason ?? r.latency.stoppedBy;
  return capped ? html`<span class="status invalid" title="${capped}">${reason} ⚠</span>` : reason;
}

/** Failed, invalid and skipped jobs with their reasons. */
export function problemsSection(model: ReportModel): SafeHtml {
  const rows = model.results.filter((r) => r.status !== 'ok');
  if (!rows.length) return html`<p>Every planned job finished ok.</p>`;
  const cols: Column<JobResult>[] = [
    { key: 'job', title: 'job', cell: (r) => html`<code>${r.id}</code>` },
    { key: 'target', title: 'target', cell: (r) => r.target },
    { key: 'status', title: 'status', cell: (r) => html`<span class="status ${r.status}">${r.status}</span>` },
    {
      key: 'reason',
      title: 'reason',
      cell: (r) => {
        const text = r.error ?? '(no reason recorded)';
        const [first, ...more] = text.split('\n');
        return more.length
          ? html`<details class="reason"><summary>${first}</summary><pre>${more.join('\n')}</pre></details>`
          : html`<span class="reason">${first}</span>`;
      },
    },
  ];
  const bad = rows.filter((r) => r.status !== 'skipped').sort((a, b) => (a.status === b.status ? 0 : a.status === 'failed' ? -1 : 1));
  const skipped = rows.filter((r) => r.status === 'skipped');
  const byReason = new Map<string, JobResult[]>();
  for (const r of skipped) byReason.set(r.error ?? '(no reason recorded)', [...(byReason.get(r.error ?? '(no reason recorded)') ?? []), r]);
  const reasonCols: Column<[string, JobResult[]]>[] = [
    { key: 'count', title: 'jobs', value: ([, js]) => js.length, cell: ([, js]) => String(js.length) },
    { key: 'reason', title: 'reason', cell: ([reason]) => html`<span class="reason">${reason}</span>` },
    {
      key: 'which',
      title: 'which',
      cell: ([, js]) =>
        html`<details><summary>${js.length === 1 ? js[0].id : `${js[0].id} and ${js.length - 1} more`}</summary><ul class="plain small">${js.map((r) => html`<li><code>${r.id}</code></li>`)}</ul></details>`,
    },
  ];
  return html`<p>${(['failed', 'invalid', 'skipped'] as const).map((s) => html`<span class="status ${s}">${model.counts[s]} ${s}</span> `)}</p>
    <p class="caption">Failed: the job did not finish. Invalid: it ran, but not what was asked (for example a silent backend fallback); its numbers are kept in the tables and left out of every chart. Skipped: impossible on the target, decided before running.</p>
    ${bad.length ? html`<h3>Failed and invalid</h3>${sortableTable(cols, bad, { jobOf: (r) => r.id, className: 'problems' })}` : ''}
    ${skipped.length ? html`<h3>Skipped, by reason</h3>${sortableTable(reasonCols, [...byReason], { className: 'skipped' })}` : ''}`;
}

/** How the numbers were made: sampling rule, statistics, preprocessing, weights and their hashes. */
export function methodologySection(model: ReportModel): SafeHtml {
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
