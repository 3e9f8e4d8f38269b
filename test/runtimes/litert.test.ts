/**
 * LiteRT.js running the official .tflite files as they ship, in Node and in Chromium, as an
 * independent check of the integer reference: on 0.25-224 uint8 its softmax output (the file's own
 * output) is byte-identical to the integer reference's in fp32 requantization (XNNPACK's
 * arithmetic); on 0.25-128 it differs only where XNNPACK's 4×4 average pool meets exact half
 * steps (≥ 99.5 % identical bytes); the float 0.25-224 file matches the float reference's softmax.
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadWeightsFile } from '../../models/weights/load.ts';
import { asIntegerWeights } from '../../models/weights/canonical.ts';
import { IntegerReferenceNetwork } from '../../models/reference/quantized/network.ts';
import { ReferenceNetwork } from '../../models/reference/index.ts';
import { softmax } from '../../models/reference/kernels.ts';
import { createLiteRtModel } from '../../models/litert.ts';
import { findBrowserExecutable } from '../../harness/browsers.ts';
import { resolveConfig } from '../../harness/config/schema.ts';
import { runBenchmark } from '../../harness/run.ts';
import { JobResultSchema } from '../../contract/results.ts';
import { runnerFor } from '../../runners/index.ts';
import { skipWithoutSharedData, WEIGHTS_DIR, IMAGES_DIR } from '../helpers/data.ts';
import { listPhotos, photoTensor, seededSubset } from '../parity/helpers.ts';
import { tempRunDir } from '../helpers/temp-dirs.ts';

const skip = skipWithoutSharedData();
const file = (name: string) => join(WEIGHTS_DIR, 'tflite', name);

test('LiteRT.js in Node: uint8 files agree byte for byte with the integer reference (fp32 requantization), float with the float reference', {
  skip,
  timeout: 180_000,
}, async (t) => {
  for (const [name, photos, minEqual] of [
    ['mobilenet_v1_0.25_224_quant.tflite', 1, 1],
    ['mobilenet_v1_0.25_128_quant.tflite', 2, 0.995],
  ] as const) {
    const w = asIntegerWeights(await loadWeightsFile(file(name)));
    const model = await createLiteRtModel(w, { backend: 'wasm' });
    try {
      const e = model.effective();
      assert.equal(e.details!.integerKernels, true);
      assert.equal(e.details!.inputDtype, 'uint8');
      const fp32 = new IntegerReferenceNetwork(w, { requantization: 'fp32' });
      let equal = 0,
        total = 0;
      for (const p of seededSubset(listPhotos(), photos, 3)) {
        const x = photoTensor(p.file, w.resolution);
        const got = await model.run(x);
        const want = fp32.inferProbabilities(x);
        for (let i = 0; i < want.length; i++) {
          total++;
          if (got[i] === want[i]) equal++;
        }
      }
      t.diagnostic(`${name}: ${equal}/${total} softmax bytes identical to the integer reference (fp32 requantization)`);
      assert.ok(equal / total >= minEqual, `${name}: ${equal}/${total}`);
    } finally {
      await model.dispose();
    }
  }
  const w = await loadWeightsFile(file('mobilenet_v1_0.25_224.tflite'));
  const model = await createLiteRtModel(w, { backend: 'wasm' });
  try {
    assert.equal(model.effective().details!.integerKernels, false);
    const ref = new ReferenceNetwork(w);
    const x = photoTensor(seededSubset(listPhotos(), 1, 3)[0].file, 224);
    const got = await model.run(x);
    const want = softmax(ref.infer(x));
    let max = 0;
    for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs(got[i] - want[i]));
    assert.ok(max < 1e-4, `float 0.25-224: max |Δp| ${max}`);
  } finally {
    await model.dispose();
  }
});

test('uint8-dequantized, synthetic and Keras weights are skipped for LiteRT.js with the reason', { skip }, async () => {
  const { planJobs } = await import('../../harness/plan.ts');
  const plan = planJobs(
    resolveConfig({
      weights: { source: 'official', mirror: WEIGHTS_DIR },
      precision: ['float32', 'uint8', 'uint8-dequantized'],
      implementations: ['litert'],
      variants: { alpha: [0.25], resolution: [224] },
    }),
  );
  assert.deepEqual(plan.jobs.map((j) => [j.id, j.precision]).sort(), [
    ['node/litert-wasm/0.25_224-tflite', 'float32'],
    ['node/litert-wasm/0.25_224-uint8', 'uint8'],
  ]);
  const reasons = Object.fromEntries(plan.skipped.map((s) => [s.id, s.reason]));
  assert.match(reasons['node/litert-wasm/0.25_224'], /\.tflite files only; these weights are a tfjs-layers model/);
  assert.match(reasons['node/litert-wasm/0.25_224-uint8-dequantized'], /as it ships/);
});

const chromium = findBrowserExecutable('chromium');
test('LiteRT.js in Chromium runs the official 0.25-128 uint8 and 0.25-224 float files', {
  skip: skip || (chromium ? false : "no Chromium found (CHROME_PATH or /usr/bin/chromium): install Debian's chromium (.ci/run does)"),
  timeout: 240_000,
}, async () => {
  const config = resolveConfig({
    targets: [{ name: 'chromium', type: 'chromium' }],
    weights: { source: 'official', mirror: WEIGHTS_DIR },
    precision: ['float32', 'uint8'],
    implementations: ['litert'],
    variants: { alpha: [0.25], resolution: [128, 224] },
    sampling: { warmupSamples: 1, warmupTimeMs: 0, minSamples: 3, minTimeMs: 0, maxSamples: 5, maxTimeMs: 2000 },
    accuracy: { evalSet: IMAGES_DIR, samples: 2, referenceSamples: 2 },
  });
  const dir = tempRunDir('mnb-litert-');
  const { results } = await runBenchmark({ config, runnerFor, outDir: dir });
  const byId = new Map(results.map((r) => [r.id, JobResultSchema.parse(r)]));
  for (const id of ['chromium/litert-wasm/0.25_128-uint8', 'chromium/litert-wasm/0.25_224-tflite', 'chromium/litert-wasm/0.25_224-uint8']) {
    const r = byId.get(id);
    assert.ok(r, `${id} ran`);
    assert.equal(r.status, 'ok', `${id}: ${r.error}`);
    assert.equal(r.effective!.details!.integerKernels, r.precision === 'uint8', id);
    assert.ok(r.latency!.medianMs > 0);
    assert.equal(r.accuracy!.agreementTop1, 1, `${id}: top-1 agreement with the reference`);
  }
  // Byte-identical softmax at 224 (two different uint8 values are at least 1/256 apart).
  assert.ok(byId.get('chromium/litert-wasm/0.25_224-uint8')!.accuracy!.maxAbsLogitDelta! < 1e-6);
  assert.equal(byId.get('chromium/litert-wasm/0.25_224')!.status, 'skipped');
});
