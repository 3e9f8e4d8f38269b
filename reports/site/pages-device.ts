/** One device's page: its environment, every job (with the command that reproduces it), its profile summary and its thermal notes. */
import type { JobResult, ThermalReading } from '../../contract/results.ts';
import { fmtDuration, fmtMiB, fmtMs, fmtNum, fmtPct, fmtTime } from '../../contract/format.ts';
import { precisionLabel, variantOf, weightsFormat } from '../data.ts';
import { html, type SafeHtml } from '../escape.ts';
import { accuracyChart } from './charts.ts';
import { chartFigure } from './figure.ts';
import { emulatedBadge, tableWrap } from './layout.ts';
import { jobAnchor, runtimeAnchor, type SiteDevice } from './model.ts';
import { latencyText, top1Text } from './pages-index.ts';
import { jobCommand } from './reproduce.ts';
import { ceilingsOfTarget, placeJobs } from '../sections/roofline.ts';
import { checkedCeilings } from '../../contract/roofline.ts';
import type { Ceiling } from '../../contract/ceilings.ts';

function kv(entries: [string, unknown][]): SafeHtml {
  return html`<dl class="kv">${entries.map(([k, v]) => html`<dt>${k}</dt><dd>${v === null || v === undefined || v === '' ? '–' : String(v)}</dd>`)}</dl>`;
}

function environment(d: SiteDevice): SafeHtml {
  const run = d.run.data.run;
  const dev = d.view.jobs.find((r) => r.device)?.device;
  const runtimes = [
    ...new Map(d.view.jobs.filter((r) => r.effective).map((r) => [`${r.effective!.impl} ${r.effective!.backend}`, r.effective!.version])).entries(),
  ].sort();
  const browser = d.view.jobs.map((r) => r.effective?.details?.browserVersion).find((v) => typeof v === 'string');
  return html`<div>${kv([
    ['device', dev ? [dev.model, dev.platform, dev.osVersion].filter(Boolean).join(' · ') : 'the host itself (no device reported)'],
    ['emulated', d.emulated ? `yes: ${d.emulation}` : 'no'],
    ['architecture', dev?.arch ?? run.host.arch],
    ['cores', dev?.cores ?? run.host.cores],
    ['browser', dev?.browserName ? `${dev.browserName} ${dev.browserVersion ?? ''}` : (browser ?? 'none (Node.js)')],
    ['host', `${run.host.cpuModel}, ${run.host.cores} logical cores, ${fmtMiB(run.host.totalMemoryBytes)} MiB, ${run.host.os} (${run.host.arch})`],
    ['Node.js', run.host.nodeVersion],
    ['runtimes', runtimes.map(([k, v]) => `${k} ${v}`).join(', ')],
    ['harness', `mobilenet-bench ${run.harnessVersion}${run.gitCommit ? `, commit ${run.gitCommit}` : ''}`],
    ['run', `${run.runId}: ${fmtTime(run.startedAt)} → ${run.endedAt ? fmtTime(run.endedAt) : 'not finished'}`],
    ...Object.entries(dev?.details ?? {})
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]): [string, unknown] => [k, v]),
  ])}</div>`;
}

function jobsTable(d: SiteDevice): SafeHtml {
  const row = (r: JobResult) => html`<tr id="${jobAnchor(r)}">
<td><code>${r.id}</code> ${emulatedBadge(d.emulated, d.emulation)}</td>
<td class="status ${r.status}">${r.status}${r.error ? html`<br><span class="caption">${r.error.split('\n')[0]}</span>` : ''}</td>
<td><a href="index.html#${runtimeAnchor(r)}">${r.impl} · ${r.backend}${r.threads === null ? '' : ` · ${r.threads} threads`}</a></td>
<td>${variantOf(r)}</td><td>${precisionLabel(r.precision)}</td><td>${weightsFormat(r)}</td>
<td class="num">${latencyText(r)}</td><td class="num">${fmtMs(r.latency?.p90Ms)}</td>
<td>${top1Text(r)}</td><td class="num">${fmtPct(r.accuracy?.agreementTop1)}</td>
<td class="num">${fmtMiB(r.memory?.peakRssBytes)}</td>
<td>${r.latency ? `${r.latency.samplesMs.length} samples after ${r.latency.warmupSamples} warm-up, stopped by ${r.latency.stoppedBy}` : '–'}</td>
<td><code class="cmd">${jobCommand(d.run, r)}</code></td></tr>`;
  return tableWrap(
    `Every job on ${d.view.name}`,
    html`<table class="jobs"><thead><tr><th scope="col">job</th><th scope="col">status</th><th scope="col">runtime</th><th scope="col">variant</th><th scope="col">precision</th><th scope="col">weights</th><th scope="col" class="num">median (95 % CI)</th><th scope="col" class="num">p90 ms</th><th scope="col">top-1</th><th scope="col" class="num">agreement with reference</th><th scope="col" class="num">peak RSS MiB</th><th scope="col">samples</th><th scope="col">reproduce with</th></tr></thead><tbody>${d.view.jobs.map(row)}</tbody></table>`,
  );
}

