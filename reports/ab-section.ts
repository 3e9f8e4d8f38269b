/**
 * The HTML report's A/B section, drawn from verdicts.json and pairs.jsonl alone: per job, the verdict
 * with its interval, the pairs' B-vs-A changes over time for both orders (a scatter: AB and BA should
 * overlap; a gap between them is an order effect), and their distribution (a histogram per order).
 * Self-contained: `abSectionHtml` returns the markup and the data its client script
 * (reports/client/ab-charts.ts, `abClientScript`) draws from a `<script type="application/json" id="ab-data">`
 * block; `abSectionMarkdown` is the same section for the Markdown report.
 */
import type { AbJobVerdict, AbPairRecord, AbVerdicts } from '../contract/ab-verdicts.ts';
import { fmtChange, fmtDuration, fmtMs, fmtP } from '../contract/format.ts';
import { md } from './ab-outputs.ts';
import type { AbChartData, AbJobChart } from './client/ab-chart-data.ts';
import { html, jsonForScript, raw, type SafeHtml } from './escape.ts';
import { clientScript } from './report-sources.ts';

/** What the section is drawn from. */
export interface AbSectionInput {
  verdicts: AbVerdicts;
  pairs: readonly AbPairRecord[];
}

/** The id of the JSON block the client script reads. */
export const AB_DATA_ID = 'ab-data';

/** A pair's change of B against A, in per cent: (exp(log-ratio) − 1) · 100. */
const pctOf = (logRatio: number) => (Math.exp(logRatio) - 1) * 100;

/** Histogram bins over the pairs' changes: about √n bins (8–30) spanning both orders. */
function bins(ab: number[], ba: number[]): AbJobChart['hist'] {
  const all = [...ab, ...ba];
  if (!all.length) return { edges: [], ab: [], ba: [] };
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const k = Math.max(8, Math.min(30, Math.round(Math.sqrt(all.length))));
  const w = hi > lo ? (hi - lo) / k : 1;
  const edges = Array.from({ length: k + 1 }, (_, i) => lo + i * w);
  const count = (xs: number[]) => {
    const c = new Array<number>(k).fill(0);
    for (const x of xs) c[Math.min(k - 1, Math.floor((x - lo) / w))]++;
    return c;
  };
  return { edges, ab: count(ab), ba: count(ba) };
}

/** The chart data of one job (its pairs in time order, seconds since the comparison started). */
function jobChart(j: AbJobVerdict, pairs: readonly AbPairRecord[], index: number, minEffect: number): AbJobChart {
  const mine = pairs.filter((p) => p.job === j.id).sort((a, b) => a.atMs - b.atMs);
  const pts = (order: 'AB' | 'BA') => mine.filter((p) => p.order === order).map((p) => ({ x: p.atMs / 1000, y: pctOf(p.logRatio), w: p.workerPair }));
  const ab = pts('AB');
  const ba = pts('BA');
  return {
    job: j.id,
    time: `ab-time-${index + 1}`,
    dist: `ab-dist-${index + 1}`,
    ab,
    ba,
    estimate: j.ratio === null ? null : (j.ratio - 1) * 100,
    interval: j.interval ? [(j.interval[0] - 1) * 100, (j.interval[1] - 1) * 100] : null,
    minEffect: minEffect * 100,
    hist: bins(
      ab.map((p) => p.y),
      ba.map((p) => p.y),
    ),
  };
}

const change = (j: AbJobVerdict) =>
  j.ratio === null ? '–' : `${fmtChange(j.ratio - 1)}${j.interval ? ` [${fmtChange(j.interval[0] - 1)}, ${fmtChange(j.interval[1] - 1)}]` : ''}`;

