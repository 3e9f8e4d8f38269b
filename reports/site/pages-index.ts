/** The index: the device × runtime overview, the recommended variant per device under latency budgets, and the charts. */
import type { JobResult } from '../../contract/results.ts';
import { fmtMs, fmtPct } from '../../contract/format.ts';
import { bestWithin, precisionLabel, roundBudgets, variantOf, weightsFormat, wilsonInterval } from '../data.ts';
import { html, type SafeHtml } from '../escape.ts';
import { accuracyChart, latencyChart } from './charts.ts';
import { chartFigure } from './figure.ts';
import { devicePage, emulatedBadge, tableWrap } from './layout.ts';
import { jobAnchor, runtimeAnchor, type SiteDevice, type SiteModel } from './model.ts';

/** A job as a link to its row on its device page. */
function jobLink(d: SiteDevice, r: JobResult, text: string): SafeHtml {
  return html`<a href="${devicePage(d.slug)}#${jobAnchor(r)}">${text}</a>`;
}

/** "70.1 % (95 % CI 60.2–78.3 %, 20 images)". */
export function top1Text(r: JobResult): string {
  if (r.accuracy?.top1 == null) return '–';
  const [lo, hi] = wilsonInterval(r.accuracy.top1, r.accuracy.n);
  return `${fmtPct(r.accuracy.top1)} (95 % CI ${fmtPct(lo)}–${fmtPct(hi)}, ${r.accuracy.n} images)`;
}

/** "4.35 ms (95 % CI 4.20–4.61)". */
export function latencyText(r: JobResult): string {
  if (!r.latency) return '–';
  return `${fmtMs(r.latency.medianMs)} ms (95 % CI ${fmtMs(r.latency.ci95Ms[0])}–${fmtMs(r.latency.ci95Ms[1])})`;
}

/** The runtime a job ran on, as a column of the overview: implementation · backend (· threads). */
const runtimeOf = (r: JobResult) => `${r.impl} · ${r.backend}${r.threads === null ? '' : ` · ${r.threads} threads`}`;

