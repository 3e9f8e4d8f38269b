/**
 * The statistics on real runs of this machine (kept short: 2 fast jobs per run).
 * A/A: two runs of the same config, each job repeated in 3 fresh processes (the statistical
 * unit: one process can sit 30 % from the next), raise no regression at the default settings. A real slowdown of the same job ids (the node target with --jitless,
 * which slows the plain-JS reference several-fold and leaves native ONNX Runtime alone) is
 * flagged on the reference only. Never asserts an absolute speed.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../harness/config.ts';
import { runBenchmark } from '../../harness/run.ts';
import { runnerFor } from '../../runners/index.ts';
import { compareRuns, type RunData } from '../../harness/compare/compare.ts';
import { loadRunDir, saveBaseline } from '../../harness/compare/load.ts';
import { compareCommand } from '../../harness/cli/compare.ts';

const SAMPLING = { warmupSamples: 5, warmupTimeMs: 100, minSamples: 30, minTimeMs: 300, maxSamples: 300, maxTimeMs: 1500, repeats: 3 };
const REFERENCE = 'node/reference/0.25_128';
// One ORT thread: a two-thread pool on two cores swings with any co-scheduled process.
const ORT = 'node/ort-node-cpu-t1/0.25_128';

async function realRun(root: string, name: string, execArgv: string[] = [], sampling: Partial<typeof SAMPLING> = {}): Promise<string> {
  const config = resolveConfig({
    targets: [{ name: 'node', type: 'node', execArgv }],
    variants: { alpha: [0.25], resolution: [128] },
    implementations: ['reference', 'ort-node:cpu@1'],
    sampling: { ...SAMPLING, ...sampling },
    accuracy: { samples: execArgv.length ? 1 : 2 },
  });
  const dir = join(root, name);
  const { results } = await runBenchmark({ config, runnerFor, outDir: dir });
  assert.deepEqual(results.map((r) => r.status), ['ok', 'ok'], results.map((r) => r.error ?? '').join('; '));
  return dir;
}

test('real runs: A/A raises nothing; --jitless is flagged on the JS reference only', { timeout: 150_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'mnb-aa-'));
  const baselineDirs = [await realRun(root, 'baseline')];
  const current = await realRun(root, 'current');
  const { file } = saveBaseline(baselineDirs, { dir: join(root, 'baselines'), name: 'aa' });

  // A/A through the CLI at the default settings: exit 0.
  let out = '';
  const code = await compareCommand([file, current], (s) => (out += s), (s) => (out += s));
  assert.equal(code, 0, out);
  const baseline: RunData = { ...loadRunDir(baselineDirs[0]), repeats: baselineDirs.slice(1).map((d) => ({ info: loadRunDir(d).info, results: loadRunDir(d).results })) };
  const aa = compareRuns(baseline, loadRunDir(current));
  assert.equal(aa.exitCode, 0, out);
  assert.ok(aa.jobs.every((j) => j.verdict === 'unchanged' || j.verdict === 'faster'), out);

  // The current run's own samples ×1.3 against it: flagged wherever the job's noise allows seeing 30 %.
  const cur = loadRunDir(current);
  const times13: RunData = { ...cur, results: cur.results.map((r) => ({ ...r, latency: r.latency && { ...r.latency, samplesMs: r.latency.samplesMs.map((x) => x * 1.3) } })) };
  const scaled = compareRuns(cur, times13);
  for (const j of scaled.jobs) {
    assert.notEqual(j.verdict, 'faster');
    if (j.latency!.threshold < 0.25) assert.equal(j.verdict, 'slower', `${j.id}: ${j.reasons.join('; ')}`);
  }

  // A real slowdown under the same job ids (few samples: a jitless reference inference takes about a second here).
  const jitless = await realRun(root, 'jitless', ['--jitless'], { warmupSamples: 1, warmupTimeMs: 0, minSamples: 8, minTimeMs: 0, maxTimeMs: 15000, repeats: 1 });
  const slow = compareRuns(baseline, loadRunDir(jitless));
  const byId = Object.fromEntries(slow.jobs.map((j) => [j.id, j]));
  assert.equal(byId[REFERENCE].verdict, 'slower', byId[REFERENCE].reasons.join('; '));
  assert.ok(byId[REFERENCE].latency!.ratio > 1.5);
  assert.notEqual(byId[ORT].verdict, 'slower', byId[ORT].reasons.join('; '));
  assert.deepEqual(slow.regressions, [REFERENCE]);
});
