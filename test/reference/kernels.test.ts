import { test } from 'node:test';
import assert from 'node:assert/strict';
import { samePadding } from '../../models/spec.ts';
import {
  biasRelu6,
  conv3x3,
  depthwise3x3,
  fullyConnected,
  globalAvgPool,
  im2col3x3,
  matmul,
  packKernel,
  pointwise,
  softmax,
} from '../../models/reference/kernels.ts';
import {
  maxRelError,
  naiveAvgPool,
  naiveBiasRelu6,
  naiveConv3x3,
  naiveDepthwise3x3,
  naiveFullyConnected,
  naivePointwise,
  naiveSoftmax,
  padBefore,
  seededArray,
} from './naive.ts';

const TOL = 1e-5;
const SIZES = [1, 2, 3, 4, 5, 7, 8, 13, 16];

test('TF same padding: stride 2 pads only after on even sizes, both sides on odd', () => {
  assert.deepEqual(samePadding(4, 3, 2), [0, 1]);
  assert.deepEqual(samePadding(5, 3, 2), [1, 1]);
  assert.deepEqual(samePadding(224, 3, 2), [0, 1]);
  assert.deepEqual(samePadding(7, 3, 1), [1, 1]);
  assert.deepEqual(samePadding(8, 3, 1), [1, 1]);
  for (const n of SIZES) for (const s of [1, 2]) assert.equal(samePadding(n, 3, s)[0], padBefore(n, s), `n=${n} s=${s}`);
});

test('padding placement is visible in the output (all-ones input and kernel count the real taps)', () => {
  const ones = (n: number) => new Float32Array(n).fill(1);
  // 4×4, stride 2: windows start at rows/cols 0 and 2; the second one hangs over the bottom/right edge.
  const out4 = new Float32Array(4);
  depthwise3x3(ones(16), 4, 1, ones(9), 2, out4);
  assert.deepEqual([...out4], [9, 6, 6, 4]);
  conv3x3(ones(16), 4, 1, packKernel(ones(9), 9, 1), 1, 2, out4);
  assert.deepEqual([...out4], [9, 6, 6, 4]);
  // 5×5, stride 2: one row/col of padding on each side, windows at -1, 1, 3.
  const out5 = new Float32Array(9);
  depthwise3x3(ones(25), 5, 1, ones(9), 2, out5);
  assert.deepEqual([...out5], [4, 6, 4, 6, 9, 6, 4, 6, 4]);
  conv3x3(ones(25), 5, 1, packKernel(ones(9), 9, 1), 1, 2, out5);
  assert.deepEqual([...out5], [4, 6, 4, 6, 9, 6, 4, 6, 4]);
});

test('conv3x3 (im2col + matmul) matches the naive definition', () => {
  let seed = 1;
  for (const size of SIZES)
    for (const stride of [1, 2])
      for (const [inC, outC] of [
        [3, 8],
        [3, 5],
        [2, 4],
        [1, 1],
      ]) {
        const x = seededArray(size * size * inC, seed++);
        const k = seededArray(9 * inC * outC, seed++);
        const outSize = Math.ceil(size / stride);
        const got = new Float32Array(outSize * outSize * outC);
        assert.equal(conv3x3(x, size, inC, packKernel(k, 9 * inC, outC), outC, stride, got), outSize);
        const want = naiveConv3x3(x, size, inC, k, outC, stride);
        assert.ok(maxRelError(got, want) < TOL, `size ${size} stride ${stride} ${inC}→${outC}: ${maxRelError(got, want)}`);
      }
});

test('im2col3x3 lays windows out in HWIO order with zero padding', () => {
  const x = seededArray(5 * 5 * 2, 7);
  const cols = new Float32Array(9 * 9 * 2).fill(NaN);
  assert.equal(im2col3x3(x, 5, 2, 2, cols), 3);
  // Output (0, 0) with pad 1: taps (ky, kx) = (0, *) and (*, 0) are padding, (1, 1) is input (0, 0).
  assert.equal(cols[0], 0);
  assert.equal(cols[(1 * 3 + 1) * 2], x[0]);
  assert.equal(cols[(1 * 3 + 1) * 2 + 1], x[1]);
  assert.ok(cols.every((v) => !Number.isNaN(v)));
});

