import test from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../harness/config/schema.ts';
import { applyOverrides } from '../../harness/config/overrides.ts';
import { readResults, readRunInfo } from '../../contract/store.ts';
import { runBenchmark } from '../../harness/run.ts';
import { runnerFor } from '../../runners/index.ts';
import { tempRunDir } from '../helpers/temp-dirs.ts';

const FAST_SAMPLING = { warmupSamples: 1, warmupTimeMs: 0, minSamples: 5, minTimeMs: 0, maxSamples: 20, maxTimeMs: 2000 };

test("a run measures each target's ceilings once, in the target, into run.json; results.jsonl holds only the jobs", async () => {
  const dir = tempRunDir('mnb-ceilings-');
  const config = resolveConfig({
    variants: { alpha: [0.25], resolution: [128] },
    implementations: ['reference', 'ort-node:cpu'],
    sampling: FAST_SAMPLING,
    accuracy: { samples: 1 },
    ceilings: { budgetMs: 1500, targetPrecision: 0.05 },
  });
  const { results } = await runBenchmark({ config, runnerFor, outDir: dir });
  assert.deepEqual(
    results.map((r) => r.id),
    ['node/reference/0.25_128', 'node/ort-node-cpu/0.25_128'],
  );
  assert.equal(readResults(dir).length, 2);
  for (const r of results) assert.ok(r.analytic.bytes! > r.analytic.macs / 10, 'the analytic bytes of the variant');
  const info = readRunInfo(dir);
  assert.equal(info.ceilings?.length, 1);
  const c = info.ceilings![0];
  assert.equal(c.target, 'node');
  assert.equal(c.environment, 'node');
  assert.ok(c.compute.jsScalar.available, 'the first ceiling is always measured');
  // The others are measured, or refused by name once the budget is spent (a loaded machine): never a bare number.
  for (const k of ['wasmSimd', 'native'] as const) {
    const x = c.compute[k];
    assert.ok(x.available || /budget of 1.5 s was spent/.test(x.reason), `${k}: ${x.available ? '' : x.reason}`);
  }
  assert.ok(c.bandwidth.length >= 8);
  assert.equal(info.ceilingsSkipped, undefined);
});

test('ceilings off: run.json says so instead of holding any', async () => {
  const dir = tempRunDir('mnb-ceilings-off-');
  const config = resolveConfig({
    variants: { alpha: [0.25], resolution: [128] },
    implementations: ['ort-node:cpu'],
    sampling: FAST_SAMPLING,
    accuracy: { samples: 1 },
  });
  await runBenchmark({ config, runnerFor, outDir: dir });
  const info = readRunInfo(dir);
  assert.equal(info.ceilings, undefined);
  assert.match(info.ceilingsSkipped ?? '', /--quick/);
});

test('the command line measures ceilings unless --quick; --ceilings measures them with --quick; a config may turn them off', () => {
  const resolved = (c: Parameters<typeof applyOverrides>[0], o: Parameters<typeof applyOverrides>[1]) => resolveConfig(applyOverrides(c, o)).ceilings;
  assert.equal(resolved({}, {}), true);
  assert.equal(resolved({}, { quick: true }), false);
  assert.equal(resolved({}, { quick: true, ceilings: true }), true);
  assert.equal(resolved({ ceilings: false }, {}), false);
  assert.deepEqual(resolved({ ceilings: { budgetMs: 3000 } }, { quick: true, ceilings: true }), { budgetMs: 3000, targetPrecision: 0.02 });
  assert.equal(resolveConfig({}).ceilings, false);
  assert.throws(() => resolveConfig({ ceilings: { budgetMs: 10 } }), /1000/);
});
