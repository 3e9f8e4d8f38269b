/**
 * Profiling end to end on real runs (node target, reference, α 0.25 × 128): the results line
 * carries the profile and names its trace file, which parses as trace-event JSON; the report
 * and the Markdown summary show it; and compare locates a slowdown in the one layer that a
 * test-only preload (test/helpers/slow-layer.ts) slowed in the job process, from the two runs' profiles.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '../../harness/config/schema.ts';
import { runBenchmark } from '../../harness/run.ts';
import { runnerFor } from '../../runners/index.ts';
import { compareRuns } from '../../analysis/compare/compare.ts';
import { formatMarkdown, formatTable } from '../../analysis/compare/format.ts';
import { loadRunDir } from '../../analysis/compare/load.ts';
import { renderReport } from '../../reports/build.ts';
import { SLOW_LAYER_ENV, SLOW_LAYER_EXEC_ARGV } from '../helpers/slow-layer.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

const JOB = 'node/reference/0.25_128';
const SLOW_MS = 40;

async function profiledRun(dir: string, slowLayer?: string) {
  const config = resolveConfig({
    targets: [{ name: 'node', type: 'node', execArgv: SLOW_LAYER_EXEC_ARGV }],
    variants: { alpha: [0.25], resolution: [128] },
    implementations: ['reference'],
    sampling: { warmupSamples: 2, warmupTimeMs: 0, minSamples: 20, minTimeMs: 0, maxSamples: 40, maxTimeMs: 4000 },
    accuracy: { samples: 1 },
    profile: { inferences: 3 },
  });
  // Both runs preload the hook (same config); job processes inherit this environment, which arms it for the slow run.
  if (slowLayer) process.env[SLOW_LAYER_ENV] = slowLayer;
  try {
    const { results } = await runBenchmark({ config, runnerFor, outDir: dir });
    assert.equal(results[0].status, 'ok', results[0].error);
    return results[0];
  } finally {
    delete process.env[SLOW_LAYER_ENV];
  }
}

test('a profiled run writes its trace, reports it, and compare locates a slowed layer', { timeout: 120_000 }, async () => {
  const root = tempDir('mnb-profile-');
  try {
    const base = await profiledRun(join(root, 'base'));
    const slow = await profiledRun(join(root, 'slow'), `pw5:${SLOW_MS}`);

    // The stored line: a profile of all 29 layers, its trace named, no trace events inline.
    const p = base.profile!;
    assert.ok(p.available);
    assert.equal(p.mappedLayers, 29);
    assert.equal(p.traceEvents, undefined);
    const line = readFileSync(join(root, 'base', 'results.jsonl'), 'utf8');
    assert.doesNotMatch(line, /traceEvents/);
    assert.equal(p.trace, 'trace-node_reference_0.25_128.json');
    const trace = JSON.parse(readFileSync(join(root, 'base', p.trace!), 'utf8')) as {
      traceEvents: Array<{ ph: string; name: string; ts?: number; dur?: number; args?: { layer?: string } }>;
    };
    const ops = trace.traceEvents.filter((e) => e.ph === 'X' && e.args?.layer);
    assert.equal(ops.length, 3 * 29);
    for (const e of trace.traceEvents.filter((x) => x.ph === 'X')) assert.ok(Number.isFinite(e.ts) && Number.isFinite(e.dur), e.name);
    // The profiled layers account for the unprofiled median (the issue asks 0.5×–2× of a measurement
    // run; the profile is taken seconds after the samples, so a test on a loaded machine allows 3×).
    const coverage = (p.layersMs! + p.otherMs!) / base.latency!.medianMs;
    assert.ok(coverage > 1 / 3 && coverage < 3, `layers ${p.layersMs} ms vs median ${base.latency!.medianMs} ms`);

    // The hook slowed pw5 alone, in the profile as in the latency.
    const pw5 = (r: typeof base) => r.profile!.layers.find((l) => l.name === 'pw5')!.ms!;
    assert.ok(pw5(slow) - pw5(base) > SLOW_MS / 2, `pw5 ${pw5(base)} → ${pw5(slow)} ms`);

    // Report and Markdown summary.
    const htmlText = renderReport(join(root, 'slow'), 'html');
    assert.match(htmlText, /Profile: where the time goes/);
    assert.match(htmlText, /href="trace-node_reference_0\.25_128\.json"/);
    assert.match(renderReport(join(root, 'slow'), 'markdown'), /node\/reference\/0\.25\\_128: pointwise share of time \d+\.\d %/);

    // Compare: slower, and the change is located in pw5.
    const report = compareRuns(loadRunDir(join(root, 'base')), loadRunDir(join(root, 'slow')));
    const job = report.jobs.find((j) => j.id === JOB)!;
    assert.equal(job.verdict, 'slower', job.reasons.join('; '));
    assert.equal(job.profile!.located[0].layer, 'pw5', job.profile!.summary);
    assert.ok(job.profile!.located[0].deltaMs > SLOW_MS / 2);
    assert.ok(
      job.reasons.some((r) => r.startsWith('profile: ') && r.includes('pw5')),
      job.reasons.join('; '),
    );
    assert.match(formatTable(report), /Per-layer changes[\s\S]*node\/reference\/0\.25_128: layers \+\d+\.\d ms in all; pw5 \+/);
    assert.match(formatMarkdown(report), /- node\/reference\/0\.25\\_128: layers .*pw5/, 'the job id is escaped as every Markdown field is');
    assert.ok(existsSync(join(root, 'slow', 'trace-node_reference_0.25_128.json')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