test('depthwise3x3 matches the naive definition', () => {
  let seed = 100;
  for (const size of SIZES)
    for (const stride of [1, 2])
      for (const C of [1, 3, 8, 17, 32]) {
        const x = seededArray(size * size * C, seed++);
        const k = seededArray(9 * C, seed++);
        const outSize = Math.ceil(size / stride);
        const got = new Float32Array(outSize * outSize * C);
        assert.equal(depthwise3x3(x, size, C, k, stride, got), outSize);
        const want = naiveDepthwise3x3(x, size, C, k, stride);
        assert.ok(maxRelError(got, want) < TOL, `size ${size} stride ${stride} C ${C}: ${maxRelError(got, want)}`);
      }
});

test('pointwise / matmul matches the naive definition, including row and channel remainders', () => {
  let seed = 200;
  for (const pixels of [1, 2, 3, 4, 5, 9, 49])
    for (const [inC, outC] of [
      [1, 1],
      [8, 8],
      [3, 5],
      [16, 24],
      [32, 7],
      [64, 1001],
    ]) {
      const x = seededArray(pixels * inC, seed++);
      const k = seededArray(inC * outC, seed++);
      const got = new Float32Array(pixels * outC);
      pointwise(x, pixels, inC, packKernel(k, inC, outC), outC, got);
      const want = naivePointwise(x, pixels, inC, k, outC);
      assert.ok(maxRelError(got, want) < TOL, `${pixels} px ${inC}→${outC}: ${maxRelError(got, want)}`);
    }
});

test('the fused bias + ReLU6 epilogue equals the kernel followed by biasRelu6', () => {
  let seed = 300;
  for (const [pixels, inC, outC] of [
    [5, 16, 12],
    [16, 8, 8],
    [7, 3, 9],
  ]) {
    // Scale up so that both clamps (0 and 6) are exercised.
    const x = seededArray(pixels * inC, seed++, -3, 3);
    const k = seededArray(inC * outC, seed++, -2, 2);
    const bias = seededArray(outC, seed++);
    const got = new Float32Array(pixels * outC);
    matmul(x, pixels, inC, packKernel(k, inC, outC), outC, got, { bias, relu6: true });
    const want = naiveBiasRelu6(naivePointwise(x, pixels, inC, k, outC), bias);
    assert.ok(maxRelError(got, want) < TOL);
    assert.ok(want.some((v) => v === 0) && want.some((v) => v === 6), 'test data should hit both clamps');

    const size = 5,
      C = outC;
    const img = seededArray(size * size * C, seed++, -3, 3);
    const dk = seededArray(9 * C, seed++, -2, 2);
    const dw = new Float32Array(size * size * C);
    depthwise3x3(img, size, C, dk, 1, dw, { bias, relu6: true });
    assert.ok(maxRelError(dw, naiveBiasRelu6(naiveDepthwise3x3(img, size, C, dk, 1), bias)) < TOL);
  }
});

test('biasRelu6 adds the per-channel bias and clamps to [0, 6] in place', () => {
  const x = seededArray(6 * 4, 400, -10, 10);
  const bias = Float32Array.of(0.5, -1, 2, 0);
  const want = naiveBiasRelu6(x, bias);
  biasRelu6(x, bias);
  assert.deepEqual([...x], [...want]);
  assert.ok(x.every((v) => v >= 0 && v <= 6));
});

test('globalAvgPool matches the naive mean', () => {
  for (const [pixels, C] of [
    [1, 8],
    [49, 16],
    [16, 3],
  ]) {
    const x = seededArray(pixels * C, pixels + C);
    const got = new Float32Array(C);
    globalAvgPool(x, pixels, C, got);
    assert.ok(maxRelError(got, naiveAvgPool(x, pixels, C)) < TOL);
  }
});

test('fullyConnected matches the naive definition (1001 and 1000 classes)', () => {
  for (const [inC, classes] of [
    [8, 1001],
    [256, 1000],
    [5, 3],
  ]) {
    const x = seededArray(inC, inC);
    const k = seededArray(inC * classes, inC + 1);
    const bias = seededArray(classes, inC + 2);
    const got = new Float32Array(classes);
    fullyConnected(x, inC, packKernel(k, inC, classes), bias, got);
    assert.ok(maxRelError(got, naiveFullyConnected(x, k, bias)) < TOL);
  }
});

test('softmax matches the naive definition, sums to 1 and survives large logits', () => {
  const x = seededArray(1001, 500, -20, 20);
  const p = softmax(x);
  assert.ok(maxRelError(p, naiveSoftmax(x)) < TOL);
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  const big = softmax(Float32Array.of(1000, 999, -1000));
  assert.ok(big.every(Number.isFinite));
  assert.ok(Math.abs(big[0] / big[1] - Math.E) < 1e-5);
  const inPlace = Float32Array.of(1, 2, 3);
  assert.equal(softmax(inPlace, inPlace), inPlace);
});
