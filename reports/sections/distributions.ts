/** Per target: box plots of the raw latency samples with the median's 95 % CI. */
import { html } from '../escape.ts';
import { variantOf } from '../data.ts';
import type { TargetContext, TargetSection } from '../section.ts';
import { colorOf, groupCard, jobsOf, logRange, NOTHING_OK } from './shared.ts';

function distributionsHtml({ view, sink }: TargetContext) {
  if (!view.ok.length) return NOTHING_OK();
  const [min, max] = logRange(view.ok.flatMap((r) => r.latency!.samplesMs).filter((v) => v > 0));
  const cards = view.groups.map((g) => {
    const jobs = jobsOf(view, g);
    if (!jobs.length) return '';
    const chart = sink.add(
      {
        kind: 'box',
        color: colorOf(g),
        labels: jobs.map(variantOf),
        samples: jobs.map((r) => r.latency!.samplesMs),
        ci: jobs.map((r) => r.latency!.ci95Ms),
        min,
        max,
      },
      `Latency distributions, ${g.label}`,
      'chart auto',
    );
    return groupCard(g, chart);
  });
  return html`<div class="grid2">${cards}</div>
    <p class="caption">Boxes: quartiles of the timed samples; whiskers: 1.5 × IQR; dots: samples beyond. The black bar with caps is the bootstrap 95 % confidence interval of the median. Log scale, the same range in every panel.</p>`;
}

export const distributionsSection: TargetSection = { id: 'distributions', title: 'Latency distributions', scope: 'target', html: distributionsHtml };
