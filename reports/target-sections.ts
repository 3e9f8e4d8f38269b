/**
 * The per-target part of the HTML report: recommendation, accuracy versus latency,
 * heatmaps, distributions, cold start, memory, GMAC/s, agreement and the numbers table.
 * Generic over targets: nothing here knows Node from a browser or a phone.
 */
import type { JobResult } from '../contract/results.ts';
import type { ChartSink } from './chart-sink.ts';
import type { SpecSeries } from './client/chart-specs.ts';
import { compareVariants, gmacPerSecond, groupKey, mib, precisionLabel, variantOf, wilsonInterval, type Group, type TargetView } from './data.ts';
import { html, type SafeHtml } from './escape.ts';
import { fmtDelta, fmtMiB, fmtMs, fmtNum, fmtPct, isNum } from '../contract/format.ts';
import { GROUP_COLORS, pointStyleOf } from './palette.ts';
import { sortableTable, type Column } from './table.ts';
import { profileSection } from './profile-section.ts';
import { type ceilingsOfTarget, rooflineSection } from './roofline-section.ts';
import { sustainedSection } from './sustained-section.ts';
import { quantizationSection } from './quantization-section.ts';
import { ownModelSection, ownRecommendationList } from './own-model-section.ts';

const colorOf = (g: Group) => GROUP_COLORS[g.colorIndex % GROUP_COLORS.length];

function jobsOf(view: TargetView, g: Group): JobResult[] {
  return view.ok.filter((r) => groupKey(r) === g.key).sort(compareVariants);
}

function jobById(view: TargetView, id: string | null): JobResult | undefined {
  return id === null ? undefined : view.jobs.find((r) => r.id === id);
}

/** "n = 16 images; 95 % interval 46–88 %". */
function top1Note(r: JobResult): string {
  const a = r.accuracy!;
  const [lo, hi] = wilsonInterval(a.top1!, a.n);
  return `top-1 on ${a.n} images; 95 % interval ${(lo * 100).toFixed(0)}–${(hi * 100).toFixed(0)} %`;
}

function jobChip(r: JobResult): SafeHtml {
  return html`<code class="job">${r.id}</code>`;
}

function recommendation(view: TargetView): SafeHtml {
  if (view.ok.length === 0) return html`<p class="notice">No job on this target finished ok, so there is nothing to recommend.</p>`;
  const fastest = [...view.ok].sort((a, b) => a.latency!.medianMs - b.latency!.medianMs)[0];
  // The user's own models are ranked among themselves, on their photos (own-model-section.ts).
  if (view.withAccuracy.length === 0 && view.ownWithAccuracy.length) return ownRecommendationList(view);
  if (view.withAccuracy.length === 0) {
    return html`<p class="notice"><strong>Accuracy was not measured:</strong> ${view.accuracyMissingReason}. A recommendation by accuracy needs official weights and a labelled eval set (<code>--eval-set</code>).</p>
      <p>Fastest job that finished ok: ${jobChip(fastest)}, median ${fmtMs(fastest.latency!.medianMs)} ms.</p>`;
  }
  const items = view.recommendations.map((rec) => {
    const r = jobById(view, rec.jobId);
    const budget = rec.kind === 'latency' ? html`median latency ≤ <strong>${rec.budget} ms</strong>` : html`peak RSS ≤ <strong>${rec.budget} MiB</strong>`;
    if (!r) return html`<li><span class="budget">${budget}</span><span>no job with measured accuracy fits</span></li>`;
    return html`<li><span class="budget">${budget}</span><span>${jobChip(r)} <span class="muted small">${precisionLabel(r.precision)}</span></span><span><strong>${fmtPct(r.accuracy!.top1)} top-1</strong> · median ${fmtMs(r.latency!.medianMs)} ms · peak RSS ${fmtMiB(r.memory?.peakRssBytes)} MiB</span><span class="muted small">${top1Note(r)}</span></li>`;
  });
  const smallN = view.withAccuracy.some((r) => r.accuracy!.n < 200);
  return html`<ul class="recs">${items}</ul>
    <p class="caption">Best top-1 among jobs that finished ok within each budget (ties go to the faster job). Budgets are round numbers inside the measured range; a looser budget that would pick the same job is left out.${smallN ? ' Top-1 was measured on few images: differences within the 95 % interval are not evidence.' : ''}</p>
    ${view.ownWithAccuracy.length ? ownRecommendationList(view) : html``}`;
}

