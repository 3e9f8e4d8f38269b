/**
 * The cross-device overview at the top of the report, so that a reader with ten devices does
 * not scroll through ten sections: per target, the variant to ship under a few latency
 * budgets; per variant, the fastest runtime on each target; per pooled target, how far each
 * of its (nominally identical) instances is from the pool. Pure functions over the model,
 * then their HTML.
 */
import type { JobResult } from '../../contract/results.ts';
import { bestWithin, compareVariants, gmacPerSecond, roundBudgets, variantOf, type ReportModel } from '../data.ts';
import { escapeMarkdownCell as cell, html, type SafeHtml } from '../escape.ts';
import { fmtMs, fmtNum, fmtPct } from '../../contract/format.ts';
import { runIndexOf, runsOf } from '../merge.ts';
import { markdownRow as row } from '../markdown-table.ts';
import type { RunSection } from '../section.ts';

/** How a target's pick under a budget was chosen. */
export type PickBasis = 'top-1' | 'MACs';

/** One target's row of the budget table. */
export interface TargetPicks {
  target: string;
  /** Top-1 when the target measured accuracy; otherwise the largest network (analytic MACs) that fits, a proxy. */
  basis: PickBasis | null;
  /** One per budget: the job to ship, or null when none fits. */
  picks: Array<JobResult | null>;
}

/** One pooled instance against its pool. */
export interface InstanceSpread {
  target: string;
  index: number;
  count: number;
  jobs: number;
  /** Session ids and device identities its results name. */
  sessions: string[];
  identities: string[];
  /**
   * Geometric mean, over its ok jobs, of the job's achieved GMAC/s divided by the pool's median
   * GMAC/s for the same implementation/backend/precision: 1 = typical, 0.8 = 20 % slower.
   */
  relativeSpeed: number | null;
}

/** Everything the overview shows. */
export interface Overview {
  budgets: number[];
  targets: TargetPicks[];
  /** Variant rows (`0.25_128`, `0.25_128 uint8`), largest first. */
  variants: string[];
  /** fastest[variant][target]: the ok job with the lowest median. */
  fastest: Map<string, Map<string, JobResult>>;
  instances: InstanceSpread[];
  /** Distinct warnings carried by results, with how many results carry each. */
  warnings: Array<{ warning: string; count: number }>;
}

const variantKey = (r: JobResult) => `${variantOf(r)}${r.precision === 'float32' ? '' : ' uint8'}`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const implKey = (r: JobResult) => `${r.impl}:${r.backend}@${r.threads ?? ''}|${r.precision}`;

/** The largest network (most MACs) whose median fits the budget (ties: the faster). */
function largestWithin(jobs: readonly JobResult[], budget: number): JobResult | null {
  let best: JobResult | null = null;
  for (const r of jobs) {
    if (!r.latency || r.latency.medianMs > budget) continue;
    if (!best || r.analytic.macs > best.analytic.macs || (r.analytic.macs === best.analytic.macs && r.latency.medianMs < best.latency!.medianMs)) best = r;
  }
  return best;
}

