/** Per target: achieved GMAC/s (analytic MACs ÷ median latency) against model size. */
import { isNum } from '../../contract/format.ts';
import type { SpecSeries } from '../client/chart-specs.ts';
import { gmacPerSecond } from '../data.ts';
import { html } from '../escape.ts';
import { pointStyleOf } from '../palette.ts';
import type { TargetContext, TargetSection } from '../section.ts';
import { colorOf, jobsOf, logRange } from './shared.ts';

function gmacsHtml({ view, sink }: TargetContext) {
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

export const gmacsSection: TargetSection = { id: 'gmacs', title: 'Achieved GMAC/s', scope: 'target', html: gmacsHtml };