function paretoSection(view: TargetView, sink: ChartSink): SafeHtml {
  if (view.withAccuracy.length === 0 && view.ownWithAccuracy.length) {
    return html`<p class="notice">Only your own models have a top-1 in this run (on your photos, not ImageNet's): they are charted beside the official variants under <em>Your models</em>.</p>`;
  }
  if (view.withAccuracy.length === 0) {
    return html`<p class="notice">No accuracy to plot: ${view.accuracyMissingReason}. Zeros would be a lie, so this chart is left out.</p>`;
  }
  const series: SpecSeries[] = view.groups
    .map((g) => ({
      label: g.label,
      color: colorOf(g),
      pointStyle: pointStyleOf(g.precision),
      points: view.withAccuracy.filter((r) => groupKey(r) === g.key).map((r) => ({ x: r.latency!.medianMs, y: r.accuracy!.top1! * 100, job: r.id })),
    }))
    .filter((s) => s.points.length);
  const frontier = view.pareto.map((id) => {
    const r = jobById(view, id)!;
    return { x: r.latency!.medianMs, y: r.accuracy!.top1! * 100, job: r.id };
  });
  const [xMin, xMax] = logRange(view.withAccuracy.map((r) => r.latency!.medianMs));
  const chart = sink.add({ kind: 'pareto', series, frontier, xMin, xMax }, `Top-1 accuracy against median latency on ${view.name}`, 'chart tall');
  const onFrontier = frontier.map((p) => html`<li>${html`<code class="job">${p.job}</code>`} — ${p.y.toFixed(1)} % top-1 at ${fmtMs(p.x)} ms</li>`);
  return html`${chart}<p class="caption">Each point is one job that finished ok: x = median latency (log scale), y = top-1 on the eval set. The dashed step line is the Pareto frontier: no other job is both faster and more accurate. Circles: float32; triangles: uint8 on integer kernels; squares: uint8 dequantized (float kernels). Precision is part of each configuration, so a uint8 job competes for the frontier like any other.</p>
    <details><summary>Jobs on the frontier (${frontier.length})</summary><ul class="plain">${onFrontier}</ul></details>`;
}

function heatmapSection(view: TargetView, sink: ChartSink): SafeHtml {
  const medians = view.ok.map((r) => r.latency!.medianMs);
  const min = Math.min(...medians);
  const max = Math.max(...medians);
  const cards = view.groups.map((g) => {
    const jobs = jobsOf(view, g);
    if (!jobs.length) return '';
    const alphas = [...new Set(jobs.map((r) => r.alpha))].sort((a, b) => a - b).map((a) => (a === 1 ? '1.0' : String(a)));
    const resolutions = [...new Set(jobs.map((r) => r.resolution))].sort((a, b) => a - b);
    const cells = jobs.map((r) => ({ x: String(r.resolution), y: r.alpha === 1 ? '1.0' : String(r.alpha), v: r.latency!.medianMs, job: r.id }));
    const chart = sink.add({ kind: 'heatmap', resolutions, alphas, cells, min, max }, `Median latency by α and resolution, ${g.label}`, 'chart heat');
    return html`<figure class="card"><figcaption><span class="swatch c${g.colorIndex % GROUP_COLORS.length}"></span>${g.label}</figcaption>${chart}</figure>`;
  });
  return html`<div class="grid3">${cards}</div>
    <div class="ramp-legend"><span>${fmtMs(min)} ms</span><span class="ramp"></span><span>${fmtMs(max)} ms</span><span class="muted">median latency, log colour scale shared by all panels on this target</span></div>`;
}

