/**
 * The published site as files: pages, chart SVGs, and data/ (each run's results.jsonl and
 * run.json copied byte for byte, its configuration for reproducing it, and SHA256SUMS in the
 * format `sha256sum -c` reads). Every path and list is sorted and nothing depends on the clock,
 * so the same runs give byte-identical files.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { redactDeep } from '../../contract/secrets.ts';
import { resultsPath, runInfoPath } from '../../contract/store.ts';
import { html, type SafeHtml } from '../escape.ts';
import { accuracyChart, latencyChart } from './charts.ts';
import { chartFile } from './figure.ts';
import { devicePage, sitePage, tableWrap } from './layout.ts';
import type { SiteModel } from './model.ts';
import { deviceBody } from './pages-device.ts';
import { indexBody } from './pages-index.ts';
import { methodBody } from './pages-method.ts';
import { publishedBody } from './pages-published.ts';
import { CONFIG_FILE, jobCommand, runCommand } from './reproduce.ts';
import { scatterSvg } from './svg.ts';

/** The checksum file under data/. */
const SUMS_FILE = 'SHA256SUMS';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** data/<run>/… files, relative to data/. */
function dataFiles(model: SiteModel): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const run of model.runs) {
    files.set(`${run.slug}/results.jsonl`, readFileSync(resultsPath(run.dir)));
    files.set(`${run.slug}/run.json`, readFileSync(runInfoPath(run.dir)));
    files.set(`${run.slug}/${CONFIG_FILE}`, Buffer.from(`${JSON.stringify(redactDeep(run.data.run.config), null, 2)}\n`));
  }
  return files;
}

function dataBody(model: SiteModel, sums: [string, string][]): SafeHtml {
  return html`<p>Every run's files as it wrote them, and the configuration to run it again. Check them with <code>cd data &amp;&amp; sha256sum -c ${SUMS_FILE}</code> (<a href="data/${SUMS_FILE}">${SUMS_FILE}</a>).</p>
${tableWrap('Data files', html`<table><thead><tr><th scope="col">file</th><th scope="col">SHA-256</th></tr></thead><tbody>${sums.map(([path, sum]) => html`<tr><td><a href="data/${path}">${path}</a></td><td><code class="hash">${sum}</code></td></tr>`)}</tbody></table>`)}
<h3 id="reproduce">Reproduce</h3>
${model.runs.map(
  (run) => html`<h4 id="reproduce-${run.slug}">Run <code>${run.data.run.runId}</code></h4><p>All of it: <code class="cmd">${runCommand(run)}</code></p>
${tableWrap(`Jobs of run ${run.data.run.runId}`, html`<table><thead><tr><th scope="col">job</th><th scope="col">status</th><th scope="col">command</th></tr></thead><tbody>${run.data.results.map((r) => html`<tr><td><code>${r.id}</code></td><td>${r.status}</td><td><code class="cmd">${jobCommand(run, r)}</code></td></tr>`)}</tbody></table>`)}`,
)}
<p class="caption">Commands run from the site's folder; the weights mirror and eval-set paths inside each configuration are the original machine's: point them at your copies (<code>--weights-mirror</code>, <code>--eval-set</code>).</p>`;
}

/** Every file of the site, path (relative to the site root, '/'-separated) → bytes, sorted by path. */
export function buildSite(model: SiteModel): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const data = dataFiles(model);
  const sums = [...data].map(([p, b]): [string, string] => [p, sha256(b)]).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [p, b] of data) out.set(`data/${p}`, b);
  out.set(`data/${SUMS_FILE}`, Buffer.from(sums.map(([p, s]) => `${s}  ${p}\n`).join('')));
  const page = (file: string, title: string, body: SafeHtml) => out.set(file, Buffer.from(sitePage(model, { file, title, body })));
  page('index.html', 'Overview', indexBody(model));
  for (const d of model.devices) page(devicePage(d.slug), `${d.view.name}${d.emulated ? ' (emulated)' : ''}`, deviceBody(d));
  page('method.html', 'Method', methodBody(model));
  page('published.html', 'Published figures', publishedBody());
  page('data.html', 'Data', dataBody(model, sums));
  const charts = [...model.devices.filter((d) => d.view.withAccuracy.length).map(accuracyChart), latencyChart(model)];
  for (const c of charts) out.set(chartFile(c), Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${scatterSvg(c)}\n`));
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}
