/** The published figures beside ours: each source with its URL, date and conditions, and its numbers as given. */
import { fmtMs } from '../../contract/format.ts';
import { MLPERF_V5_POINTS, PUBLISHED_ACCURACY, PUBLISHED_SOURCES, TFLITE_PHONE_LATENCIES } from '../../models/published.ts';
import { html, type SafeHtml } from '../escape.ts';
import { tableWrap } from './layout.ts';

const head = (cols: string[]) => html`<thead><tr>${cols.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>`;

export function publishedBody(): SafeHtml {
  return html`<p>These figures were measured by others, on other hardware and (for accuracy) on the full ILSVRC-2012 validation set; they are drawn hollow or dashed and labelled <span class="badge published">published</span> on every chart, never pooled with our measurements. Not included: the LiteRT leaderboard and Qualcomm AI Hub per-device tables (not available offline here to cite faithfully).</p>
<h3 id="sources">Sources</h3>
<ul>${PUBLISHED_SOURCES.map((s) => html`<li id="src-${s.id}"><strong>${s.title}</strong>: <a href="${s.url}">${s.url}</a>. Date: ${s.date}. Conditions: ${s.conditions}.</li>`)}</ul>
<h3 id="tf-slim">TF-slim top-1 and top-5 (float and uint8)</h3>
${tableWrap('TF-slim accuracy table', html`<table>${head(['variant', 'float top-1 %', 'float top-5 %', 'uint8 top-1 %', 'uint8 top-5 %'])}<tbody>${Object.entries(PUBLISHED_ACCURACY).map(([v, a]) => html`<tr id="tf-slim-${v}"><td>${v}</td><td class="num">${a.float.top1}</td><td class="num">${a.float.top5}</td><td class="num">${a.uint8.top1}</td><td class="num">${a.uint8.top5}</td></tr>`)}</tbody></table>`)}
<h3 id="tflite">TFLite performance page: MobileNet V1 1.0-224 on phones</h3>
${tableWrap('TFLite phone latencies', html`<table>${head(['device', 'precision', 'backend', 'mean latency ms'])}<tbody>${TFLITE_PHONE_LATENCIES.map((p) => html`<tr><td>${p.device}</td><td>${p.precision}</td><td>${p.backend}</td><td class="num">${fmtMs(p.latencyMs)}</td></tr>`)}</tbody></table>`)}
<h3 id="mlperf">MLPerf Inference v5.0 Open: all 16 float variants, TFLite on CPU</h3>
${tableWrap('MLPerf points', html`<table>${head(['variant', 'top-1 %', 'latency ms'])}<tbody>${MLPERF_V5_POINTS.map((p) => html`<tr id="mlperf-${p.variant}"><td>${p.variant}</td><td class="num">${(p.top1 * 100).toFixed(3)}</td><td class="num">${p.latencyMs}</td></tr>`)}</tbody></table>`)}
<p class="caption">The uint8 rows of that submission's table are empty, so no uint8 MLPerf figure is shown.</p>`;
}
