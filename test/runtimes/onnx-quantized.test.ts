/**
 * The quantized ONNX export (models/onnx/export-quantized.ts) on the real 0.25-128 uint8 model:
 * onnxruntime-node and onnxruntime-web (wasm, in Node) run it on integer kernels (read back from
 * ORT's own profile), its layers agree with the integer reference, and a run on float kernels is
 * detected and marked invalid.
 *
 * ORT requantizes in float (round(acc · scale) once) while TFLite's fixed point rounds twice
 * (the Q31 high multiply, then the shift), so a value within ~1/256 of a half step can round
 * differently: the stem must match on ≥ 99 % of its outputs and never by more than one step.
 * Later layers inherit those one-step differences, so the logits are held to a looser bound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadWeightsFile } from '../../models/weights/load.ts';
import { asIntegerWeights, type CanonicalWeights } from '../../models/weights/canonical.ts';
import { IntegerReferenceNetwork } from '../../models/reference/quantized/network.ts';
import { exportQuantizedOnnx } from '../../models/onnx/export-quantized.ts';
import { exportOnnx } from '../../models/onnx/export.ts';
import { createOrtNodeModel, loadOrtNode } from '../../models/onnx/ort-node.ts';
import { createOrtWebModel } from '../../models/onnx/ort-web.ts';
import { executedOps, kernelDetails, kernelKind } from '../../models/onnx/executed-ops.ts';
import { validityProblems } from '../../harness/probe/probe.ts';
import { skipWithoutSharedData, WEIGHTS_DIR } from '../helpers/data.ts';
import { listPhotos, photoTensor, seededSubset } from '../parity/helpers.ts';

const skip = skipWithoutSharedData();
const FILE = join(WEIGHTS_DIR, 'tflite', 'mobilenet_v1_0.25_128_quant.tflite');
const PHOTOS = 4;
/** Logits: at most this many uint8 steps apart from the integer reference. */
const LOGIT_STEPS = 8;

let cached: CanonicalWeights | undefined;
async function integerWeights(): Promise<CanonicalWeights> {
  cached ??= asIntegerWeights(await loadWeightsFile(FILE));
  return cached;
}

for (const [name, create, backend] of [
  ['ort-node', createOrtNodeModel, 'cpu'],
  ['ort-web', createOrtWebModel, 'wasm'],
] as const) {
  test(`${name} runs the quantized graph on integer kernels and agrees with the integer reference`, { skip }, async (t) => {
    const w = await integerWeights();
    const model = await create(w, { backend, threads: 1 });
    try {
      const details = model.effective().details!;
      t.diagnostic(`${name}: ${details.executedOps}`);
      assert.equal(details.integerKernels, true);
      assert.match(String(details.executedOps), /QLinearConv@CPU×28/);
      assert.match(String(details.executedOps), /QLinearGlobalAveragePool@CPU×1/);
      assert.doesNotMatch(String(details.executedOps), /(^|, )(Conv|FusedConv|Gemm|MatMul)@/);
      const ref = new IntegerReferenceNetwork(w);
      const fp32 = new IntegerReferenceNetwork(w, { requantization: 'fp32' });
      const step = w.quantized!.logits.scale;
      let agree = 0;
      for (const p of seededSubset(listPhotos(), PHOTOS, 9)) {
        const x = photoTensor(p.file, w.resolution);
        const got = await model.run(x);
        // ORT's arithmetic: identical logits.
        assert.deepEqual(got, fp32.infer(x), `${p.file}: logits differ from the fp32-requantization integer reference`);
        // TFLite's (gemmlowp): within a few steps.
        const want = ref.infer(x);
        let max = 0;
        for (let i = 0; i < got.length; i++) max = Math.max(max, Math.abs(got[i] - want[i]));
        assert.ok(max <= LOGIT_STEPS * step + 1e-6, `${p.file}: max |Δlogit| ${max} > ${LOGIT_STEPS} steps`);
        const am = (a: Float32Array) => a.indexOf(Math.max(...a));
        if (am(got) === am(want)) agree++;
      }
      t.diagnostic(`${name}: top-1 agrees with the gemmlowp integer reference on ${agree}/${PHOTOS} photos`);
    } finally {
      await model.dispose();
    }
  });
}

