/** What each runtime reports it ran, and that dispose() gives everything back. */
import './fixtures.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { syntheticWeights } from '../../models/weights/synthetic.ts';
import { createTfjsModel } from '../../models/tfjs.ts';
import { createOrtNodeModel } from '../../models/onnx/ort-node.ts';
import { seededInput } from './fixtures.ts';

const weights = syntheticWeights(0.25, 128);
const input = seededInput(128);

for (const backend of ['cpu', 'wasm']) {
  test(`tfjs ${backend}: dispose() returns tf.memory().numTensors to its count before create`, async () => {
    await tf.setBackend(backend);
    await tf.ready();
    const before = tf.memory().numTensors;
    const model = await createTfjsModel(weights, { backend, threads: 2 });
    assert.equal(tf.memory().numTensors, before + 2 * weights.layers.length, 'one kernel and one bias tensor per layer');
    await model.run(input);
    assert.equal(tf.memory().numTensors, before + 2 * weights.layers.length, 'run() leaks no tensor');
    const eff = model.effective();
    assert.equal(eff.impl, 'tfjs');
    assert.equal(eff.backend, backend);
    assert.equal(eff.version, tf.version_core);
    assert.equal(eff.details?.requestedThreads, 2);
    if (backend === 'wasm') {
      assert.equal(eff.simd, true);
      // tfjs-backend-wasm disables threads under Node (WASM_HAS_MULTITHREAD_SUPPORT is false there).
      assert.equal(eff.details?.wasmMultithreadSupported, false);
      assert.equal(eff.threads, 1);
    } else {
      assert.equal(eff.threads, 1);
      assert.equal(eff.simd, null);
    }
    await model.dispose();
    assert.equal(tf.memory().numTensors, before);
    await assert.rejects(model.run(input), /disposed/);
  });
}

test('tfjs: one backend per process; effective() shows the active one and run() refuses a switched backend', async () => {
  const onCpu = await createTfjsModel(weights, { backend: 'cpu' });
  const onWasm = await createTfjsModel(weights, { backend: 'wasm' });
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(onCpu.effective().backend, 'wasm', 'effective() reads back tf.getBackend()');
  await assert.rejects(onCpu.run(input), /one backend per process/);
  await onWasm.run(input);
  await onCpu.dispose();
  await onWasm.dispose();
  await assert.rejects(createTfjsModel(weights, { backend: 'webgl' }), /not found in registry/);
});

test('ort-node: effective() says what was set, run() after dispose() fails', async () => {
  const model = await createOrtNodeModel(weights, { backend: 'cpu', threads: 2 });
  const eff = model.effective();
  assert.deepEqual([eff.impl, eff.backend, eff.threads], ['ort-node', 'cpu', 2]);
  assert.match(eff.version, /^\d+\.\d+\.\d+/);
  assert.equal((await model.run(input)).length, 1001);
  await model.dispose();
  await assert.rejects(model.run(input), /released/);
  const unset = await createOrtNodeModel(weights, { backend: 'cpu' });
  assert.equal(unset.effective().threads, null, 'unset threads: ORT default, which it does not report');
  await unset.dispose();
  await assert.rejects(createOrtNodeModel(weights, { backend: 'wasm' }), /cpu/);
});