/** A log-axis range around all values: down to the 1-2-5 step below, up to the one above. */
export function logRange(values: number[]): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const below = (v: number) => {
    const e = 10 ** Math.floor(Math.log10(v));
    return [5, 2, 1].map((m) => m * e).find((c) => c <= v) ?? e;
  };
  const above = (v: number) => {
    const e = 10 ** Math.floor(Math.log10(v));
    return [1, 2, 5, 10].map((m) => m * e).find((c) => c >= v) ?? 10 * e;
  };
  return [below(lo), above(hi)];
}

function boxSection(view: TargetView, sink: ChartSink): SafeHtml {
  const [min, max] = logRange(view.ok.flatMap((r) => r.latency!.samplesMs).filter((v) => v > 0));
  const cards = view.groups.map((g) => {
    const jobs = jobsOf(view, g);
    if (!jobs.length) return '';
    const chart = sink.add(
      {
        kind: 'box',
        color: colorOf(g),
        labels: jobs.map(variantOf),
        samples: jobs.map((r) => r.latency!.samplesMs),
        ci: jobs.map((r) => r.latency!.ci95Ms),
        min,
        max,
      },
      `Latency distributions, ${g.label}`,
      'chart auto',
    );
    return html`<figure class="card"><figcaption><span class="swatch c${g.colorIndex % GROUP_COLORS.length}"></span>${g.label}</figcaption>${chart}</figure>`;
  });
  return html`<div class="grid2">${cards}</div>
    <p class="caption">Boxes: quartiles of the timed samples; whiskers: 1.5 × IQR; dots: samples beyond. The black bar with caps is the bootstrap 95 % confidence interval of the median. Log scale, the same range in every panel.</p>`;
}

function coldSection(view: TargetView, sink: ChartSink): SafeHtml {
  const totals = view.ok.map((r) =>
    Math.max((r.coldStart?.loadMs ?? 0) + (r.coldStart?.initMs ?? 0) + (r.coldStart?.firstInferenceMs ?? 0), r.latency!.medianMs),
  );
  const max = Math.max(...totals) * 1.02;
  const cards = view.groups.map((g) => {
    const jobs = jobsOf(view, g);
    if (!jobs.length) return '';
    const chart = sink.add(
      {
        kind: 'cold',
        labels: jobs.map(variantOf),
        load: jobs.map((r) => r.coldStart?.loadMs ?? null),
        init: jobs.map((r) => r.coldStart?.initMs ?? null),
        first: jobs.map((r) => r.coldStart?.firstInferenceMs ?? null),
        steady: jobs.map((r) => r.latency!.medianMs),
        max,
      },
      `Cold start beside steady state, ${g.label}`,
      'chart auto',
    );
    return html`<figure class="card"><figcaption><span class="swatch c${g.colorIndex % GROUP_COLORS.length}"></span>${g.label}</figcaption>${chart}</figure>`;
  });
  return html`<div class="grid2">${cards}</div>
    <p class="caption">Upper bar of each pair: the cold path, in order — loading the weights, initialising the runtime (session or backend), the first inference. Lower bar: the steady-state median after warm-up. Linear scale in ms, the same range in every panel.</p>`;
}