test('quantized graph layer by layer: bit-exact with the integer reference in fp32 requantization; the stem within one step of gemmlowp', {
  skip,
}, async () => {
  const w = await integerWeights();
  const ort = await loadOrtNode();
  const session = await ort.InferenceSession.create(exportQuantizedOnnx(w, { layerOutputs: true }), { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  const ref = new IntegerReferenceNetwork(w);
  const R = w.resolution;
  const x = photoTensor(seededSubset(listPhotos(), 1, 4)[0].file, R);
  const out = await session.run({ input: new ort.Tensor('float32', x, [1, R, R, 3]) });
  const acts = ref.inferWithActivations(ref.quantizeInput(x));
  const stem = out['conv0.out'];
  const [, C, H, W] = stem.dims as number[];
  const d = stem.data as Uint8Array;
  let differ = 0;
  for (let c = 0; c < C; c++)
    for (let h = 0; h < H; h++)
      for (let x2 = 0; x2 < W; x2++) {
        const delta = Math.abs(d[(c * H + h) * W + x2] - acts[0].output[(h * W + x2) * C + c]);
        assert.ok(delta <= 1, `conv0 (${h},${x2},${c}) differs by ${delta}`);
        if (delta) differ++;
      }
  assert.ok(differ / d.length <= 0.01, `conv0: ${differ} of ${d.length} differ`);
  // In ORT's own arithmetic (fp32 requantization, rounded once) the integer reference is bit-exact, layer by layer.
  const fp32 = new IntegerReferenceNetwork(w, { requantization: 'fp32' }).inferWithActivations(ref.quantizeInput(x));
  for (const a of fp32) {
    const t = out[a.name === 'pool' ? 'pool.out' : `${a.name}.out`];
    assert.equal(t.type, 'uint8', a.name);
    const [, C2, H2, W2] = t.dims as number[];
    const data = t.data as Uint8Array;
    let mismatches = 0;
    for (let c = 0; c < C2; c++)
      for (let h = 0; h < H2; h++)
        for (let x2 = 0; x2 < W2; x2++) {
          if (data[(c * H2 + h) * W2 + x2] !== a.output[(h * W2 + x2) * C2 + c]) mismatches++;
        }
    assert.equal(mismatches, 0, `${a.name}: ${mismatches} of ${data.length} outputs differ from the fp32-requantization reference`);
  }
  await session.release();
});

test('fallback detection: float kernels in the profile make a uint8 job invalid', { skip }, async () => {
  const w = await integerWeights();
  const ort = await loadOrtNode();
  const { mkdtemp, readdir, readFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(join(tmpdir(), 'mnb-fallback-'));
  try {
    // The float graph of the same (dequantized) weights, profiled exactly as a uint8 job is.
    const session = await ort.InferenceSession.create(exportOnnx({ ...w, precision: 'uint8-dequantized' }), {
      executionProviders: ['cpu'],
      enableProfiling: true,
      profileFilePrefix: join(dir, 'p'),
    });
    const R = w.resolution;
    await session.run({ input: new ort.Tensor('float32', new Float32Array(R * R * 3), [1, R, R, 3]) });
    session.endProfiling();
    const ops = executedOps(await readFile(join(dir, (await readdir(dir))[0]), 'utf8'));
    await session.release();
    const kind = kernelKind(ops);
    assert.equal(kind.integer, false);
    assert.ok(kind.floatOps.length > 0, 'float conv ops listed');
    const effective = { impl: 'ort-node', backend: 'cpu', threads: 1, simd: null, version: 'x', details: kernelDetails(ops) };
    const problems = validityProblems({ impl: 'ort-node', backend: 'cpu', threads: 1 }, effective, false, 'uint8');
    assert.equal(problems.length, 1);
    assert.match(problems[0], /did not run integer kernels \(executed: .*Conv/);
    // The same effective config is fine for a float job, and an integer one is fine for uint8.
    assert.deepEqual(validityProblems({ impl: 'ort-node', backend: 'cpu', threads: 1 }, effective, false, 'uint8-dequantized'), []);
    const intEffective = {
      ...effective,
      details: kernelDetails(
        new Map([
          ['QLinearConv@CPU', 28],
          ['QuantizeLinear@CPU', 1],
        ]),
      ),
    };
    assert.deepEqual(validityProblems({ impl: 'ort-node', backend: 'cpu', threads: 1 }, intEffective, false, 'uint8'), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  // A mixed profile (one float Conv among integer ones) is not integer either; garbage is an error.
  assert.equal(
    kernelKind(
      new Map([
        ['QLinearConv@CPU', 27],
        ['Conv@CPU', 1],
      ]),
    ).integer,
    false,
  );
  assert.throws(() => executedOps('no profile here'), /cannot tell which kernels ran/);
});
