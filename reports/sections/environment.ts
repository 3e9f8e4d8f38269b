/** Run-wide: the host, the software and every job's asked versus effective configuration, one block per merged run. */
import type { JobResult, RunInfo } from '../../contract/results.ts';
import { fmtDuration, fmtMiB, fmtPct, fmtTime } from '../../contract/format.ts';
import { capBeforeTarget } from '../../contract/stats/stopping.ts';
import { precisionLabel, type ReportModel } from '../data.ts';
import { html, type SafeHtml } from '../escape.ts';
import { runIndexOf, runsOf } from '../merge.ts';
import type { RunSection } from '../section.ts';
import { sortableTable, type Column } from '../table.ts';

const yesNo = (v: boolean | null | undefined) => (v === true ? 'yes' : v === false ? 'no' : '–');

function definitionList(entries: [string, unknown][]): SafeHtml {
  return html`<dl class="kv">${entries.map(([k, v]) => html`<dt>${k}</dt><dd>${v === null || v === undefined || v === '' ? '–' : String(v)}</dd>`)}</dl>`;
}

/**
 * Host, software and every job's asked versus effective configuration; one block per run when
 * several runs are merged, so each run's environment stays its own.
 */
function environmentHtml(model: ReportModel): SafeHtml {
  const runs = runsOf(model);
  if (runs.length === 1) return runEnvironment(model.run, model.results);
  return html`<p class="caption">This report merges ${runs.length} runs; each kept its own machine, software and configuration.</p>
    ${runs.map(
      (run, i) =>
        html`<section class="run-env" data-run="${run.runId}"><h3>Run <code>${run.runId}</code></h3>${runEnvironment(
          run,
          model.results.filter((r) => runIndexOf(model, r.id) === i),
        )}</section>`,
    )}`;
}

function runEnvironment(run: RunInfo, results: readonly JobResult[]): SafeHtml {
  const host = definitionList([
    ['CPU', `${run.host.cpuModel} (${run.host.cores} logical cores)`],
    ['memory', `${fmtMiB(run.host.totalMemoryBytes)} MiB`],
    ['OS', `${run.host.os} (${run.host.arch})`],
    ['Node.js', run.host.nodeVersion],
    ['harness', `mobilenet-bench ${run.harnessVersion}`],
    ['git commit', run.gitCommit ?? 'not recorded'],
    ['run', `${run.runId}: ${fmtTime(run.startedAt)} → ${run.endedAt ? fmtTime(run.endedAt) : 'not finished'}`],
    ['resumed', run.resumes.length ? run.resumes.map(fmtTime).join(', ') : 'never'],
  ]);
  const packages = definitionList(Object.entries(run.packages));
  const cols: Column<JobResult>[] = [
    { key: 'job', title: 'job', cell: (r) => html`<code>${r.id}</code>` },
    { key: 'status', title: 'status', cell: (r) => html`<span class="status ${r.status}">${r.status}</span>` },
    { key: 'asked', title: 'asked', cell: (r) => `${r.impl} · ${r.backend} · ${r.threads ?? 'default'} threads` },
    { key: 'ran', title: 'ran', cell: (r) => (r.effective ? `${r.effective.impl} · ${r.effective.backend} · ${r.effective.threads ?? '?'} threads` : '–') },
    { key: 'version', title: 'runtime version', cell: (r) => r.effective?.version ?? '–' },
    { key: 'simd', title: 'SIMD', cell: (r) => yesNo(r.effective?.simd) },
    { key: 'coi', title: 'cross-origin isolated', cell: (r) => yesNo(r.effective?.crossOriginIsolated) },
    {
      key: 'details',
      title: 'details',
      cell: (r) =>
        html`<span class="small">${
          Object.entries(r.effective?.details ?? {})
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(', ') || '–'
        }</span>`,
    },
    { key: 'precision', title: 'precision', cell: (r) => precisionLabel(r.precision) },
    { key: 'weights', title: 'weights', cell: (r) => html`<span class="small break">${r.weightsSource}</span>` },
    { key: 'warmup', title: 'warm-up', value: (r) => r.latency?.warmupSamples, cell: (r) => (r.latency ? String(r.latency.warmupSamples) : '–') },
    { key: 'stoppedBy', title: 'stopped by', cell: (r) => stopCell(r) },
    {
      key: 'ciHalfWidth',
      title: '± CI of median',
      unit: '%',
      value: (r) => (r.latency?.precision == null ? undefined : r.latency.precision * 100),
      cell: (r) => (r.latency?.precision == null ? '–' : `±${fmtPct(r.latency.precision)}`),
    },
    { key: 'started', title: 'started', cell: (r) => fmtTime(r.startedAt) },
    { key: 'duration', title: 'duration', unit: 's', value: (r) => r.durationMs / 1000, cell: (r) => fmtDuration(r.durationMs) },
  ];
  const pools = (run.instances ?? []).filter((i) => i.count > 1 || i.jobs > 0);
  const poolTable =
    pools.length > 1 || pools.some((i) => i.count > 1)
      ? html`<h4>Workers</h4><ul class="plain small">${pools.map((i) => html`<li>${i.target}${i.count > 1 ? ` #${i.index} of ${i.count}` : ''}: ${i.jobs} job${i.jobs === 1 ? '' : 's'}, busy ${fmtDuration(i.busyMs)}${i.host ? ` on ${i.host}` : ''}</li>`)}</ul>`
      : '';
  // The job table is one row per job (128 in the quick start): collapsed, so the page stays short.
  return html`<div class="grid2"><div><h3>Host</h3>${host}${poolTable}</div><div><h3>Software</h3>${packages}</div></div>
    <h3>Effective configuration of every job</h3>
    <p class="caption">"Asked" is the job as planned; "ran" is what the runtime reported back after any fallback. A job whose two differ is marked invalid.</p>
    <details class="env-jobs"><summary>Asked and ran, job by job (${results.length} job${results.length === 1 ? '' : 's'})</summary>${sortableTable(cols, results, { jobOf: (r) => r.id, className: 'env' })}</details>`;
}

/** Why sampling stopped; a cap before the target precision is marked (its interval is wider than asked). */
function stopCell(r: JobResult): SafeHtml | string {
  if (!r.latency) return '–';
  const capped = capBeforeTarget(r.latency);
  const reason = r.latency.stopReason ?? r.latency.stoppedBy;
  return capped ? html`<span class="status invalid" title="${capped}">${reason} ⚠</span>` : reason;
}

export const environmentSection: RunSection = { id: 'environment', title: 'Environment', scope: 'run', html: ({ model }) => environmentHtml(model) };