function overviewTable(model: SiteModel): SafeHtml {
  const ok = model.devices.flatMap((d) => d.view.ok);
  const runtimes = [...new Map(ok.map((r) => [runtimeOf(r), r])).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // Per cell: the fastest job of each precision (a device × runtime pair can run several variants).
  const cell = (d: SiteDevice, runtime: string) => {
    const jobs = d.view.ok.filter((r) => runtimeOf(r) === runtime);
    const best = new Map<string, JobResult>();
    for (const r of [...jobs].sort((a, b) => a.latency!.medianMs - b.latency!.medianMs || (a.id < b.id ? -1 : 1)))
      if (!best.has(r.precision)) best.set(r.precision, r);
    return [...best.values()].sort((a, b) => (a.precision < b.precision ? -1 : 1));
  };
  return tableWrap(
    'Device by runtime overview',
    html`<table>
<caption>Per device and runtime: the fastest finished job of each precision, its variant and median latency (95 % CI). Every job is on its device's page.</caption>
<thead><tr><th scope="col">device</th>${runtimes.map(([name, r]) => html`<th scope="col" id="${runtimeAnchor(r)}">${name}</th>`)}</tr></thead>
<tbody>${model.devices.map(
      (d) =>
        html`<tr id="dev-${d.slug}"><th scope="row"><a href="${devicePage(d.slug)}">${d.view.name}</a> ${emulatedBadge(d.emulated, d.emulation)}</th>${runtimes.map(
          ([name]) => {
            const jobs = cell(d, name);
            return html`<td>${jobs.length ? jobs.map((r, i) => html`${i ? html`<br>` : ''}${jobLink(d, r, `${variantOf(r)} ${r.precision}${weightsFormat(r) === 'synthetic' ? ' (synthetic weights)' : ''}: ${latencyText(r)}`)}`) : '–'}</td>`;
          },
        )}</tr>`,
    )}</tbody></table>`,
  );
}

/** A round budget at or above a value (two significant digits, rounded up), so the slowest job always fits one. */
function budgetAbove(v: number): number {
  const step = 10 ** (Math.floor(Math.log10(v)) - 1);
  return Number((Math.ceil(v / step - 1e-9) * step).toPrecision(2));
}

/** Latency budgets over the device's jobs with a top-1 (the report's round budgets, plus one that fits them all), each with the best job, looser budgets that buy nothing better left out. */
function latencyRecommendations(d: SiteDevice): { budget: number; job: JobResult | null }[] {
  const jobs = d.view.withAccuracy;
  if (!jobs.length) return [];
  const medians = jobs.map((r) => r.latency!.medianMs);
  const budgets = [...new Set([...roundBudgets(medians, 5), budgetAbove(Math.max(...medians))])].sort((a, b) => a - b);
  const out: { budget: number; job: JobResult | null }[] = [];
  for (const budget of budgets) {
    const job = bestWithin(jobs, (r) => r.latency?.medianMs ?? null, budget);
    if (job && out.length && out[out.length - 1].job === job) continue;
    out.push({ budget, job });
  }
  return out;
}

function recommendations(d: SiteDevice): SafeHtml {
  const recs = latencyRecommendations(d);
  if (!recs.length) return html`<p>No recommendation: ${d.view.accuracyMissingReason ?? 'no job with a top-1 finished'}.</p>`;
  return html`<ul class="recs">${recs.map((x) => {
    const r = x.job;
    return html`<li>Within ${x.budget} ms median: ${r ? html`${jobLink(d, r, `${variantOf(r)} ${precisionLabel(r.precision)}`)} on ${r.impl} ${r.backend}, top-1 ${top1Text(r)}, median ${latencyText(r)}` : 'nothing fits'}</li>`;
  })}</ul>`;
}

export function indexBody(model: SiteModel): SafeHtml {
  const emulated = model.devices.filter((d) => d.emulated);
  return html`<p>${model.devices.length} device${model.devices.length === 1 ? '' : 's'} from ${model.runs.length} run${model.runs.length === 1 ? '' : 's'}; every number below comes from the runs' results files, copied with their checksums under <a href="data.html">Data</a>, and the <a href="method.html">Method</a> page says how they were measured.</p>
${emulated.length ? html`<p class="notice">${emulated.map((d, i) => html`${i ? ', ' : ''}<strong>${d.view.name}</strong>`)} ${emulated.length === 1 ? 'is a stand-in' : 'are stand-ins'} (${emulated.map((d) => d.emulation).join('; ')}): ${emulated.length === 1 ? 'its' : 'their'} timings are not a real device's, and every figure of ${emulated.length === 1 ? 'it' : 'them'} carries the label ${emulatedBadge(true)}.</p>` : ''}
<h3 id="overview">Devices and runtimes</h3>
${overviewTable(model)}
<h3 id="recommended">Recommended variant per device, under latency budgets</h3>
<p class="caption">The most accurate finished job whose median latency is within each budget (ties: the faster). Top-1 is measured on the run's eval set, with its Wilson 95 % interval.</p>
${model.devices.map((d) => html`<h4 id="rec-${d.slug}">${d.view.name} ${emulatedBadge(d.emulated, d.emulation)}</h4>${recommendations(d)}`)}
<h3 id="pareto">Accuracy against latency, per device</h3>
<p class="caption">Filled marks: measured here, with the 95 % CI of the median (horizontal) and top-1's Wilson interval (vertical). Hollow diamonds and dashed lines: published figures (see <a href="published.html">Published figures</a>), from other hardware and the full validation set, drawn for orientation only.</p>
${model.devices.map((d) => (d.view.withAccuracy.length ? chartFigure(accuracyChart(d), `Top-1 against median latency on ${d.view.name}${d.emulated ? ' (emulated)' : ''}.`) : html`<p id="pareto-${d.slug}">${d.view.name}: no chart, ${d.view.accuracyMissingReason ?? 'no job with a top-1'}.</p>`))}
<h3 id="latency">Latency against network size, every device</h3>
${chartFigure(latencyChart(model), 'Median latency against analytic multiply-accumulates; hollow marks are published latencies.')}`;
}