/** Build the overview from the report model. */
export function crossDeviceOverview(model: ReportModel): Overview {
  const ok = model.targets.flatMap((t) => t.ok);
  const budgets = roundBudgets(
    ok.map((r) => r.latency!.medianMs),
    5,
  );
  const targets = model.targets.map((t): TargetPicks => {
    const basis: PickBasis | null = t.withAccuracy.length ? 'top-1' : t.ok.length ? 'MACs' : null;
    const picks = budgets.map((b) =>
      basis === 'top-1' ? bestWithin(t.withAccuracy, (r) => r.latency?.medianMs ?? null, b) : basis === 'MACs' ? largestWithin(t.ok, b) : null,
    );
    return { target: t.name, basis, picks };
  });
  const fastest = new Map<string, Map<string, JobResult>>();
  for (const r of [...ok].sort(compareVariants)) {
    const row = fastest.get(variantKey(r)) ?? new Map<string, JobResult>();
    fastest.set(variantKey(r), row);
    const cur = row.get(r.target);
    if (!cur || r.latency!.medianMs < cur.latency!.medianMs) row.set(r.target, r);
  }
  const instances: InstanceSpread[] = [];
  for (const t of model.targets) {
    const pooled = t.jobs.filter((r) => r.instance);
    if (!pooled.length) continue;
    const poolMedian = new Map<string, number>();
    for (const key of new Set(t.ok.map(implKey))) {
      const g = t.ok
        .filter((r) => implKey(r) === key)
        .map(gmacPerSecond)
        .filter((v): v is number => v !== null && v > 0);
      if (g.length) poolMedian.set(key, median(g));
    }
    const count = pooled[0].instance!.count;
    for (let index = 0; index < count; index++) {
      const mine = pooled.filter((r) => r.instance!.index === index);
      const logs = mine
        .filter((r) => r.status === 'ok')
        .map((r) => {
          const g = gmacPerSecond(r);
          const p = poolMedian.get(implKey(r));
          return g && p ? Math.log(g / p) : null;
        })
        .filter((v): v is number => v !== null);
      instances.push({
        target: t.name,
        index,
        count,
        jobs: mine.length,
        sessions: [...new Set(mine.map((r) => r.device?.sessionId).filter((s): s is string => Boolean(s)))],
        identities: [...new Set(mine.map((r) => r.device?.instance ?? r.device?.model).filter((s): s is string => Boolean(s)))],
        relativeSpeed: logs.length ? Math.exp(logs.reduce((a, b) => a + b, 0) / logs.length) : null,
      });
    }
  }
  const counts = new Map<string, number>();
  for (const r of model.results) for (const w of r.warnings ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
  const variants = [...fastest.keys()];
  return { budgets, targets, variants, fastest, instances, warnings: [...counts].map(([warning, count]) => ({ warning, count })) };
}

const runtimeOf = (r: JobResult) => `${r.impl === 'reference' ? 'reference' : `${r.impl} ${r.backend}`}${r.threads === null ? '' : ` ×${r.threads}`}`;

/** The overview section's HTML. */
function overviewHtml(model: ReportModel, anchorOf: (target: string) => string): SafeHtml {
  const o = crossDeviceOverview(model);
  const runs = runsOf(model);
  const runNote = (target: string) => {
    if (runs.length < 2) return '';
    const first = model.results.find((r) => r.target === target);
    return first ? html`<span class="muted small"> run ${runs[runIndexOf(model, first.id)].runId}</span>` : '';
  };
  const targetCell = (target: string) => html`<th scope="row"><a href="#${anchorOf(target)}">${target}</a>${runNote(target)}</th>`;
  const warnings = o.warnings.length
    ? html`<div class="notice"><strong>Warning:</strong><ul class="plain">${o.warnings.map((w) => html`<li>${w.count} result${w.count === 1 ? '' : 's'}: ${w.warning}</li>`)}</ul></div>`
    : '';
  if (!o.budgets.length) return html`${warnings}<p class="notice">No job finished ok, so there is nothing to compare across targets.</p>`;
  const pick = (r: JobResult | null, basis: PickBasis | null) =>
    r
      ? html`<td data-job="${r.id}"><code>${variantKey(r)}</code> ${runtimeOf(r)}<br><span class="small">${fmtMs(r.latency!.medianMs)} ms${basis === 'top-1' ? html` · ${fmtPct(r.accuracy!.top1)} top-1` : ''}</span></td>`
      : html`<td class="muted">none fits</td>`;
  const budgetTable = html`<div class="table-wrap"><table class="overview-budgets">
    <caption>What to ship under a median-latency budget, per target</caption>
    <thead><tr><th scope="col">target</th><th scope="col">chosen by</th>${o.budgets.map((b) => html`<th scope="col" data-budget="${String(b)}">≤ ${String(b)} ms</th>`)}</tr></thead>
    <tbody>${o.targets.map((t) => html`<tr data-target="${t.target}">${targetCell(t.target)}<td class="small">${t.basis === 'top-1' ? 'best top-1' : t.basis === 'MACs' ? 'largest network (accuracy not measured)' : '–'}</td>${t.picks.map((p) => pick(p, t.basis))}</tr>`)}</tbody>
  </table></div>`;
  const targetNames = o.targets.map((t) => t.target);
  const fastestTable = html`<div class="table-wrap"><table class="overview-fastest">
    <caption>Fastest runtime per variant on each target (median latency)</caption>
    <thead><tr><th scope="col">variant</th>${targetNames.map((t) => html`<th scope="col">${t}</th>`)}</tr></thead>
    <tbody>${o.variants.map(
      (v) =>
        html`<tr data-variant="${v}"><th scope="row"><code>${v}</code></th>${targetNames.map((t) => {
          const r = o.fastest.get(v)?.get(t);
          return r
            ? html`<td data-job="${r.id}">${runtimeOf(r)}<br><span class="small">${fmtMs(r.latency!.medianMs)} ms</span></td>`
            : html`<td class="muted">–</td>`;
        })}</tr>`,
    )}</tbody>
  </table></div>`;
  const spread = o.instances.length
    ? html`<div class="table-wrap"><table class="overview-instances">
    <caption>Pooled targets: each instance against its pool</caption>
    <thead><tr><th scope="col">instance</th><th scope="col" class="num">jobs</th><th scope="col" class="num">relative speed</th><th scope="col">device</th><th scope="col">sessions</th></tr></thead>
    <tbody>${o.instances.map((i) => html`<tr data-instance="${i.target}#${String(i.index)}"><th scope="row">${i.target} #${String(i.index)} <span class="muted small">of ${String(i.count)}</span></th><td class="num">${String(i.jobs)}</td><td class="num" data-value="${i.relativeSpeed === null ? '' : String(i.relativeSpeed)}">${fmtNum(i.relativeSpeed, 2)}</td><td class="small">${i.identities.join(', ') || '–'}</td><td class="small break">${i.sessions.join(', ') || '–'}</td></tr>`)}</tbody>
  </table></div>
  <p class="caption">Jobs are spread over a pool's instances, so the same job rarely runs on two of them. Relative speed is the geometric mean, over an instance's jobs, of its achieved GMAC/s over the pool's median for the same runtime and precision: 1.00 is typical, 0.80 is 20 % slower. Identical devices are not identical; but with a few jobs per instance, or on a busy machine, the spread is as much noise (and variant effects) as device: compare instances over many jobs.</p>`
    : '';
  return html`${warnings}${budgetTable}
    <p class="caption">Budgets are round numbers inside the range measured over all targets. Where a target measured top-1 (official weights and a labelled eval set), the pick is the most accurate job within the budget; otherwise it is the largest network that fits (more multiply-adds, as a proxy for accuracy), and says so.</p>
    ${fastestTable}${spread}`;
}

/** In Markdown: the warnings the results carry, and (with several targets) what fits each budget. */
function overviewMarkdown(model: ReportModel): string[] {
  const out: string[] = [];
  const overview = crossDeviceOverview(model);
  for (const w of overview.warnings) out.push('', `> **Warning** (${w.count} results): ${cell(w.warning)}`);
  if (model.targets.length > 1 && overview.budgets.length) {
    out.push(
      '',
      '### Across targets: what fits a median-latency budget',
      '',
      row(['target', ...overview.budgets.map((b) => `≤ ${b} ms`)]),
      row(['---', ...overview.budgets.map(() => '---')]),
    );
    for (const t of overview.targets) {
      out.push(
        row([
          `${cell(t.target)}${t.basis === 'MACs' ? ' (largest network; accuracy not measured)' : ''}`,
          ...t.picks.map((r) => (r ? `${cell(r.id.split('/').slice(1).join('/'))} ${fmtMs(r.latency!.medianMs)} ms` : 'none fits')),
        ]),
      );
    }
  }
  return out;
}

/** First on the page: what to ship per target, the fastest runtime per variant, pooled instances. */
export const overviewSection: RunSection = {
  id: 'overview',
  title: 'Overview',
  scope: 'run',
  html: ({ model, targetAnchor }) => overviewHtml(model, targetAnchor),
  markdown: ({ model }) => overviewMarkdown(model),
};
