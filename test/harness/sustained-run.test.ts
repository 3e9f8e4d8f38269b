/** A real sustained run on Node (reference 0.25_128): windows over ≥ 3 s of sampling, the ratio, and the reports showing both. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolveConfig } from '../../harness/config/schema.ts';
import { runBenchmark } from '../../harness/run.ts';
import { readResults } from '../../contract/store.ts';
import { runnerFor } from '../../runners/index.ts';
import { writeReport } from '../../reports/build.ts';
import type { ReportPayload, SustainedSpec } from '../../reports/client/chart-specs.ts';
import { tempRunDir } from '../helpers/temp-dirs.ts';

test('sustained mode on Node: ≥ 3 s of sampling in 1 s windows, ratio = last / first window median, chart and ratio in the reports', {
  timeout: 120_000,
}, async () => {
  const dir = tempRunDir('mnb-sustained-');
  const config = resolveConfig({
    variants: { alpha: [0.25], resolution: [128] },
    implementations: ['reference'],
    sampling: { mode: 'sustained', sustainedMs: 3000, windowMs: 1000, sustainedSamples: 20, warmupSamples: 1, warmupTimeMs: 0 },
    accuracy: { samples: 1 },
  });
  const { results } = await runBenchmark({ config, runnerFor, outDir: dir, onEvent: () => {} });
  assert.equal(results[0].status, 'ok', results[0].error);
  const [r] = readResults(dir);
  const l = r.latency!;
  const s = l.sustained!;
  assert.ok(s, 'latency.sustained is recorded');
  assert.ok(l.samplesMs.length >= 20, `at least sustainedSamples (got ${l.samplesMs.length})`);
  assert.equal(l.stopReason, 'min', 'it stopped at the sustained floors, not at a cap');
  const sampledMs = s.windows.at(-1)!.endMs;
  assert.ok(sampledMs >= 3000, `sampled for ≥ 3 s (last sample ended at ${sampledMs} ms)`);
  assert.ok(s.windows.length >= 3, `≥ 3 windows (got ${s.windows.length})`);
  assert.equal(
    s.windows.reduce((n, w) => n + w.samples, 0),
    l.samplesMs.length,
    'every sample is in exactly one window',
  );
  assert.ok(s.windows.every((w, i) => w.startMs === i * 1000 || i === s.windows.length - 1 || w.startMs > s.windows[i - 1]?.startMs));
  assert.equal(s.coldMedianMs, s.windows[0].medianMs);
  assert.equal(s.lastMedianMs, s.windows.at(-1)!.medianMs);
  assert.equal(s.ratio, s.lastMedianMs / s.coldMedianMs);
  assert.equal(r.thermal, undefined, 'the Node target reads no thermals');

  const page = readFileSync(writeReport(dir), 'utf8');
  const payload = JSON.parse(page.match(/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/)![1]) as ReportPayload;
  const chart = payload.charts.find((c): c is SustainedSpec => c.kind === 'sustained');
  assert.ok(chart, 'a latency-over-time chart');
  assert.deepEqual(
    chart.series[0].points.map((p) => p.y),
    s.windows.map((w) => w.medianMs),
    'its points are the window medians',
  );
  assert.match(page, /Sustained: latency over time/);
  assert.ok(page.includes(`<span class="sustained-ratio ${s.ratio > 1.1 ? 'warn' : ''}">${s.ratio.toFixed(3)}</span>`), 'the ratio in the table');
  const md = readFileSync(writeReport(dir, { format: 'markdown' }), 'utf8');
  assert.match(md, /#### Sustained: first vs last window/);
  assert.ok(md.includes(`| ${s.ratio.toFixed(3)} |`), 'the ratio in the Markdown report');
});
