/**
 * The profile part of the report, per target: time share against MAC share by layer kind for
 * each profiled job (the paper's claim — 1×1 convolutions hold ~95 % of the MACs — checked on
 * this device), GMAC/s per layer along the network, the slowest layers, and a link to each
 * trace file; plus the Markdown summary's one line per job. Reads the `profile` field only.
 */
import type { JobResult } from '../../contract/results.ts';
import type { Profile } from '../../contract/profile-schema.ts';
import { PROFILE_KINDS } from '../../contract/profile-schema.ts';
import type { ChartSink } from '../chart-sink.ts';
import { escapeMarkdownCell as md, html, type SafeHtml } from '../escape.ts';
import { fmtMs, fmtNum, fmtPct as pct, isNum } from '../../contract/format.ts';
import { GROUP_COLORS } from '../palette.ts';
import { sortableTable, type Column } from '../table.ts';
import type { TargetSection } from '../section.ts';

type Kind = (typeof PROFILE_KINDS)[number];

/** One layer kind's share of a profile's time and of the network's MACs. */
export interface KindShare {
  kind: Kind;
  ms: number;
  /** Of the time of all profiled ops (layers + other; unattributed time excluded). */
  timeShare: number;
  macs: number;
  macShare: number;
  /** Achieved GMAC/s of the kind's layers together; null without time or MACs. */
  gmacPerSecond: number | null;
}

/** Jobs of a list that carry an available profile. */
function profiledJobs(jobs: readonly JobResult[]): Array<JobResult & { profile: Profile }> {
  return jobs.filter((r): r is JobResult & { profile: Profile } => r.profile?.available === true);
}

/** Time and MAC share per layer kind (kinds with neither are left out). */
function kindShares(p: Profile): KindShare[] {
  const totalMs = p.layers.reduce((s, l) => s + (l.ms ?? 0), 0);
  const totalMacs = p.layers.reduce((s, l) => s + l.macs, 0);
  return PROFILE_KINDS.map((kind) => {
    const of = p.layers.filter((l) => l.kind === kind);
    const ms = of.reduce((s, l) => s + (l.ms ?? 0), 0);
    const macs = of.reduce((s, l) => s + l.macs, 0);
    return {
      kind,
      ms,
      timeShare: totalMs > 0 ? ms / totalMs : 0,
      macs,
      macShare: totalMacs > 0 ? macs / totalMacs : 0,
      gmacPerSecond: ms > 0 && macs > 0 ? macs / (ms * 1e6) : null,
    };
  }).filter((k) => k.ms > 0 || k.macs > 0);
}

/** Summed op time (layers + other) over the job's median latency: how much of a timed inference the profile explains. */
function profileCoverage(r: JobResult & { profile: Profile }): number | null {
  const ops = (r.profile.layersMs ?? 0) + (r.profile.otherMs ?? 0);
  return r.latency && r.latency.medianMs > 0 ? ops / r.latency.medianMs : null;
}

/** "node/tfjs-wasm/1.0_224: pointwise 62.0 % of time (94.9 % of MACs) — tf.profile …". */
function pointwiseLine(r: JobResult & { profile: Profile }): string {
  const pw = kindShares(r.profile).find((k) => k.kind === 'pointwise');
  return `${r.id}: pointwise share of time ${pw ? pct(pw.timeShare) : '–'} (of MACs ${pw ? pct(pw.macShare) : '–'}), ${fmtNum(pw?.gmacPerSecond, 2)} GMAC/s`;
}

const colorAt = (i: number) => GROUP_COLORS[i % GROUP_COLORS.length];
/** Colour of the analytic MAC share bars: not one of the jobs'. */
const MAC_COLOR = '#999999';