function memorySection(view: TargetView, sink: ChartSink): SafeHtml {
  const variants = [...new Map(view.ok.sort(compareVariants).map((r) => [variantOf(r), r])).keys()];
  const withRss = view.ok.some((r) => isNum(r.memory?.peakRssBytes));
  const sources = [...new Set(view.ok.map((r) => r.memory?.peakRssSource).filter((s): s is string => Boolean(s)))];
  const chart = withRss
    ? sink.add(
        {
          kind: 'bars',
          labels: variants,
          yTitle: 'peak resident set size (MiB)',
          series: view.groups
            .filter((g) => jobsOf(view, g).length)
            .map((g) => ({
              label: g.label,
              color: colorOf(g),
              values: variants.map((v) => {
                const r = view.ok.find((x) => groupKey(x) === g.key && variantOf(x) === v);
                return isNum(r?.memory?.peakRssBytes) ? mib(r!.memory!.peakRssBytes!) : null;
              }),
            })),
        },
        `Peak resident memory per variant on ${view.name}`,
        'chart mid',
      )
    : html`<p class="notice">This target reported no peak RSS.</p>`;
  const extraKeys = [...new Set(view.ok.flatMap((r) => Object.keys(r.memory?.extra ?? {})))];
  const cols: Column<JobResult>[] = [
    { key: 'job', title: 'job', cell: (r) => html`<code>${r.id}</code>` },
    { key: 'precision', title: 'precision', cell: (r) => precisionLabel(r.precision) },
    { key: 'peakRss', title: 'peak RSS', unit: 'MiB', value: (r) => r.memory?.peakRssBytes, cell: (r) => fmtMiB(r.memory?.peakRssBytes) },
    { key: 'heapUsed', title: 'JS heap used', unit: 'MiB', value: (r) => r.memory?.jsHeapUsedBytes, cell: (r) => fmtMiB(r.memory?.jsHeapUsedBytes) },
    { key: 'heapTotal', title: 'JS heap total', unit: 'MiB', value: (r) => r.memory?.jsHeapTotalBytes, cell: (r) => fmtMiB(r.memory?.jsHeapTotalBytes) },
    { key: 'external', title: 'external', unit: 'MiB', value: (r) => r.memory?.externalBytes, cell: (r) => fmtMiB(r.memory?.externalBytes) },
    { key: 'arrayBuffers', title: 'ArrayBuffers', unit: 'MiB', value: (r) => r.memory?.arrayBuffersBytes, cell: (r) => fmtMiB(r.memory?.arrayBuffersBytes) },
    { key: 'wasm', title: 'WASM memory', unit: 'MiB', value: (r) => r.memory?.wasmMemoryBytes, cell: (r) => fmtMiB(r.memory?.wasmMemoryBytes) },
    { key: 'tfjs', title: 'tf.memory()', unit: 'MiB', value: (r) => r.memory?.tfjs?.numBytes, cell: (r) => fmtMiB(r.memory?.tfjs?.numBytes) },
    ...extraKeys.map(
      (k): Column<JobResult> => ({ key: `extra-${k}`, title: k, unit: 'MiB', value: (r) => r.memory?.extra?.[k], cell: (r) => fmtMiB(r.memory?.extra?.[k]) }),
    ),
  ];
  return html`${chart}
    <p class="caption">Peak RSS: ${sources.length ? sources.join('; ') : 'source not reported'}. The other figures are read after the timed samples; each measures only what its name says, and none stands in for another.</p>
    <details><summary>All memory figures (${view.ok.length} jobs)</summary>${sortableTable(cols, view.ok, { jobOf: (r) => r.id })}</details>`;
}

function gmacSection(view: TargetView, sink: ChartSink): SafeHtml {
  const series: SpecSeries[] = view.groups
    .map((g) => ({
      label: g.label,
      color: colorOf(g),
      pointStyle: pointStyleOf(g.precision),
      points: jobsOf(view, g)
        .filter((r) => isNum(gmacPerSecond(r)))
        .sort((a, b) => a.analytic.macs - b.analytic.macs)
        .map((r) => ({ x: r.analytic.macs / 1e6, y: gmacPerSecond(r)!, job: r.id })),
    }))
    .filter((s) => s.points.length);
  if (!series.length) return html`<p class="notice">No job finished ok.</p>`;
  const [xMin, xMax] = logRange(series.flatMap((s) => s.points.map((p) => p.x)));
  const [yMin, yMax] = logRange(series.flatMap((s) => s.points.map((p) => p.y)));
  return html`${sink.add({ kind: 'gmacs', series, xMin, xMax, yMin, yMax }, `Achieved GMAC/s against model size on ${view.name}`, 'chart mid')}
    <p class="caption">Achieved GMAC/s = analytic multiply-accumulates of the variant ÷ median latency. The MAC counts are the paper's formulas applied to each layer, not a hardware counter.</p>`;
}

