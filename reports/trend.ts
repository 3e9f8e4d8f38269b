/**
 * The trend page: one self-contained HTML file from a history folder alone. What changed
 * recently comes first (each change point with its commit range and step), then one chart per
 * job (median and CI band over runs, changes marked), filterable by device, runtime, variant and
 * precision. Chart.js is inlined and the report's Content-Security-Policy allows exactly the
 * inlined script and stylesheet.
 */
import { basename } from 'node:path';
import { clientScript } from './report-sources.ts';
import { reportAssets } from './assets.ts';
import { html, jsonForScript, raw } from './escape.ts';
import { pageHead } from './page-head.ts';
import { fmtChange, fmtMs } from '../contract/format.ts';
import type { TrendSeries } from '../contract/trend-series.ts';

/** What the page says of the history it was drawn from (analysis/history/store.ts's History fits it). */
export interface TrendHistory {
  dir: string;
  entries: readonly unknown[];
  problems: readonly { file: string; message: string }[];
}

let client: string | undefined;
function trendClient(): string {
  client ??= clientScript('client/trend.ts');
  return client;
}

const short = (c: string | null) => (c ? c.slice(0, 10) : '?');

/** Render the page. `series` from trendSeries(history.entries). */
export function renderTrendPage(history: TrendHistory, series: TrendSeries[]): string {
  const chartJs = reportAssets().scripts.find((s) => s.name === 'chart.js')!.code;
  const scripts = [chartJs, trendClient()];
  const css = `${reportAssets().css}\n.series{border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:12px 0}.series .chart{position:relative;height:220px}.filters{display:flex;gap:16px;flex-wrap:wrap;margin:12px 0}.step-up{color:var(--bad)}.step-down{color:var(--ok)}`;
  const changes = series
    .flatMap((s, i) => s.changes.map((c) => ({ s, c, anchor: `series-${i + 1}` })))
    .sort((a, b) => Date.parse(b.c.time) - Date.parse(a.c.time));
  const options = (key: 'device' | 'impl' | 'variant' | 'precision') => [...new Set(series.map((s) => s[key]))].sort();
  const filter = (key: 'device' | 'impl' | 'variant' | 'precision', label: string) =>
    html`<label>${label} <select data-filter="${key}"><option value="">all</option>${options(key).map((v) => html`<option value="${v}">${v}</option>`)}</select></label>`;
  const cards = series.map((s, i) => {
    const lastPoint = s.points.at(-1)!;
    return html`<section class="series" id="series-${i + 1}" data-device="${s.device}" data-impl="${s.impl}" data-variant="${s.variant}" data-precision="${s.precision}">
  <h3><code>${s.id}</code></h3>
  <p class="sub">device ${s.device} · branch ${s.branch ?? '(none)'}${s.sampling === 'sustained' ? ' · sustained sampling' : ''} · ${s.points.length} runs${s.omitted ? ` (the last of ${s.points.length + s.omitted})` : ''} · latest ${fmtMs(lastPoint.medianMs)} ms${s.changes.length ? html` · <b>${s.changes.length} change point${s.changes.length === 1 ? '' : 's'}</b>` : ''}</p>
  <div class="chart"><canvas data-series="${i}" aria-label="median latency of ${s.id} over runs"></canvas></div>
</section>`;
  });
  // The window: what the page leaves out is said on the page, with how to see it.
  const cut = series.filter((s) => s.omitted > 0);
  const windowNote = cut.length
    ? html`<p class="notice">Each chart shows the last ${Math.max(...cut.map((s) => s.points.length))} runs of its job series: older runs of ${cut.length} of ${series.length} series were left out (${cut.reduce((a, s) => a + s.omitted, 0)} points in all), and no change point is searched among them. <code>mobilenet-bench trend --all</code> draws every run.</p>`
    : '';
  const problems = history.problems.length
    ? html`<p class="notice">${history.problems.length} file(s) of the history were not counted: ${history.problems.map((p) => html`<br><code>${basename(p.file)}</code>: ${p.message}`)}</p>`
    : '';
  const page = html`<!doctype html>
<html lang="en">
${pageHead({ title: 'MobileNet V1 benchmark — trend', scripts, css })}
<body>
<header class="top"><div><h1>MobileNet V1 benchmark: trend</h1><div class="sub">${history.entries.length} runs · ${series.length} job series · from ${basename(history.dir)}</div></div></header>
<main>
<section class="run" id="changes"><h2>What changed recently</h2>
${
  changes.length
    ? html`<div class="table-wrap"><table><thead><tr><th>when</th><th>job</th><th>commits</th><th>step</th></tr></thead><tbody>${changes.map(({ s, c, anchor }) => html`<tr><td>${c.time}</td><td><a href="#${anchor}"><code>${s.id}</code></a> (${s.device}, ${s.branch ?? '—'})</td><td><code>${short(c.fromCommit)}</code> … <code>${short(c.toCommit)}</code></td><td class="${c.step > 1 ? 'step-up' : 'step-down'}">${fmtChange(c.step - 1)}</td></tr>`)}</tbody></table></div>`
    : html`<p>No change point in any job's history (PELT on log medians; a step must be at least 3 %).</p>`
}
${windowNote}
${problems}
</section>
<section class="run" id="jobs"><h2>Jobs</h2>
<div class="filters">${filter('device', 'Device')}${filter('impl', 'Runtime')}${filter('variant', 'Variant')}${filter('precision', 'Precision')}</div>
${cards}
</section>
</main>
<footer>Generated by mobilenet-bench from the history folder alone. Self-contained: no network requests. Click a point to open its run's page, where one is recorded.</footer>
<script type="application/json" id="trend-data">${raw(jsonForScript({ series }))}</script>
${scripts.map((code) => raw(`<script>${code}</script>\n`))}
</body>
</html>
`;
  return page.value;
}
