/**
 * The HTML report: one self-contained file built from a run's results.jsonl and run.json.
 * Tables and text are rendered here with escaping; charts are drawn in the page by the
 * inlined Chart.js from a JSON block. A Content-Security-Policy with script hashes allows
 * exactly the inlined scripts and stylesheet, and no network access at all.
 */
import { createHash } from 'node:crypto';
import { reportAssets } from './assets.ts';
import type { ReportPayload } from './client/chart-specs.ts';
import type { ReportModel } from './data.ts';
import { html, jsonForScript, raw } from './escape.ts';
import { fmtTime } from '../contract/format.ts';
import { PHASE_COLORS, VIRIDIS_LOW_TO_HIGH } from './palette.ts';
import { environmentSection, methodologySection, problemsSection } from './run-sections.ts';
import { ChartSink } from './chart-sink.ts';
import { TARGET_SECTIONS, targetSection } from './target-sections.ts';
import { ceilingsOfTarget } from './roofline-section.ts';
import { overviewSection } from './overview.ts';
import { runsOf } from './merge.ts';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The policy: nothing from anywhere, except the exact inlined scripts and stylesheet, and data: images (canvas export). */
export function contentSecurityPolicy(scripts: string[], styles: string[]): string {
  return [
    "default-src 'none'",
    `script-src ${scripts.map(sha256).join(' ')}`,
    `style-src ${styles.map(sha256).join(' ')}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Render the report model as one HTML document. */
export function renderHtmlReport(model: ReportModel): string {
  const { run } = model;
  const sink = new ChartSink();
  // Anchors are made from indexes, never from target names.
  const anchors = model.targets.map((_, i) => `target-${i + 1}`);
  const targets = model.targets.map((t, i) => targetSection(t, anchors[i], sink, ceilingsOfTarget(model, t.name)));
  const env = environmentSection(model);
  const problems = problemsSection(model);
  const method = methodologySection(model);
  const anchorByTarget = new Map(model.targets.map((t, i) => [t.name, anchors[i]]));
  const overview = overviewSection(model, (name) => anchorByTarget.get(name) ?? 'overview');
  const runs = runsOf(model);
  const runIds = runs.map((r) => r.runId).join(', ');

  const payload: ReportPayload = { phaseColors: PHASE_COLORS, ramp: VIRIDIS_LOW_TO_HIGH, charts: sink.charts };
  const { scripts, css } = reportAssets();
  const csp = contentSecurityPolicy(
    scripts.map((s) => s.code),
    [css],
  );
  const targetNames = model.targets.map((t) => t.name);
  const jobsRun = model.results.filter((r) => r.status !== 'skipped').length;

  const toc = html`<nav class="toc" aria-label="Contents"><div>
    <a class="t" href="#overview">Overview</a>
    ${model.targets.map((t, i) => html`<a class="t" href="#${anchors[i]}">${t.name}</a>${TARGET_SECTIONS.filter(([id]) => id === 'recommendation' || id === 'pareto' || id === 'heatmap' || id === 'numbers').map(([id, title]) => html`<a href="#${anchors[i]}-${id}">${title}</a>`)}`)}
    <a class="t" href="#environment">Environment</a><a class="t" href="#problems">Failed, invalid, skipped</a><a class="t" href="#methodology">Methodology</a>
  </div></nav>`;

  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>MobileNet V1 benchmark — ${runIds}</title>
<style>${raw(css)}</style>
</head>
<body>
<header class="top"><div>
  <h1>MobileNet V1 benchmark</h1>
  ${runs.map((r) => html`<div class="sub">Run <code>${r.runId}</code> · ${fmtTime(r.startedAt)} · ${r.host.cpuModel} · ${r.host.os} · Node.js ${r.host.nodeVersion}${r.gitCommit ? ` · commit ${r.gitCommit.slice(0, 10)}` : ''}</div>`)}
  <div class="cards">
    <div class="card-stat"><b>${targetNames.length}</b><span>target${targetNames.length === 1 ? '' : 's'}: ${targetNames.join(', ')}</span></div>
    <div class="card-stat"><b>${jobsRun}</b><span>jobs run (${model.results.length} planned)</span></div>
    <div class="card-stat"><b>${model.counts.ok}</b><span>ok</span></div>
    <div class="card-stat"><b>${model.counts.invalid + model.counts.failed}</b><span>invalid or failed</span></div>
    <div class="card-stat"><b>${model.counts.skipped}</b><span>skipped</span></div>
  </div>
</div></header>
${toc}
<main>
<section class="run" id="overview"><h2>Overview${targetNames.length > 1 ? ' across targets' : ''}</h2>${overview}</section>
${targets.length ? targets : html`<p class="notice">This run has no results yet.</p>`}
<section class="run" id="environment"><h2>Environment</h2>${env}</section>
<section class="run" id="problems"><h2>Failed, invalid and skipped jobs</h2>${problems}</section>
<section class="run" id="methodology"><h2>Methodology</h2>${method}</section>
</main>
<footer>Generated by mobilenet-bench ${run.harnessVersion} from results.jsonl and run.json of run${runs.length > 1 ? 's' : ''} ${runIds}. Self-contained: no network requests; all charts are drawn from the data embedded in this file.</footer>
<script type="application/json" id="report-data">${raw(jsonForScript(payload))}</script>
${scripts.map((s) => raw(`<script>${s.code}</script>\n`))}
</body>
</html>
`;
  return page.value;
}
