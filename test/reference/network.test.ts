import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allVariants, mobilenetV1, variantName } from '../../models/spec.ts';
import { syntheticWeights } from '../../models/weights/synthetic.ts';
import { ReferenceNetwork, createReferenceModel } from '../../models/reference/index.ts';
import { maxRelError, naiveAvgPool, naiveBiasRelu6, naiveConv3x3, naiveDepthwise3x3, naiveFullyConnected, naivePointwise, seededArray } from './naive.ts';
import type { CanonicalWeights } from '../../models/weights/canonical.ts';

/** Smallest normal float32. */
const MIN_NORMAL = 1.1754943508222875e-38;

/** The whole network from the naive kernels: the end-to-end oracle. */
function naiveNetwork(w: CanonicalWeights, input: Float32Array): Float32Array {
  const spec = mobilenetV1(w.alpha, w.resolution, w.classes);
  let x = input;
  for (const l of spec.layers) {
    const lw = w.layers.find((y) => y.name === l.name);
    switch (l.kind) {
      case 'conv':
        x = naiveBiasRelu6(naiveConv3x3(x, l.inSize, l.inChannels, lw!.kernel, l.outChannels, l.stride), lw!.bias);
        break;
      case 'depthwise':
        x = naiveBiasRelu6(naiveDepthwise3x3(x, l.inSize, l.inChannels, lw!.kernel, l.stride), lw!.bias);
        break;
      case 'pointwise':
        x = naiveBiasRelu6(naivePointwise(x, l.inSize * l.inSize, l.inChannels, lw!.kernel, l.outChannels), lw!.bias);
        break;
      case 'avgpool':
        x = naiveAvgPool(x, l.inSize * l.inSize, l.inChannels);
        break;
      case 'fc':
        x = naiveFullyConnected(x, lw!.kernel, lw!.bias);
        break;
    }
  }
  return x;
}

function stats(a: Float32Array) {
  let sum = 0,
    sum2 = 0,
    nonzero = 0,
    denormal = 0,
    finite = true;
  for (const v of a) {
    if (!Number.isFinite(v)) finite = false;
    if (v !== 0) nonzero++;
    if (v !== 0 && Math.abs(v) < MIN_NORMAL) denormal++;
    sum += v;
    sum2 += v * v;
  }
  const mean = sum / a.length;
  return { mean, std: Math.sqrt(Math.max(sum2 / a.length - mean * mean, 0)), nonzero, denormal, finite };
}

test('the fast network equals the naive network end to end (0.25-128 and 0.5-96, 1000 classes)', () => {
  for (const [alpha, resolution, classes] of [
    [0.25, 128, 1001],
    [0.5, 96, 1000],
  ] as const) {
    const w = syntheticWeights(alpha, resolution, { classes, seed: 3 });
    const input = seededArray(resolution * resolution * 3, 11);
    const got = new ReferenceNetwork(w).infer(input);
    const want = naiveNetwork(w, input);
    assert.ok(maxRelError(got, want) < 1e-4, `${alpha}-${resolution}: ${maxRelError(got, want)}`);
  }
});

for (const v of allVariants()) {
  const name = variantName(v);
  test(`${name}: logits of the right length, finite, deterministic, every layer healthy`, () => {
    const w = syntheticWeights(v.alpha, v.resolution);
    const spec = mobilenetV1(v.alpha, v.resolution, w.classes);
    const net = new ReferenceNetwork(w);
    const input = seededArray(v.resolution * v.resolution * 3, 42);

    const acts = net.inferWithActivations(input);
    assert.deepEqual(
      acts.map((a) => a.name),
      spec.layers.map((l) => l.name),
    );
    acts.forEach(({ name: layer, output }, i) => {
      const l = spec.layers[i];
      assert.equal(output.length, l.outSize * l.outSize * l.outChannels, `${layer} length`);
      const s = stats(output);
      assert.ok(s.finite, `${layer}: non-finite values`);
      assert.ok(s.nonzero > 0, `${layer}: all zero`);
      assert.equal(s.denormal, 0, `${layer}: denormal values`);
      assert.ok(s.std >= 0.05 && s.std <= 6, `${layer}: std ${s.std.toFixed(4)} outside [0.05, 6]`);
    });

    const logits = net.infer(input);
    assert.equal(logits.length, w.classes);
    assert.deepEqual(logits, acts[acts.length - 1].output, 'infer = last activation');
    assert.deepEqual(net.infer(input), logits, 'repeated inference is bit-identical');

    // The winner must be decided by far more than float32 rounding.
    const sorted = [...logits].sort((a, b) => b - a);
    const ulp = Math.abs(sorted[0]) * 2 ** -23;
    assert.ok(sorted[0] - sorted[1] > Math.max(1e-3, 1000 * ulp), `top-1/top-2 gap ${sorted[0] - sorted[1]}`);
  });
}

test('createReferenceModel wraps the network and reports what ran', async () => {
  const w = syntheticWeights(0.25, 128, { classes: 1000 });
  const model = await createReferenceModel(w, { backend: 'js' });
  const input = seededArray(128 * 128 * 3, 5);
  const logits = await model.run(input);
  assert.equal(logits.length, 1000);
  assert.deepEqual(logits, new ReferenceNetwork(w).infer(input));
  const eff = model.effective();
  assert.equal(eff.impl, 'reference');
  assert.equal(eff.backend, 'js');
  assert.equal(eff.threads, 1);
  assert.equal(eff.simd, false);
  assert.match(eff.version, /^\d+\.\d+\.\d+/);
  await model.dispose();
});

test('a wrong input size is rejected with the expected shape in the message', () => {
  const net = new ReferenceNetwork(syntheticWeights(0.25, 128));
  assert.throws(() => net.infer(new Float32Array(10)), /expected 49152/);
});
