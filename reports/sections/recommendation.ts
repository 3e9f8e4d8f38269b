/** Per target: the best top-1 under a few latency and peak-RSS budgets (what to ship). */
import type { JobResult } from '../../contract/results.ts';
import { fmtMiB, fmtMs, fmtPct } from '../../contract/format.ts';
import { precisionLabel, wilsonInterval, type TargetView } from '../data.ts';
import { escapeMarkdownCell as cell, html, type SafeHtml } from '../escape.ts';
import type { TargetSection } from '../section.ts';
import { ownRecommendationList } from './own-models.ts';
import { jobById, jobChip } from './shared.ts';

/** "n = 16 images; 95 % interval 46–88 %". */
function top1Note(r: JobResult): string {
  const a = r.accuracy!;
  const [lo, hi] = wilsonInterval(a.top1!, a.n);
  return `top-1 on ${a.n} images; 95 % interval ${(lo * 100).toFixed(0)}–${(hi * 100).toFixed(0)} %`;
}

function recommendationHtml(view: TargetView): SafeHtml {
  if (view.ok.length === 0) return html`<p class="notice">No job on this target finished ok, so there is nothing to recommend.</p>`;
  const fastest = [...view.ok].sort((a, b) => a.latency!.medianMs - b.latency!.medianMs)[0];
  // The user's own models are ranked among themselves, on their photos (own-models.ts).
  if (view.withAccuracy.length === 0 && view.ownWithAccuracy.length) return ownRecommendationList(view);
  if (view.withAccuracy.length === 0) {
    return html`<p class="notice"><strong>Accuracy was not measured:</strong> ${view.accuracyMissingReason}. A recommendation by accuracy needs official weights and a labelled eval set (<code>--eval-set</code>).</p>
      <p>Fastest job that finished ok: ${jobChip(fastest)}, median ${fmtMs(fastest.latency!.medianMs)} ms.</p>`;
  }
  const items = view.recommendations.map((rec) => {
    const r = jobById(view, rec.jobId);
    const budget = rec.kind === 'latency' ? html`median latency ≤ <strong>${rec.budget} ms</strong>` : html`peak RSS ≤ <strong>${rec.budget} MiB</strong>`;
    if (!r) return html`<li><span class="budget">${budget}</span><span>no job with measured accuracy fits</span></li>`;
    return html`<li><span class="budget">${budget}</span><span>${jobChip(r)} <span class="muted small">${precisionLabel(r.precision)}</span></span><span><strong>${fmtPct(r.accuracy!.top1)} top-1</strong> · median ${fmtMs(r.latency!.medianMs)} ms · peak RSS ${fmtMiB(r.memory?.peakRssBytes)} MiB</span><span class="muted small">${top1Note(r)}</span></li>`;
  });
  const smallN = view.withAccuracy.some((r) => r.accuracy!.n < 200);
  return html`<ul class="recs">${items}</ul>
    <p class="caption">Best top-1 among jobs that finished ok within each budget (ties go to the faster job). Budgets are round numbers inside the measured range; a looser budget that would pick the same job is left out.${smallN ? ' Top-1 was measured on few images: differences within the 95 % interval are not evidence.' : ''}</p>
    ${view.ownWithAccuracy.length ? ownRecommendationList(view) : html``}`;
}

function recommendationMarkdown(t: TargetView): string[] {
  const out: string[] = [];
  if (t.withAccuracy.length || t.ownWithAccuracy.length) {
    // The user's own models are ranked apart: their top-1 is on the user's photos, not ImageNet's.
    for (const [recs, among] of [
      [t.recommendations, ''],
      [t.ownRecommendations, ' among your models (top-1 on your photos)'],
    ] as const) {
      for (const rec of recs) {
        const r = t.jobs.find((j) => j.id === rec.jobId);
        const budget = rec.kind === 'latency' ? `median ≤ ${rec.budget} ms` : `peak RSS ≤ ${rec.budget} MiB`;
        out.push(
          r
            ? `- Best top-1${among} with ${budget}: ${cell(r.id)} — ${fmtPct(r.accuracy!.top1)} top-1 (n = ${r.accuracy!.n}), ${fmtMs(r.latency!.medianMs)} ms, ${fmtMiB(r.memory?.peakRssBytes)} MiB`
            : `- Best top-1${among} with ${budget}: no job fits`,
        );
      }
    }
  } else if (t.ok.length) {
    out.push(`- Accuracy not measured: ${cell(t.accuracyMissingReason ?? '')}.`);
  }
  return out;
}

export const recommendationSection: TargetSection = {
  id: 'recommendation',
  title: 'Recommendation',
  scope: 'target',
  nav: true,
  html: ({ view }) => recommendationHtml(view),
  markdown: ({ view }) => recommendationMarkdown(view),
};
