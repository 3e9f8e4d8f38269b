/** Per target: top-1 against median latency, with the Pareto frontier. */
import { fmtMs } from '../../contract/format.ts';
import type { SpecSeries } from '../client/chart-specs.ts';
import { groupKey } from '../data.ts';
import { html } from '../escape.ts';
import { pointStyleOf } from '../palette.ts';
import type { TargetContext, TargetSection } from '../section.ts';
import { colorOf, jobById, logRange } from './shared.ts';

function paretoHtml({ view, sink }: TargetContext) {
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

export const paretoSection: TargetSection = { id: 'pareto', title: 'Accuracy vs latency', scope: 'target', nav: true, html: paretoHtml };
