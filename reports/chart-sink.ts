/** Collects the chart specs of a report while its sections render (the client draws them). */
import type { ChartSpec } from './client/chart-specs.ts';
import { html, type SafeHtml } from './escape.ts';

/** Omit applied to each member of a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Collects chart specs while sections are rendered; canvas ids are unique per report. */
export class ChartSink {
  readonly charts: ChartSpec[] = [];
  /** Add a chart; returns the canvas element with an accessible label. */
  add(spec: DistributiveOmit<ChartSpec, 'canvas'>, label: string, className = 'chart'): SafeHtml {
    const canvas = `chart-${this.charts.length + 1}`;
    this.charts.push({ ...spec, canvas } as ChartSpec);
    return html`<div class="${className}"><canvas id="${canvas}" role="img" aria-label="${label}"></canvas></div>`;
  }
}