function agreementSection(view: TargetView): SafeHtml {
  const rows = view.ok.filter((r) => r.impl !== 'reference' && r.accuracy);
  if (!rows.length) return html`<p class="notice">Only the reference implementation ran on this target: nothing to compare with it.</p>`;
  const cols: Column<JobResult>[] = [
    { key: 'job', title: 'job', cell: (r) => html`<code>${r.id}</code>` },
    { key: 'precision', title: 'precision', cell: (r) => precisionLabel(r.precision) },
    { key: 'n', title: 'inputs compared', value: (r) => r.accuracy!.agreementN ?? r.accuracy!.n, cell: (r) => String(r.accuracy!.agreementN ?? r.accuracy!.n) },
    {
      key: 'agreement',
      title: 'top-1 agreement',
      unit: '%',
      value: (r) => r.accuracy!.agreementTop1,
      cell: (r) =>
        html`<span class="${isNum(r.accuracy!.agreementTop1) && r.accuracy!.agreementTop1! < 1 ? 'warn' : ''}">${fmtPct(r.accuracy!.agreementTop1)}</span>`,
    },
    { key: 'maxDelta', title: 'max |Δ logit|', value: (r) => r.accuracy!.maxAbsLogitDelta, cell: (r) => fmtDelta(r.accuracy!.maxAbsLogitDelta) },
  ];
  // A note shared by every row is said once above the table instead of on each row.
  const notes = new Set(rows.map((r) => r.accuracy!.note ?? ''));
  const sharedNote = notes.size === 1 ? [...notes][0] : null;
  if (sharedNote === null) cols.push({ key: 'note', title: 'note', cell: (r) => html`<span class="muted small">${r.accuracy!.note ?? ''}</span>` });
  const disagreeing = rows.filter((r) => isNum(r.accuracy!.agreementTop1) && r.accuracy!.agreementTop1! < 1).length;
  return html`<p>${disagreeing === 0 ? `All ${rows.length} jobs predict the same top-1 class as the reference implementation on every input.` : `${disagreeing} of ${rows.length} jobs disagree with the reference on at least one input (highlighted).`}</p>
    ${sharedNote ? html`<p class="caption">Every job: ${sharedNote}.</p>` : html``}
    ${sortableTable(cols, rows, { jobOf: (r) => r.id })}`;
}

