/** Per target: cold start (load, init, first inference) beside the steady-state median. */
import { html } from '../escape.ts';
import { variantOf } from '../data.ts';
import type { TargetContext, TargetSection } from '../section.ts';
import { groupCard, jobsOf, NOTHING_OK } from './shared.ts';

function coldStartHtml({ view, sink }: TargetContext) {
  if (!view.ok.length) return NOTHING_OK();
  const totals = view.ok.map((r) =>
    Math.max((r.coldStart?.loadMs ?? 0) + (r.coldStart?.initMs ?? 0) + (r.coldStart?.firstInferenceMs ?? 0), r.latency!.medianMs),
  );
  const max = Math.max(...totals) * 1.02;
  const cards = view.groups.map((g) => {
    const jobs = jobsOf(view, g);
    if (!jobs.length) return '';
    const chart = sink.add(
      {
        kind: 'cold',
        labels: jobs.map(variantOf),
        load: jobs.map((r) => r.coldStart?.loadMs ?? null),
        init: jobs.map((r) => r.coldStart?.initMs ?? null),
        first: jobs.map((r) => r.coldStart?.firstInferenceMs ?? null),
        steady: jobs.map((r) => r.latency!.medianMs),
        max,
      },
      `Cold start beside steady state, ${g.label}`,
      'chart auto',
    );
    return groupCard(g, chart);
  });
  return html`<div class="grid2">${cards}</div>
    <p class="caption">Upper bar of each pair: the cold path, in order — loading the weights, initialising the runtime (session or backend), the first inference. Lower bar: the steady-state median after warm-up. Linear scale in ms, the same range in every panel.</p>`;
}

export const coldStartSection: TargetSection = { id: 'cold', title: 'Cold start', scope: 'target', html: coldStartHtml };
