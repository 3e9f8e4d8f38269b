/**
 * The integer reference network on a real official uint8 model (0.25-128, the cheapest) against
 * the float reference on the same file's dequantized weights, on real photos.
 *
 * The bound: both run the same weights; they differ only in that the integer path rounds every
 * activation to its uint8 grid (27 requantizations, step 6/255 after each ReLU6, plus the logits'
 * own step s = 0.131). Each rounding adds at most ½ step of noise, which the following layers
 * propagate; on 110 photos of three models we measured at most 11.5 logit steps (0.25-224) and
 * 6.2 steps (0.25-128). We assert max |Δlogit| ≤ 16 s (about 6 % of the 255-step logit range)
 * and mean |Δlogit| ≤ 1.5 s, and the same top-1 wherever the float top-2 gap exceeds 2 × 16 s
 * (closer calls are genuine near ties that quantization may flip: they are counted, not failed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadWeightsFile } from '../../models/weights/load.ts';
import { asIntegerWeights } from '../../models/weights/canonical.ts';
import { ReferenceNetwork, referenceNetworkFor } from '../../models/reference/index.ts';
import { IntegerReferenceNetwork } from '../../models/reference/quantized/network.ts';
import { decodeWeights, encodeWeights } from '../../harness/probe/wire.ts';
import { skipWithoutSharedData, WEIGHTS_DIR } from '../helpers/data.ts';
import { listPhotos, photoTensor, seededSubset } from '../parity/helpers.ts';

const skip = skipWithoutSharedData();
const FILE = join(WEIGHTS_DIR, 'tflite', 'mobilenet_v1_0.25_128_quant.tflite');
const PHOTOS = 12;
const MAX_STEPS = 16;
const MEAN_STEPS = 1.5;

function argmax(a: ArrayLike<number>): number {
  let b = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[b]) b = i;
  return b;
}

test('the integer form read from the .tflite is what the dequantized tensors were made from', { skip }, async () => {
  const w = await loadWeightsFile(FILE);
  const q = w.quantized!;
  assert.ok(q, 'a uint8 file carries its integer form');
  assert.deepEqual(q.input, { scale: 1 / 128, zeroPoint: 128 });
  assert.equal(q.layers.length, 28);
  for (const [i, l] of q.layers.entries()) {
    const f = w.layers[i];
    assert.equal(l.name, f.name);
    for (let j = 0; j < l.kernel.length; j += 97) {
      assert.equal(Math.fround(l.kernelQuantization.scale * (l.kernel[j] - l.kernelQuantization.zeroPoint)), f.kernel[j], `${l.name} kernel[${j}]`);
    }
    const biasScale = f.biasQuantization!.scale;
    for (let j = 0; j < l.bias.length; j++) assert.equal(Math.fround(biasScale * l.bias[j]), f.bias[j], `${l.name} bias[${j}]`);
    // ReLU6 through the output range: scale ≈ 6/255, zero point 0, so the clamp is [0, 255] (fc: NONE).
    assert.deepEqual(l.activationRange, [0, 255]);
  }
  // The integer form crosses to pages bit for bit (harness/probe/wire.ts).
  const back = decodeWeights(encodeWeights(asIntegerWeights(w)));
  assert.equal(back.precision, 'uint8');
  assert.deepEqual(
    back.quantized!.layers.map((l) => [l.kernel, l.bias]),
    q.layers.map((l) => [l.kernel, l.bias]),
  );
  assert.deepEqual(back.quantized!.pool, q.pool);
  assert.equal(q.softmax.beta, 1);
  assert.deepEqual(q.softmax.output, { scale: 1 / 256, zeroPoint: 0 });
  assert.ok(q.logits.scale > 0.1 && q.logits.scale < 0.2);
});

test(`integer reference vs float reference on dequantized weights: 0.25-128, ${PHOTOS} photos, |Δlogit| ≤ ${MAX_STEPS} steps`, { skip }, async (t) => {
  const w = await loadWeightsFile(FILE);
  const integer = asIntegerWeights(w);
  assert.ok(referenceNetworkFor(integer) instanceof IntegerReferenceNetwork, 'uint8 weights get the integer network');
  assert.ok(referenceNetworkFor(w) instanceof ReferenceNetwork, 'dequantized weights get the float network');
  const int = new IntegerReferenceNetwork(integer);
  const float = new ReferenceNetwork(w);
  const step = w.quantized!.logits.scale;
  let agree = 0,
    nearTies = 0,
    maxDelta = 0,
    sumDelta = 0,
    count = 0;
  for (const p of seededSubset(listPhotos(), PHOTOS, 5)) {
    const x = photoTensor(p.file, w.resolution);
    const a = float.infer(x);
    const b = int.infer(x);
    // Every integer logit lies on its uint8 grid.
    for (let i = 0; i < b.length; i++) {
      const q = b[i] / step + w.quantized!.logits.zeroPoint;
      assert.ok(Math.abs(q - Math.round(q)) < 1e-3 && q > -0.5 && q < 255.5, `logit ${i} = ${b[i]} is not on the uint8 grid`);
      const d = Math.abs(a[i] - b[i]);
      maxDelta = Math.max(maxDelta, d);
      sumDelta += d;
      count++;
    }
    const sorted = [...a].sort((u, v) => v - u);
    if (argmax(a) === argmax(b)) agree++;
    else if (sorted[0] - sorted[1] <= 2 * MAX_STEPS * step) nearTies++;
    else assert.fail(`${p.file}: top-1 ${argmax(b)} (integer) vs ${argmax(a)} (float) with a float top-2 gap of ${sorted[0] - sorted[1]}`);
  }
  t.diagnostic(
    `top-1 agreement ${agree}/${PHOTOS} (${nearTies} near ties flipped); max |Δlogit| ${maxDelta.toFixed(3)} = ${(maxDelta / step).toFixed(1)} steps; mean ${(sumDelta / count / step).toFixed(2)} steps`,
  );
  assert.ok(maxDelta <= MAX_STEPS * step, `max |Δlogit| ${maxDelta} > ${MAX_STEPS} steps of ${step}`);
  assert.ok(sumDelta / count <= MEAN_STEPS * step, `mean |Δlogit| ${sumDelta / count} > ${MEAN_STEPS} steps`);
  assert.ok(agree >= PHOTOS * 0.75, `top-1 agreement ${agree}/${PHOTOS}`);
});