/** The numbers table: every job of the target, every headline figure; what tests compare with the results file. */
export function resultsTable(jobs: readonly JobResult[]): SafeHtml {
  const cols: Column<JobResult>[] = [
    { key: 'job', title: 'job', cell: (r) => html`<code>${r.id}</code>` },
    { key: 'status', title: 'status', cell: (r) => html`<span class="status ${r.status}">${r.status}</span>` },
    { key: 'precision', title: 'precision', cell: (r) => precisionLabel(r.precision) },
    {
      key: 'median',
      title: 'median',
      unit: 'ms',
      value: (r) => r.latency?.medianMs,
      cell: (r) =>
        r.thermal?.throttled
          ? html`${fmtMs(r.latency?.medianMs)} <span class="warn" title="the device throttled during this job (thermal readings in results.jsonl)">⚠ throttled</span>`
          : fmtMs(r.latency?.medianMs),
    },
    {
      key: 'ci',
      title: '95 % CI of median',
      unit: 'ms',
      value: (r) => r.latency?.ci95Ms[0],
      cell: (r) => (r.latency ? `${fmtMs(r.latency.ci95Ms[0])}–${fmtMs(r.latency.ci95Ms[1])}` : '–'),
    },
    { key: 'p90', title: 'p90', unit: 'ms', value: (r) => r.latency?.p90Ms, cell: (r) => fmtMs(r.latency?.p90Ms) },
    { key: 'p99', title: 'p99', unit: 'ms', value: (r) => r.latency?.p99Ms, cell: (r) => fmtMs(r.latency?.p99Ms) },
    { key: 'mad', title: 'MAD', unit: 'ms', value: (r) => r.latency?.madMs, cell: (r) => fmtMs(r.latency?.madMs) },
    { key: 'samples', title: 'samples', value: (r) => r.latency?.samplesMs.length, cell: (r) => (r.latency ? String(r.latency.samplesMs.length) : '–') },
    { key: 'gmacs', title: 'GMAC/s', value: (r) => (r.latency ? gmacPerSecond(r) : null), cell: (r) => fmtNum(r.latency ? gmacPerSecond(r) : null, 2) },
    { key: 'first', title: 'first inference', unit: 'ms', value: (r) => r.coldStart?.firstInferenceMs, cell: (r) => fmtMs(r.coldStart?.firstInferenceMs) },
    { key: 'peakRss', title: 'peak RSS', unit: 'MiB', value: (r) => r.memory?.peakRssBytes, cell: (r) => fmtMiB(r.memory?.peakRssBytes) },
    { key: 'top1', title: 'top-1', unit: '%', value: (r) => r.accuracy?.top1, cell: (r) => fmtPct(r.accuracy?.top1) },
    { key: 'top5', title: 'top-5', unit: '%', value: (r) => r.accuracy?.top5, cell: (r) => fmtPct(r.accuracy?.top5) },
    { key: 'agreement', title: 'agrees with ref.', unit: '%', value: (r) => r.accuracy?.agreementTop1, cell: (r) => fmtPct(r.accuracy?.agreementTop1) },
    {
      key: 'drift',
      title: 'drift',
      unit: 'last/first',
      value: (r) => r.latency?.drift?.ratio,
      cell: (r) =>
        r.latency?.drift
          ? html`<span class="${r.latency.drift.flagged ? 'warn' : ''}">${fmtNum(r.latency.drift.ratio, 2)}${r.latency.drift.flagged ? ' ⚠' : ''}</span>`
          : '–',
    },
  ];
  return sortableTable(cols, jobs, { jobOf: (r) => r.id, className: 'numbers' });
}

/** Anchors of a target's sections, for the table of contents. */
export const TARGET_SECTIONS = [
  ['recommendation', 'Recommendation'],
  ['pareto', 'Accuracy vs latency'],
  ['own-models', 'Your models'],
  ['quantization', 'float32 vs uint8'],
  ['heatmap', 'Latency heatmaps'],
  ['distributions', 'Latency distributions'],
  ['cold', 'Cold start'],
  ['sustained', 'Sustained: latency over time'],
  ['memory', 'Memory'],
  ['gmacs', 'Achieved GMAC/s'],
  ['roofline', 'Roofline: how close to the ceilings'],
  ['agreement', 'Agreement with reference'],
  ['profile', 'Profile: where the time goes'],
  ['numbers', 'All jobs'],
] as const;

