/** The method page, generated from the runs: sampling and stopping, warm-up, preprocessing, eval set, weights, software, thermal policy, emulation. */
import { basename } from 'node:path';
import { configValue } from '../data.ts';
import { html, type SafeHtml } from '../escape.ts';
import { redactDeep } from '../../contract/secrets.ts';
import { emulatedBadge, tableWrap } from './layout.ts';
import type { SiteModel, SiteRun } from './model.ts';

const str = (v: unknown) => (v === undefined || v === null ? 'not set' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function runMethod(model: SiteModel, run: SiteRun): SafeHtml {
  const info = run.data.run;
  const c = info.config;
  const s = (k: string) => str(configValue(c, 'sampling', k));
  const results = run.data.results;
  const stopped = new Map<string, number>();
  for (const r of results) if (r.latency) stopped.set(r.latency.stoppedBy, (stopped.get(r.latency.stoppedBy) ?? 0) + 1);
  const warmups = [...new Set(results.filter((r) => r.latency).map((r) => r.latency!.warmupSamples))].sort((a, b) => a - b);
  const evalSet = configValue(c, 'accuracy', 'evalSet');
  const sizes = [...new Set(results.map((r) => r.accuracy?.n).filter((n): n is number => typeof n === 'number'))].sort((a, b) => a - b);
  const crops = [...new Set(results.map((r) => r.accuracy?.crop).filter((n): n is number => typeof n === 'number'))].sort();
  const targets = (configValue(c, 'targets') as unknown[] | undefined) ?? [];
  const cooldowns = targets.map((t) => [str(configValue(t, 'name')), configValue(t, 'cooldown')] as const);
  const devices = model.devices.filter((d) => d.run === run);
  const weights = info.weights ?? [];
  return html`<section aria-labelledby="run-${run.slug}"><h3 id="run-${run.slug}">Run <code>${info.runId}</code>: ${devices.map((d) => html`${d.view.name} ${emulatedBadge(d.emulated, d.emulation)} `)}</h3>
<h4>Sampling and stopping</h4>
<p>Each job runs in its own process or page: load, initialise and first inference are timed once (the cold start); then at least ${s('warmupSamples')} warm-up inferences and ${s('warmupTimeMs')} ms of warm-up; then single inferences are timed until there are at least ${s('minSamples')} samples and ${s('minTimeMs')} ms have passed, capped at ${s('maxSamples')} samples or ${s('maxTimeMs')} ms${configValue(c, 'sampling', 'repeats') && configValue(c, 'sampling', 'repeats') !== 1 ? `, in ${s('repeats')} fresh processes pooled` : ''}. Recorded warm-up counts: ${warmups.join(', ') || '–'}. Why sampling stopped: ${
    [...stopped]
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'no job timed'
  }. Drift (first against last quarter's median) is flagged beyond ±${Number(configValue(c, 'sampling', 'driftThreshold') ?? 0.1) * 100} %. Order: ${str(configValue(c, 'order', 'mode'))}, seed ${info.orderSeed}. The median's 95 % CI is a seeded percentile bootstrap; top-1's is the Wilson score interval for the images evaluated.</p>
<h4>Preprocessing and eval set</h4>
<p>Images are decoded, scaled to [0, 1], centrally cropped to ${crops.length ? crops.map((v) => `${Number((v * 100).toFixed(2))} %`).join(', ') : str(configValue(c, 'accuracy', 'crop'))} (TF-slim evaluation crops 87.5 %), resized bilinearly to the variant's resolution and scaled to [−1, 1], outside any timed region; every implementation gets the same tensor. Eval set: ${evalSet ? html`<code>${basename(String(evalSet))}</code>` : 'none (agreement with the reference on seeded synthetic inputs only)'}; images per job: ${sizes.join(', ') || '–'} (seeded subset, seed ${str(configValue(c, 'accuracy', 'seed'))}). ${info.evalSet ? html`Content hash of the eval set: SHA-256 <code>${info.evalSet.sha256}</code> over its ${info.evalSet.files} ${info.evalSet.scope === 'scored' ? `scored images (${(info.evalSet.bytes / 2 ** 20).toFixed(1)} MiB; each image's path, label and SHA-256, in path order)` : `files (${(info.evalSet.bytes / 2 ** 20).toFixed(1)} MiB; each file's path and SHA-256, in path order)`}.` : "Content hash of the eval set: not recorded by this run (runs before it was recorded hold only the path, the subset's size and seed)."}</p>
<h4>Weights and their hashes</h4>
${weights.length ? tableWrap(`Weights of run ${info.runId}`, html`<table><thead><tr><th scope="col">variant</th><th scope="col">precision</th><th scope="col">source</th><th scope="col">file</th><th scope="col">SHA-256</th></tr></thead><tbody>${weights.map((w) => html`<tr><td>${w.model ? `${w.model} ` : ''}${w.variant}</td><td>${w.precision}</td><td>${w.source}</td><td>${w.file ? basename(w.file) : '–'}</td><td><code class="hash">${w.sha256 ?? 'none (synthetic weights)'}</code></td></tr>`)}</tbody></table>`) : html`<p>run.json records no weights.</p>`}
<p class="caption">Each job's own weights source: ${[...new Set(results.map((r) => r.weightsSource))].sort().join('; ')}.</p>
<h4>Software</h4>
<p>mobilenet-bench ${info.harnessVersion}${info.gitCommit ? ` (commit ${info.gitCommit})` : ''}, Node.js ${info.host.nodeVersion} on ${info.host.os} (${info.host.arch}). Packages: ${Object.entries(
    info.packages,
  )
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k} ${v}`)
    .join(
      ', ',
    )}. Runtimes as they reported themselves: ${[...new Set(results.filter((r) => r.effective).map((r) => `${r.effective!.impl} ${r.effective!.backend} ${r.effective!.version}`))].sort().join(', ') || '–'}.</p>
<h4>Thermal policy</h4>
<p>${cooldowns.some(([, v]) => v !== undefined) ? cooldowns.map(([name, v]) => `${name}: cooldown ${str(v)}`).join('; ') : 'No cooldown configured: jobs run back to back; thermal readings are recorded where a target exposes them (phones, boards) and shown on each device page.'}</p>
<details><summary>The resolved configuration of run ${info.runId}</summary><pre>${JSON.stringify(redactDeep(c), null, 2)}</pre></details>
</section>`;
}

export function methodBody(model: SiteModel): SafeHtml {
  const emulated = model.devices.filter((d) => d.emulated);
  return html`<p>Everything on this page is read from the runs' run.json and results.jsonl.</p>
<h3 id="emulated">What was emulated</h3>
${emulated.length ? html`<ul>${emulated.map((d) => html`<li><strong>${d.view.name}</strong> ${emulatedBadge(true, d.emulation)}: ${d.emulation}</li>`)}</ul>` : html`<p>Nothing: every device ran on its real hardware.</p>`}
<p>${
    model.devices
      .filter((d) => !d.emulated)
      .map((d) => d.view.name)
      .join(', ') || 'No device'
  } ${model.devices.filter((d) => !d.emulated).length === 1 ? 'is' : 'are'} not marked as emulated by the results.</p>
${model.runs.map((r) => runMethod(model, r))}`;
}