/** The profile section of one target, or null when no job of it was profiled. */
export function profileHtml(jobs: readonly JobResult[], targetName: string, sink: ChartSink): SafeHtml | null {
  const asked = jobs.filter((r) => r.profile);
  if (!asked.length) return null;
  const done = profiledJobs(asked);
  const missing = asked.filter((r) => !r.profile!.available);
  const missingNote = missing.length
    ? html`<p class="notice">Not profiled: ${missing.map((r) => html`<code>${r.id}</code> (${r.profile!.unavailable ?? 'no reason given'}) `)}</p>`
    : '';
  if (!done.length) return html`${missingNote}`;

  const kinds = PROFILE_KINDS.filter((k) => done.some((r) => kindShares(r.profile).some((s) => s.kind === k)));
  const first = done[0].profile;
  const macShares = kindShares(first);
  const shareChart = sink.add(
    {
      kind: 'bars',
      labels: [...kinds],
      xTitle: 'layer kind',
      yTitle: 'share (%)',
      series: [
        {
          label: `analytic MACs (${done[0].id.split('/').pop()})`,
          color: MAC_COLOR,
          values: kinds.map((k) => (macShares.find((s) => s.kind === k)?.macShare ?? 0) * 100),
        },
        ...done.map((r, i) => ({
          label: `time: ${r.id}`,
          color: colorAt(i),
          values: kinds.map((k) => (kindShares(r.profile).find((s) => s.kind === k)?.timeShare ?? 0) * 100),
        })),
      ],
    },
    `Share of time against share of MACs by layer kind on ${targetName}`,
    'chart mid',
  );
  const layerNames = first.layers.filter((l) => l.kind !== 'other').map((l) => l.name);
  const gmacChart = sink.add(
    {
      kind: 'bars',
      labels: layerNames,
      xTitle: 'layer (network order)',
      yTitle: 'achieved GMAC/s',
      series: done.map((r, i) => ({
        label: r.id,
        color: colorAt(i),
        values: layerNames.map((n) => r.profile.layers.find((l) => l.name === n)?.gmacPerSecond ?? null),
      })),
    },
    `Achieved GMAC/s per layer on ${targetName}`,
    'chart mid',
  );

  const kindCols: Column<KindShare & { job: string }>[] = [
    { key: 'job', title: 'job', cell: (s) => html`<code>${s.job}</code>` },
    { key: 'kind', title: 'kind', cell: (s) => s.kind },
    { key: 'ms', title: 'time', unit: 'ms', value: (s) => s.ms, cell: (s) => fmtMs(s.ms) },
    { key: 'timeShare', title: 'share of time', unit: '%', value: (s) => s.timeShare * 100, cell: (s) => pct(s.timeShare) },
    { key: 'macShare', title: 'share of MACs', unit: '%', value: (s) => s.macShare * 100, cell: (s) => pct(s.macShare) },
    { key: 'gmacs', title: 'achieved', unit: 'GMAC/s', value: (s) => s.gmacPerSecond, cell: (s) => fmtNum(s.gmacPerSecond, 2) },
  ];
  const kindRows = done.flatMap((r) => kindShares(r.profile).map((s) => ({ ...s, job: r.id })));

  const jobCols: Column<JobResult & { profile: Profile }>[] = [
    { key: 'job', title: 'job', cell: (r) => html`<code>${r.id}</code>` },
    {
      key: 'mapped',
      title: 'layers mapped',
      value: (r) => r.profile.mappedLayers,
      cell: (r) => `${r.profile.mappedLayers} / ${r.profile.layers.filter((l) => l.kind !== 'other').length}`,
    },
    { key: 'median', title: 'median latency', unit: 'ms', value: (r) => r.latency?.medianMs, cell: (r) => fmtMs(r.latency?.medianMs) },
    { key: 'wall', title: 'profiled inference', unit: 'ms', value: (r) => r.profile.wallMs, cell: (r) => fmtMs(r.profile.wallMs) },
    { key: 'layers', title: 'layers', unit: 'ms', value: (r) => r.profile.layersMs, cell: (r) => fmtMs(r.profile.layersMs) },
    { key: 'other', title: 'other ops', unit: 'ms', value: (r) => r.profile.otherMs, cell: (r) => fmtMs(r.profile.otherMs) },
    { key: 'unattributed', title: 'outside ops', unit: 'ms', value: (r) => r.profile.unattributedMs, cell: (r) => fmtMs(r.profile.unattributedMs) },
    { key: 'coverage', title: 'ops ÷ median latency', value: (r) => profileCoverage(r), cell: (r) => fmtNum(profileCoverage(r), 2) },
    { key: 'trace', title: 'trace', cell: (r) => (r.profile.trace ? html`<a href="${r.profile.trace}">${r.profile.trace}</a>` : '–') },
    { key: 'source', title: 'source', cell: (r) => html`<span class="small">${r.profile.source}</span>` },
  ];

  const slowest = done.map((r) => {
    const total = r.profile.layers.reduce((s, l) => s + (l.ms ?? 0), 0);
    const top = r.profile.layers
      .filter((l) => isNum(l.ms))
      .sort((a, b) => b.ms! - a.ms!)
      .slice(0, 5);
    return html`<li><code>${r.id}</code>: ${top.map((l, i) => html`${i ? ', ' : ''}<strong>${l.name}</strong> ${fmtMs(l.ms)} ms (${pct(total > 0 ? l.ms! / total : 0)}${isNum(l.gmacPerSecond) ? `, ${fmtNum(l.gmacPerSecond, 2)} GMAC/s` : ''})`)}</li>`;
  });

  return html`${missingNote}
    ${sortableTable(jobCols, done, { jobOf: (r) => r.id, caption: 'Profiled jobs: where a profiled inference went (medians over the profiled inferences)' })}
    <p class="caption">Each job was profiled after its timed samples with its runtime's own profiler (column <em>source</em>). <em>layers</em>: ops mapped onto the 29 spec layers; <em>other ops</em>: ops of no layer (layout transposes, reshapes); <em>outside ops</em>: wall time outside every op (dispatch, copies). <em>ops ÷ median latency</em> compares the profiled op time with the unprofiled median: profiling overhead and the machine's load move it. Trace files open in Perfetto or chrome://tracing.</p>
    ${shareChart}
    <p class="caption">Grey: the analytic share of MACs by layer kind (the paper: 1×1 pointwise convolutions hold 94.86 % of MobileNet 1.0-224's). Coloured: each job's share of profiled op time. A kind whose time share is above its MAC share runs below the network's average GMAC/s.</p>
    <details><summary>Time and MACs by layer kind, per job</summary>${sortableTable(kindCols, kindRows, { jobOf: (s) => s.job })}</details>
    ${gmacChart}
    <p class="caption">Achieved GMAC/s per layer = the layer's analytic MACs ÷ its median profiled time, in network order (conv0, dw1, pw1, …, pool, fc). Depthwise layers do ~9 MACs per output value and are usually limited by memory traffic, not arithmetic.</p>
    <h4>Slowest layers</h4><ul class="small">${slowest}</ul>`;
}

/** The Markdown summary's profile lines for a target: one "pointwise share of time" line per profiled job. */
export function profileMarkdownLines(jobs: readonly JobResult[]): string[] {
  const done = profiledJobs(jobs);
  const missing = jobs.filter((r) => r.profile && !r.profile.available);
  if (!done.length && !missing.length) return [];
  return [
    '',
    "**Profile** (share of each job's profiled op time that went to pointwise layers, and their analytic share of MACs):",
    '',
    ...done.map((r) => `- ${md(pointwiseLine(r))}`),
    ...missing.map((r) => `- ${md(`${r.id}: not profiled (${r.profile!.unavailable ?? 'no reason given'})`)}`),
  ];
}

/** Shown only where jobs were profiled (--profile). */
export const profileSection: TargetSection = {
  id: 'profile',
  title: 'Profile: where the time goes',
  scope: 'target',
  html: ({ view, sink }) => (view.jobs.some((r) => r.profile) ? (profileHtml(view.jobs, view.name, sink) ?? html``) : null),
  markdown: ({ view }) => profileMarkdownLines(view.jobs),
};
