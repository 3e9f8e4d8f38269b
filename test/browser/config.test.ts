/** Browser targets in the config, plan and CLI (no browser needed), and the page's data format. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../contract/config-error.ts';
import { resolveConfig, type UserConfig } from '../../harness/config/schema.ts';
import { TARGET_PRESETS } from '../../harness/config/presets.ts';
import { planJobs } from '../../harness/plan.ts';
import { applyMatrixArgs, parseMatrixArgs } from '../../cli/options.ts';
import { decodeEvalInputs, decodeWeights, encodeEvalInputs, encodeWeights } from '../../harness/probe/wire.ts';
import { syntheticWeights } from '../../models/weights/synthetic.ts';

const nodeOnly: UserConfig = { targets: [{ name: 'node', type: 'node' }], variants: { alpha: [0.25], resolution: [128] } };

test('--target chromium works with a config that lists only node (built-in preset)', () => {
  const adjusted = applyMatrixArgs(parseMatrixArgs(['--target', 'chromium']))(nodeOnly);
  const config = resolveConfig(adjusted);
  assert.deepEqual(
    config.targets.map((t) => `${t.name}:${t.type}`),
    ['chromium:chromium'],
  );
  const ids = planJobs(config).jobs.map((j) => j.id);
  assert.deepEqual(ids, [
    'chromium/reference/0.25_128',
    'chromium/tfjs-wasm/0.25_128',
    'chromium/ort-web-wasm-t1/0.25_128',
    'chromium/ort-web-wasm-t2/0.25_128',
  ]);
  assert.throws(
    () => applyMatrixArgs(parseMatrixArgs(['--target', 'safari']))(nodeOnly),
    (e: unknown) => e instanceof ConfigError && /presets: node, chromium, firefox, webkit/.test(e.message),
  );
});

test("--impl replaces a browser preset's own implementations; browser-impossible pairs are skipped with the reason", () => {
  const adjusted = applyMatrixArgs(parseMatrixArgs(['--target', 'node,webkit', '--impl', 'ort-node:cpu,ort-web:webgpu,ort-web:wasm@2']))(nodeOnly);
  const plan = planJobs(resolveConfig(adjusted));
  assert.deepEqual(plan.jobs.map((j) => j.id).sort(), ['node/ort-node-cpu/0.25_128', 'node/ort-web-wasm-t2/0.25_128', 'webkit/ort-web-wasm-t2/0.25_128']);
  const reasons = Object.fromEntries(plan.skipped.map((s) => [s.id, s.reason]));
  assert.match(reasons['webkit/ort-node-cpu/0.25_128'], /native Node\.js addon/);
  assert.match(reasons['webkit/ort-web-webgpu/0.25_128'], /no WebGPU/);
  assert.match(reasons['node/ort-web-webgpu/0.25_128'], /needs a browser/);
});

test('browser targets validate their keys and take their own job time limit', () => {
  assert.throws(
    () => resolveConfig({ targets: [{ type: 'chromium', headles: false }] } as unknown as UserConfig),
    /headles: unknown key.*did you mean 'headless'/s,
  );
  const c = resolveConfig({ ...nodeOnly, targets: [{ type: 'chromium', jobTimeoutMs: 5000, hardwareConcurrency: 4, args: ['--foo'] }] });
  const t = c.targets[0];
  assert.equal(t.name, 'chromium');
  assert.equal(planJobs(c).jobs[0].timeoutMs, 5000);
  assert.ok(t.type === 'chromium' && t.headless && t.hardwareConcurrency === 4);
  assert.equal(TARGET_PRESETS.chromium.type, 'chromium');
});

test('weights and eval inputs cross to the page bit-identical', () => {
  const w = syntheticWeights(0.25, 128, { seed: 3 });
  const back = decodeWeights(encodeWeights(w));
  assert.equal(back.layers.length, w.layers.length);
  assert.deepEqual({ ...back, layers: [] }, { ...w, layers: [] });
  for (let i = 0; i < w.layers.length; i++) {
    assert.equal(back.layers[i].name, w.layers[i].name);
    assert.deepEqual(back.layers[i].kernel, w.layers[i].kernel);
    assert.deepEqual(back.layers[i].bias, w.layers[i].bias);
  }
  const inputs = {
    tensors: [new Float32Array([1, -0, NaN, 3.5]), new Float32Array([2])],
    labels: [5, null],
    referenceLogits: [new Float32Array([0.25]), new Float32Array([-1e-30])],
    note: 'n',
  };
  const got = decodeEvalInputs(encodeEvalInputs(inputs));
  assert.deepEqual(got, inputs);
  assert.equal(decodeEvalInputs(encodeEvalInputs({ ...inputs, referenceLogits: null })).referenceLogits, null);
  assert.throws(() => decodeWeights(new Uint8Array(16)), /bad magic/);
});
