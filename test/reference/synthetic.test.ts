import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allVariants, variantName } from '../../models/spec.ts';
import { validateWeights } from '../../models/weights/canonical.ts';
import { syntheticWeights } from '../../models/weights/synthetic.ts';

const MIN_NORMAL = 1.1754943508222875e-38;

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

test('defaults: 1001 classes, seed 0, float32, folded, synthetic source', () => {
  const w = syntheticWeights(0.25, 128);
  assert.equal(w.classes, 1001);
  assert.deepEqual(w.source, { kind: 'synthetic', seed: 0 });
  assert.equal(w.precision, 'float32');
  assert.equal(w.batchNormFolded, true);
  assert.deepEqual(w.input, {});
  assert.equal(w.alpha, 0.25);
  assert.equal(w.resolution, 128);
});

test('same seed gives identical bytes', () => {
  const a = syntheticWeights(0.5, 160, { seed: 7 });
  const b = syntheticWeights(0.5, 160, { seed: 7 });
  assert.equal(a.layers.length, b.layers.length);
  a.layers.forEach((l, i) => {
    assert.ok(bytes(l.kernel).equals(bytes(b.layers[i].kernel)), `${l.name} kernel`);
    assert.ok(bytes(l.bias).equals(bytes(b.layers[i].bias)), `${l.name} bias`);
  });
});

test('a different seed gives different weights', () => {
  const a = syntheticWeights(0.25, 128, { seed: 0 });
  const b = syntheticWeights(0.25, 128, { seed: 1 });
  assert.equal(b.source.kind === 'synthetic' && b.source.seed, 1);
  for (let i = 0; i < a.layers.length; i++) {
    assert.ok(!bytes(a.layers[i].kernel).equals(bytes(b.layers[i].kernel)), `${a.layers[i].name} kernel unchanged`);
  }
});

test('every official variant, both class counts and an unofficial one validate, with no denormals', () => {
  const cases = [
    ...allVariants().map((v) => ({ ...v, classes: 1001 as const })),
    { alpha: 1, resolution: 224, classes: 1000 as const },
    { alpha: 0.35, resolution: 96, classes: 1000 as const },
  ];
  for (const { alpha, resolution, classes } of cases) {
    const w = syntheticWeights(alpha, resolution, { classes });
    assert.doesNotThrow(() => validateWeights(w));
    assert.equal(w.classes, classes);
    assert.equal(w.layers.at(-1)!.bias.length, classes);
    for (const l of w.layers) {
      for (const arr of [l.kernel, l.bias]) {
        for (let i = 0; i < arr.length; i++) {
          const v = arr[i];
          if (v !== 0 && Math.abs(v) < MIN_NORMAL) assert.fail(`${variantName({ alpha, resolution })} ${l.name}: denormal ${v}`);
        }
      }
      const nonzero = l.kernel.some((v) => v !== 0);
      assert.ok(nonzero, `${l.name}: kernel all zero`);
    }
  }
});

test('kernels are fan-in scaled: per-layer weight spread shrinks as fan-in grows', () => {
  const w = syntheticWeights(1, 224);
  const rms = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
  const pw1 = w.layers.find((l) => l.name === 'pw1')!; // fan-in 32
  const pw13 = w.layers.find((l) => l.name === 'pw13')!; // fan-in 1024
  const ratio = rms(pw1.kernel) / rms(pw13.kernel);
  assert.ok(Math.abs(ratio - Math.sqrt(1024 / 32)) < 0.01 * Math.sqrt(1024 / 32), `ratio ${ratio}`);
});