/** The section's markup (headings, one table, a card per judged job with its two canvases) and its chart data. */
export function abSectionHtml(input: AbSectionInput, anchor = 'ab'): { html: SafeHtml; data: AbChartData } {
  const v = input.verdicts;
  const judged = v.jobs.filter((j) => j.verdict !== 'skipped' && input.pairs.some((p) => p.job === j.id));
  const charts = judged.map((j, i) => jobChart(j, input.pairs, i, v.options.minEffect));
  const sides = v.sides
    ? html`<p class="caption">A: <code>${v.sides.a.spec}</code>${v.sides.a.commit ? html` at <code>${v.sides.a.commit.slice(0, 12)}</code>` : ''}${v.sides.a.dirty ? ' (uncommitted changes)' : ''} · B: <code>${v.sides.b.spec}</code>${v.sides.b.commit ? html` at <code>${v.sides.b.commit.slice(0, 12)}</code>` : ''}${v.sides.b.dirty ? ' (uncommitted changes)' : ''}</p>`
    : '';
  const rows = v.jobs.map(
    (j) =>
      html`<tr data-job="${j.id}"><td><span class="status ${j.verdict === 'slower' ? 'failed' : j.verdict === 'faster' || j.verdict === 'no change' ? 'ok' : 'skipped'}">${j.verdict}</span></td><td class="break">${j.id}</td><td data-col="ratio" data-value="${j.ratio ?? ''}">${change(j)}</td><td>${fmtMs(j.aMsPerInference)}</td><td>${fmtMs(j.bMsPerInference)}</td><td>${j.pairsUsed}${j.pairsDropped ? ` (${j.pairsDropped} dropped)` : ''}</td><td>${j.workerPairs}</td><td>${fmtDuration(j.seconds * 1000)}</td><td>${fmtP(j.pHolm)}</td></tr>`,
  );
  const cards = judged.map(
    (j, i) => html`<section class="sub" id="${anchor}-job-${i + 1}"><h3>${j.id}: ${j.verdict}, B ${change(j)}</h3>
<p class="caption">${j.reason}</p>
<div class="grid2">
<div class="chart"><canvas id="${charts[i].time}" role="img" aria-label="${`B against A per pair over time, AB and BA orders, for ${j.id}`}"></canvas></div>
<div class="chart"><canvas id="${charts[i].dist}" role="img" aria-label="${`Distribution of B against A per pair, by order, for ${j.id}`}"></canvas></div>
</div></section>`,
  );
  const body = html`<section class="run" id="${anchor}"><h2>A/B comparison</h2>
${sides}
<p>${`${v.jobs.length} job${v.jobs.length === 1 ? '' : 's'}: `}${Object.entries(v.counts)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(
      ', ',
    )}. Each point is one pair: B's time per inference against A's, from blocks run back to back; the band is the job's sequential 95 % interval, the dashed lines ±${(v.options.minEffect * 100).toFixed(1)} %.</p>
<div class="table-wrap"><table class="ab-verdicts"><thead><tr><th>verdict</th><th>job</th><th>B vs A [95 %]</th><th>A ms</th><th>B ms</th><th>pairs</th><th>worker pairs</th><th>time</th><th>p (Holm)</th></tr></thead><tbody>${rows}</tbody></table></div>
${v.notes.length ? html`<ul class="small">${v.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
${cards}
</section>`;
  return { html: body, data: { jobs: charts } };
}

/** The JSON block the client script reads (escaped so no value can end the script element). */
export function abDataScript(data: AbChartData): SafeHtml {
  return raw(`<script type="application/json" id="${AB_DATA_ID}">${jsonForScript(data)}</script>`);
}

/** The section's client script (reports/client/ab-charts.ts, compiled once): needs Chart.js loaded before it. */
export function abClientScript(): string {
  return clientScript('client/ab-charts.ts');
}

/** The same section in Markdown: the verdicts table and each undecided or changed job's reason. */
export function abSectionMarkdown(input: AbSectionInput): string {
  const v = input.verdicts;
  const out = ['## A/B comparison', ''];
  if (v.sides) out.push(`A: ${md(v.sides.a.spec)} · B: ${md(v.sides.b.spec)}`, '');
  out.push('| verdict | job | B vs A [95 %] | A ms | B ms | pairs | worker pairs | time | p (Holm) |', '|---|---|---|---:|---:|---:|---:|---:|---:|');
  for (const j of v.jobs)
    out.push(
      `| ${j.verdict} | ${md(j.id)} | ${change(j)} | ${fmtMs(j.aMsPerInference)} | ${fmtMs(j.bMsPerInference)} | ${j.pairsUsed}${j.pairsDropped ? ` (${j.pairsDropped} dropped)` : ''} | ${j.workerPairs} | ${fmtDuration(j.seconds * 1000)} | ${fmtP(j.pHolm)} |`,
    );
  const explained = v.jobs.filter((j) => j.verdict !== 'no change');
  if (explained.length) out.push('', ...explained.map((j) => `- **${md(j.id)}**: ${md(j.reason)}`));
  if (v.notes.length) out.push('', ...v.notes.map((n) => `> ${md(n)}`));
  return `${out.join('\n')}\n`;
}