function profiles(d: SiteDevice): SafeHtml {
  const profiled = d.view.jobs.filter((r) => r.profile);
  if (!profiled.length) return html`<p>Not profiled (the runs did not ask for <code>--profile</code>).</p>`;
  return html`<ul>${profiled.map((r) => {
    const p = r.profile!;
    if (!p.available) return html`<li><code>${r.id}</code>: no profile (${p.unavailable ?? p.source})</li>`;
    const byKind = new Map<string, number>();
    for (const l of p.layers) if (l.ms !== null) byKind.set(l.kind, (byKind.get(l.kind) ?? 0) + l.ms);
    return html`<li><code>${r.id}</code> (${p.source}, ${p.inferences} inferences): wall ${fmtMs(p.wallMs)} ms, in layers ${fmtMs(p.layersMs)} ms, unattributed ${fmtMs(p.unattributedMs)} ms; by kind: ${[
      ...byKind,
    ]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k} ${fmtMs(v)} ms`)
      .join(', ')}</li>`;
  })}</ul>`;
}

const reading = (t: ThermalReading) =>
  t.unavailable
    ? `${t.source}: unavailable (${t.unavailable})`
    : `${t.source}: ${[t.temperatureC != null ? `${fmtNum(t.temperatureC, 1)} °C` : null, t.cpuFrequencyKHz != null ? `${fmtNum(t.cpuFrequencyKHz / 1000, 0)} MHz` : null, t.state ?? null, t.throttledNow ? 'throttling' : null].filter(Boolean).join(', ') || 'no figure'}`;

function thermal(d: SiteDevice): SafeHtml {
  const withThermal = d.view.jobs.filter((r) => r.thermal);
  if (!withThermal.length)
    return html`<p>No thermal readings: this target exposes none (desktop targets do not), so throttling during a job cannot be ruled out from the results; drift between the first and last quarter of each job's samples is the remaining check (see Method).</p>`;
  const throttled = withThermal.filter((r) => r.thermal!.throttled).length;
  return html`<p>${throttled} of ${withThermal.length} jobs throttled between their readings.</p><ul>${withThermal.map((r) => html`<li><code>${r.id}</code>: throttled ${r.thermal!.throttled === null ? 'unknown' : r.thermal!.throttled ? 'yes' : 'no'}${r.thermal!.cooldownMs ? `, cooled down ${fmtDuration(r.thermal!.cooldownMs)} first` : ''}; before: ${r.thermal!.before.map(reading).join('; ') || '–'}; after: ${r.thermal!.after.map(reading).join('; ') || '–'}</li>`)}</ul>`;
}

/** The target's measured ceilings and each job's fraction of its roof (the report's roofline section, as a table). */
function roofline(d: SiteDevice): SafeHtml {
  const found = ceilingsOfTarget(d.run.data, d.view.name);
  if (!found.ceilings) return html`<p>No ceilings: ${found.skipped ?? 'not measured'}.</p>`;
  const { ceilings, refused } = checkedCeilings(found.ceilings);
  const value = (c: Ceiling) =>
    c.available ? `${fmtNum(c.value, 2)} ${c.unit} [${fmtNum(c.ci95[0], 2)}–${fmtNum(c.ci95[1], 2)}]` : `unavailable (${c.reason})`;
  const { placed } = placeJobs(d.view.jobs, ceilings);
  const jobs = placed.filter((p) => !p.layer);
  return html`<p>Measured in the target${d.emulated ? ' (emulated)' : ''}: JavaScript scalar ${value(ceilings.compute.jsScalar)}; WebAssembly SIMD ${value(ceilings.compute.wasmSimd)}; relaxed SIMD ${value(ceilings.compute.wasmRelaxedSimd)}${ceilings.compute.wasmSimdThreaded?.available ? `; WebAssembly SIMD on ${ceilings.compute.wasmSimdThreaded.threads ?? '?'} threads ${value(ceilings.compute.wasmSimdThreaded)}` : ''}; native MatMul ${value(ceilings.compute.native)} (an empirical ceiling, not the hardware peak).${refused.length ? ` Not drawn: ${refused.join('; ')}.` : ''}</p>
${jobs.length ? tableWrap(`Fraction of the roofline on ${d.view.name}`, html`<table class="jobs"><thead><tr><th scope="col">job</th><th scope="col">ceiling</th><th scope="col" class="num">achieved GMAC/s</th><th scope="col" class="num">MAC per byte</th><th scope="col" class="num">roof GMAC/s</th><th scope="col" class="num">of the roof</th></tr></thead><tbody>${jobs.map((p) => html`<tr><td><code>${p.job.id}</code></td><td>${p.point.ceiling}</td><td class="num">${fmtNum(p.point.gmacPerSecond, 2)}</td><td class="num">${fmtNum(p.point.intensity, 2)}</td><td class="num">${fmtNum(p.point.roof, 1)} (${p.point.bound})</td><td class="num">${fmtPct(p.point.fraction)}</td></tr>`)}</tbody></table>`) : html`<p>No job could be placed on the roofline.</p>`}`;
}

export function deviceBody(d: SiteDevice): SafeHtml {
  const drift = d.view.jobs.filter((r) => r.latency?.drift?.flagged).length;
  return html`${d.emulated ? html`<p class="notice">${emulatedBadge(true, d.emulation)} ${d.view.name} is a stand-in, not the real device: ${d.emulation}. Its timings say nothing about the real hardware.</p>` : ''}
<h3 id="environment">Environment</h3>${environment(d)}
<h3 id="jobs">Every job</h3>
<p class="caption">Each row links to itself (its anchor is the runtime, variant, precision and weights, the same for the same runs); the last column is the command that reproduces it from the copied run configuration. ${drift ? `${drift} job${drift === 1 ? '' : 's'} flagged for drift.` : ''}</p>
${jobsTable(d)}
${d.view.withAccuracy.length ? html`<h3 id="chart">Accuracy against latency</h3>${chartFigure(accuracyChart(d), `Top-1 against median latency on ${d.view.name}${d.emulated ? ' (emulated)' : ''}.`)}` : ''}
<h3 id="roofline">Roofline: fraction of the measured ceilings</h3>${roofline(d)}
<h3 id="profile">Profile summary</h3>${profiles(d)}
<h3 id="thermal">Thermal notes</h3>${thermal(d)}`;
}
