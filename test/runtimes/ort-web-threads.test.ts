/**
 * onnxruntime-web's wasm runtime in Node with 2 threads (its own process: the wasm runtime
 * initializes once per process, so the first session fixes the thread count).
 */
import './fixtures.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticWeights } from '../../models/weights/synthetic.ts';
import { createReferenceModel } from '../../models/reference/index.ts';
import { createOrtWebModel } from '../../models/onnx/ort-web.ts';
import { argmax, compareLogits, logitTolerance, seededInput } from './fixtures.ts';

test('ort-web wasm runs with 2 threads in Node, matches the reference, and keeps its first thread count', async () => {
  const weights = syntheticWeights(0.25, 128);
  const input = seededInput(128);
  const expected = await (await createReferenceModel(weights, { backend: 'js' })).run(input);
  const model = await createOrtWebModel(weights, { backend: 'wasm', threads: 2 });
  const eff = model.effective();
  assert.deepEqual([eff.impl, eff.backend, eff.threads, eff.simd], ['ort-web', 'wasm', 2, true]);
  const got = await model.run(input);
  const { maxAbsDiff, range } = compareLogits(expected, got);
  assert.ok(maxAbsDiff <= logitTolerance(range), `max|Δlogit| ${maxAbsDiff}`);
  assert.equal(argmax(got), argmax(expected));
  // A later request cannot change the initialized runtime: effective() says so.
  const second = await createOrtWebModel(weights, { backend: 'wasm', threads: 1 });
  assert.equal(second.effective().threads, 2);
  assert.equal(second.effective().details?.requestedThreads, 1);
  await second.dispose();
  await model.dispose();
  await assert.rejects(model.run(input), /released/);
});
