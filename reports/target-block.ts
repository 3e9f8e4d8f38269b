/**
 * One target's block in the HTML report, collapsed: its name, job counts and devices, then each
 * registered per-target section that has something to show. Generic over targets: nothing
 * here knows Node from a browser or a phone.
 */
import type { JobResult } from '../contract/results.ts';
import type { ChartSink } from './chart-sink.ts';
import type { ReportModel, TargetView } from './data.ts';
import { html, type SafeHtml } from './escape.ts';
import type { TargetSection } from './section.ts';

/** A rendered target block, and the sections it holds (for the navigation). */
export interface TargetBlock {
  html: SafeHtml;
  shown: { section: TargetSection; anchor: string }[];
}

/** One target's block. `anchor` is a safe id made by the caller (never the raw name). */
export function renderTargetBlock(model: ReportModel, view: TargetView, anchor: string, sections: readonly TargetSection[], sink: ChartSink): TargetBlock {
  const counts = (['ok', 'invalid', 'failed', 'skipped'] as const).map((s) => ({ s, n: view.jobs.filter((r) => r.status === s).length })).filter((c) => c.n);
  // What ran the jobs (remote and WebDriver targets): a stand-in says so, with the throttling applied.
  const devices = [...new Set(view.jobs.flatMap((r) => (r.device ? [deviceLabel(r.device)] : [])))].slice(0, 4);
  const details = [
    ...devices,
    ...new Set(
      view.ok.flatMap((r) =>
        Object.entries(r.effective?.details ?? {})
          .filter(([k]) => /renderer|adapter|device|model|browser|userAgent/i.test(k))
          .map(([k, v]) => `${k}: ${String(v)}`),
      ),
    ),
  ];
  const nothingOk = view.ok.length === 0;
  const shown: TargetBlock['shown'] = [];
  const bodies: SafeHtml[] = [];
  for (const section of sections) {
    if (nothingOk && !section.showWithoutOkJobs) continue;
    const body = section.html({ model, view, sink });
    if (body === null) continue;
    const id = `${anchor}-${section.id}`;
    shown.push({ section, anchor: id });
    bodies.push(html`<section id="${id}" class="sub"><h3>${section.title}</h3>${body}</section>`);
  }
  const status = html`${counts.map((c) => html`<span class="status ${c.s}">${c.n} ${c.s}</span> `)}`;
  const notice = nothingOk
    ? html`<p class="notice">No job on this target finished ok, so there is nothing to chart or recommend. The reasons are under <a href="#problems">Failed, invalid and skipped jobs</a>.</p>`
    : '';
  // Collapsed by default, so a page of many targets stays short: the summary (name, counts, devices,
  // what is inside) is always visible, and opening it needs no script. Charts inside are drawn
  // when their block opens (reports/client/report.ts): a closed block has no size to draw into.
  return {
    html: html`<details class="target" id="${anchor}">
    <summary><h2><span class="kicker">Target</span> ${view.name}</h2>
    <span class="target-meta">${status}${!nothingOk && details.length ? html`<span class="muted small device">${details.join(' · ')}</span>` : ''}</span>
    <span class="target-contents small">${shown.map((s) => s.section.title).join(' · ')}</span></summary>
    ${notice}
    ${bodies}
  </details>`,
    shown,
  };
}

/** One line naming the device of a result: model, platform and OS, stand-in or not, the throttling applied, the server. */
function deviceLabel(d: NonNullable<JobResult['device']>): string {
  const what = [d.model ?? d.platform, d.osVersion ? `${d.platform} ${d.osVersion}` : d.model ? d.platform : null].filter(Boolean).join(', ');
  const standIn = d.emulated ? ` (emulated${d.cpuThrottlingRate && d.cpuThrottlingRate !== 1 ? `, CPU throttled ${d.cpuThrottlingRate}×` : ''})` : '';
  const browser = d.browserName ? ` · ${d.browserName}${d.browserVersion ? ` ${d.browserVersion}` : ''}` : '';
  return `device: ${what}${standIn}${browser}${d.serverUrl ? ` via ${d.serverUrl}` : ''}`;
}
