/** Per target: median latency over α × resolution, one panel per implementation/backend/precision. */
import { fmtMs } from '../../contract/format.ts';
import { html } from '../escape.ts';
import type { TargetContext, TargetSection } from '../section.ts';
import { groupCard, jobsOf, NOTHING_OK } from './shared.ts';

function heatmapHtml({ view, sink }: TargetContext) {
  if (!view.ok.length) return NOTHING_OK();
  const medians = view.ok.map((r) => r.latency!.medianMs);
  const min = Math.min(...medians);
  const max = Math.max(...medians);
  const cards = view.groups.map((g) => {
    const jobs = jobsOf(view, g);
    if (!jobs.length) return '';
    const alphas = [...new Set(jobs.map((r) => r.alpha))].sort((a, b) => a - b).map((a) => (a === 1 ? '1.0' : String(a)));
    const resolutions = [...new Set(jobs.map((r) => r.resolution))].sort((a, b) => a - b);
    const cells = jobs.map((r) => ({ x: String(r.resolution), y: r.alpha === 1 ? '1.0' : String(r.alpha), v: r.latency!.medianMs, job: r.id }));
    return groupCard(g, sink.add({ kind: 'heatmap', resolutions, alphas, cells, min, max }, `Median latency by α and resolution, ${g.label}`, 'chart heat'));
  });
  return html`<div class="grid3">${cards}</div>
    <div class="ramp-legend"><span>${fmtMs(min)} ms</span><span class="ramp"></span><span>${fmtMs(max)} ms</span><span class="muted">median latency, log colour scale shared by all panels on this target</span></div>`;
}

export const heatmapSection: TargetSection = { id: 'heatmap', title: 'Latency heatmaps', scope: 'target', nav: true, html: heatmapHtml };
