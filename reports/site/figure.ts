/** A chart on a page: the inline SVG, its caption naming the data source, and the SVG and PNG downloads. */
import { html, raw, type SafeHtml } from '../escape.ts';
import { scatterSvg, type ScatterSpec } from './svg.ts';

/** Where a chart's SVG file goes, relative to the site root. */
export const chartFile = (spec: Pick<ScatterSpec, 'id'>) => `charts/${spec.id}.svg`;

export function chartFigure(spec: ScatterSpec, caption: string): SafeHtml {
  return html`<figure class="chart"><div class="chart-scroll" role="region" aria-label="${spec.title} (scrolls sideways on narrow screens)" tabindex="0">${raw(scatterSvg(spec))}</div><figcaption>${caption} ${spec.source}.${spec.sourceUrls?.length ? html` Sources: ${spec.sourceUrls.map((u, i) => html`${i ? ', ' : ''}<a href="${u}">${u}</a>`)}.` : ''}</figcaption>
<div class="downloads"><span>Download:</span><a href="${chartFile(spec)}" download>SVG</a><button type="button" data-chart="${spec.id}">PNG</button></div></figure>`;
}
