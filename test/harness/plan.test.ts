import test from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../harness/config/schema.ts';
import { planJobs } from '../../harness/plan.ts';
import { WEIGHTS_DIR, skipWithoutSharedData } from '../helpers/data.ts';

test('the default matrix expands to 16 variants × 4 implementations with stable ids', () => {
  const plan = planJobs(resolveConfig({}));
  assert.equal(plan.jobs.length, 64);
  assert.equal(new Set(plan.jobs.map((j) => j.id)).size, 64);
  assert.ok(plan.jobs.some((j) => j.id === 'node/tfjs-wasm/0.5_160'));
  assert.ok(plan.jobs.some((j) => j.id === 'node/ort-node-cpu/1.0_224'));
  assert.deepEqual(
    planJobs(resolveConfig({})).jobs.map((j) => j.id),
    plan.jobs.map((j) => j.id),
  );
  const big = plan.jobs.find((j) => j.id === 'node/reference/1.0_224')!;
  assert.equal(Math.round(big.analytic.macs / 1e6), 569);
});

test('interleaved order runs every implementation of a variant back to back', () => {
  const ids = planJobs(resolveConfig({}))
    .jobs.slice(0, 4)
    .map((j) => j.id);
  assert.deepEqual(ids, ['node/reference/1.0_224', 'node/tfjs-wasm/1.0_224', 'node/ort-web-wasm/1.0_224', 'node/ort-node-cpu/1.0_224']);
});

test('shuffled order is a seeded permutation', () => {
  const a = planJobs(resolveConfig({ order: { mode: 'shuffled', seed: 3 } })).jobs.map((j) => j.id);
  const b = planJobs(resolveConfig({ order: { mode: 'shuffled', seed: 3 } })).jobs.map((j) => j.id);
  const c = planJobs(resolveConfig({ order: { mode: 'shuffled', seed: 4 } })).jobs.map((j) => j.id);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.deepEqual([...a].sort(), [...c].sort());
});

test('impossible jobs are kept aside with the reason', () => {
  const plan = planJobs(
    resolveConfig({ implementations: ['tfjs:webgl', 'reference'], precision: ['float32', 'uint8'], variants: { alpha: [0.5], resolution: [128] } }),
  );
  assert.deepEqual(
    plan.jobs.map((j) => j.id),
    ['node/reference/0.5_128'],
  );
  const reasons = Object.fromEntries(plan.skipped.map((s) => [s.id, s.reason]));
  assert.match(reasons['node/tfjs-webgl/0.5_128'], /needs a browser/);
  assert.match(reasons['node/reference/0.5_128-uint8'], /synthetic weights are float32 only/);
});

test('official weights from a mirror: files found per variant, missing α = 1.0 says so', { skip: skipWithoutSharedData() }, () => {
  const plan = planJobs(
    resolveConfig({
      weights: { source: 'official', mirror: WEIGHTS_DIR },
      precision: ['float32', 'uint8'],
      implementations: ['reference'],
      variants: { alpha: [1, 0.25], resolution: [224] },
    }),
  );
  // Two float trainings of 0.25-224 (Keras/tfjs and TF-slim/TFLite) are two rows; α = 1.0 float falls back to synthetic.
  assert.deepEqual(plan.jobs.map((j) => j.id).sort(), [
    'node/reference/0.25_224',
    'node/reference/0.25_224-tflite',
    'node/reference/0.25_224-uint8',
    'node/reference/1.0_224',
  ]);
  const format = (id: string) => {
    const w = plan.jobs.find((j) => j.id === id)!.weights;
    return w.kind === 'file' ? w.format : w.kind;
  };
  assert.equal(format('node/reference/0.25_224'), 'tfjs-layers');
  assert.equal(format('node/reference/0.25_224-tflite'), 'tflite');
  const big = plan.jobs.find((j) => j.id === 'node/reference/1.0_224')!.weights;
  assert.ok(
    big.kind === 'synthetic' &&
      /weights not available: no tfjs\/mobilenet_v1_1\.0_224\/model\.json or tflite\/mobilenet_v1_1\.0_224\.tflite/.test(big.unavailable!),
  );
  const missing = plan.skipped.find((s) => s.id === 'node/reference/1.0_224-uint8')!;
  assert.match(missing.reason, /weights not available: no tflite\/mobilenet_v1_1\.0_224_quant\.tflite/);
});
