/** Small helpers the per-target sections share: a group's jobs and colour, a job chip, log-axis ranges. */
import type { JobResult } from '../../contract/results.ts';
import { compareVariants, groupKey, type Group, type TargetView } from '../data.ts';
import { html, type SafeHtml } from '../escape.ts';
import { GROUP_COLORS } from '../palette.ts';

/** A group's colour: the same for its key in every target and chart. */
export const colorOf = (g: Group) => GROUP_COLORS[g.colorIndex % GROUP_COLORS.length];

/** The ok jobs of one group, in variant order. */
export function jobsOf(view: TargetView, g: Group): JobResult[] {
  return view.ok.filter((r) => groupKey(r) === g.key).sort(compareVariants);
}

export function jobById(view: TargetView, id: string | null): JobResult | undefined {
  return id === null ? undefined : view.jobs.find((r) => r.id === id);
}

export function jobChip(r: JobResult): SafeHtml {
  return html`<code class="job">${r.id}</code>`;
}

/** What a chart section says when the target has no ok job to chart. */
export const NOTHING_OK = () => html`<p class="notice">No job finished ok.</p>`;

/** A figure card with its group's swatch: one panel of a per-group chart grid. */
export function groupCard(g: Group, chart: SafeHtml): SafeHtml {
  return html`<figure class="card"><figcaption><span class="swatch c${g.colorIndex % GROUP_COLORS.length}"></span>${g.label}</figcaption>${chart}</figure>`;
}

/** A log-axis range around all values: down to the 1-2-5 step below, up to the one above. */
export function logRange(values: number[]): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const below = (v: number) => {
    const e = 10 ** Math.floor(Math.log10(v));
    return [5, 2, 1].map((m) => m * e).find((c) => c <= v) ?? e;
  };
  const above = (v: number) => {
    const e = 10 ** Math.floor(Math.log10(v));
    return [1, 2, 5, 10].map((m) => m * e).find((c) => c >= v) ?? 10 * e;
  };
  return [below(lo), above(hi)];
}