/** One target's section. `anchor` is a safe id made by the caller (never the raw name). */
export function targetSection(view: TargetView, anchor: string, sink: ChartSink, ceilings: ReturnType<typeof ceilingsOfTarget> = {}): SafeHtml {
  const counts = (['ok', 'invalid', 'failed', 'skipped'] as const).map((s) => ({ s, n: view.jobs.filter((r) => r.status === s).length })).filter((c) => c.n);
  // What ran the jobs (remote and WebDriver targets): a stand-in says so, with the throttling applied.
  const devices = [...new Set(view.jobs.flatMap((r) => (r.device ? [deviceLabel(r.device)] : [])))].slice(0, 4);
  const details = [
    ...devices,
    ...new Set(
      view.ok.flatMap((r) =>
        Object.entries(r.effective?.details ?? {})
          .filter(([k]) => /renderer|adapter|device|model|browser|userAgent/i.test(k))
          .map(([k, v]) => `${k}: ${String(v)}`),
      ),
    ),
  ];
  const body: Record<(typeof TARGET_SECTIONS)[number][0], () => SafeHtml> = {
    recommendation: () => recommendation(view),
    pareto: () => paretoSection(view, sink),
    heatmap: () => (view.ok.length ? heatmapSection(view, sink) : html`<p class="notice">No job finished ok.</p>`),
    distributions: () => (view.ok.length ? boxSection(view, sink) : html`<p class="notice">No job finished ok.</p>`),
    cold: () => (view.ok.length ? coldSection(view, sink) : html`<p class="notice">No job finished ok.</p>`),
    memory: () => (view.ok.length ? memorySection(view, sink) : html`<p class="notice">No job finished ok.</p>`),
    gmacs: () => gmacSection(view, sink),
    roofline: () => rooflineSection(view.jobs, ceilings, sink),
    agreement: () => agreementSection(view),
    quantization: () => quantizationSection(view) ?? html``,
    'own-models': () => ownModelSection(view, sink) ?? html``,
    profile: () => profileSection(view.jobs, view.name, sink) ?? html``,
    sustained: () => sustainedSection(view.jobs, view.name, sink) ?? html``,
    numbers: () => resultsTable(view.jobs),
  };
  if (view.ok.length === 0) {
    return html`<section class="target" id="${anchor}">
    <h2><span class="kicker">Target</span> ${view.name}</h2>
    <p class="target-meta">${counts.map((c) => html`<span class="status ${c.s}">${c.n} ${c.s}</span> `)}</p>
    <p class="notice">No job on this target finished ok, so there is nothing to chart or recommend. The reasons are under <a href="#problems">Failed, invalid and skipped jobs</a>.</p>
    <section id="${anchor}-numbers" class="sub"><h3>All jobs</h3>${resultsTable(view.jobs)}</section>
  </section>`;
  }
  // The profile section appears only where jobs were profiled (--profile).
  const sections = TARGET_SECTIONS.filter(
    ([id]) =>
      (id !== 'profile' || view.jobs.some((r) => r.profile)) &&
      (id !== 'sustained' || view.ok.some((r) => r.latency?.sustained)) &&
      (id !== 'quantization' || view.ok.some((r) => r.precision !== 'float32')) &&
      (id !== 'own-models' || view.jobs.some((r) => r.model)),
  ).map(([id, title]) => html`<section id="${anchor}-${id}" class="sub"><h3>${title}</h3>${body[id]()}</section>`);
  return html`<section class="target" id="${anchor}">
    <h2><span class="kicker">Target</span> ${view.name}</h2>
    <p class="target-meta">${counts.map((c) => html`<span class="status ${c.s}">${c.n} ${c.s}</span> `)}${details.length ? html`<br><span class="muted small">${details.join(' · ')}</span>` : ''}</p>
    ${sections}
  </section>`;
}

/** One line naming the device of a result: model, platform and OS, stand-in or not, the throttling applied, the server. */
function deviceLabel(d: NonNullable<JobResult['device']>): string {
  const what = [d.model ?? d.platform, d.osVersion ? `${d.platform} ${d.osVersion}` : d.model ? d.platform : null].filter(Boolean).join(', ');
  const standIn = d.emulated ? ` (emulated${d.cpuThrottlingRate && d.cpuThrottlingRate !== 1 ? `, CPU throttled ${d.cpuThrottlingRate}×` : ''})` : '';
  const browser = d.browserName ? ` · ${d.browserName}${d.browserVersion ? ` ${d.browserVersion}` : ''}` : '';
  return `device: ${what}${standIn}${browser}${d.serverUrl ? ` via ${d.serverUrl}` : ''}`;
}
