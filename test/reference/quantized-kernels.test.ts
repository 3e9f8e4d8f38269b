/**
 * The integer kernels (models/reference/quantized/) against naive definitions written from
 * TFLite's and gemmlowp's C++ (test/reference/quantized-naive.ts, BigInt for 64-bit steps):
 * bit-exact equality, on random data with random zero points and on the edge cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  convRequantization,
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  requantize,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
} from '../../models/reference/quantized/fixed-point.ts';
import {
  conv3x3U8,
  depthwise3x3U8,
  globalAvgPoolU8,
  matmulU8,
  offsetKernelU8,
  packKernelU8,
  quantizeInput,
  softmaxU8,
} from '../../models/reference/quantized/kernels.ts';
import { mulberry32 } from '../../contract/stats/describe.ts';
import {
  naiveAvgPoolU8,
  naiveConvU8,
  naiveDepthwiseU8,
  naivePointwiseU8,
  naiveRDBPOT,
  naiveRequantize,
  naiveSRDHM,
  type NaiveStage,
} from './quantized-naive.ts';

const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;

function randomInt(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

function randomU8(n: number, random: () => number): Uint8Array {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = randomInt(random, 0, 255);
  return a;
}

function randomBias(n: number, random: () => number): Int32Array {
  const b = new Int32Array(n);
  for (let i = 0; i < n; i++) b[i] = randomInt(random, -20000, 20000);
  return b;
}

test('SaturatingRoundingDoublingHighMul equals its BigInt definition, edges included', () => {
  const random = mulberry32(11);
  const edges = [0, 1, -1, 2, -2, I32_MAX, I32_MIN, 2 ** 30, -(2 ** 30), 12345, -12345, 65535, 65536, -65536];
  for (const a of edges)
    for (const b of [...edges, 1518500250, 1073741824]) assert.equal(saturatingRoundingDoublingHighMul(a, b), naiveSRDHM(a, b), `a=${a} b=${b}`);
  for (let i = 0; i < 20000; i++) {
    const a = randomInt(random, I32_MIN, I32_MAX);
    const b = i % 2 ? randomInt(random, 2 ** 30, I32_MAX) : randomInt(random, I32_MIN, I32_MAX);
    assert.equal(saturatingRoundingDoublingHighMul(a, b), naiveSRDHM(a, b), `a=${a} b=${b}`);
  }
});

test('RoundingDivideByPOT rounds to nearest, ties away from zero, for every exponent', () => {
  const random = mulberry32(12);
  for (let e = 0; e <= 30; e++) {
    for (const x of [0, 1, -1, 2 ** e, -(2 ** e), 3 * 2 ** Math.max(0, e - 1), -3 * 2 ** Math.max(0, e - 1), I32_MAX, I32_MIN + 1]) {
      assert.equal(roundingDivideByPOT(x, e), naiveRDBPOT(x, e), `x=${x} e=${e}`);
    }
    for (let i = 0; i < 500; i++) {
      const x = randomInt(random, I32_MIN + 1, I32_MAX);
      assert.equal(roundingDivideByPOT(x, e), naiveRDBPOT(x, e), `x=${x} e=${e}`);
    }
  }
});

test('QuantizeMultiplier: a Q31 multiplier in [2^30, 2^31) and shift that reproduce the real multiplier', () => {
  const random = mulberry32(13);
  for (let i = 0; i < 5000; i++) {
    const real = Math.exp(randomInt(random, -2000, 200) / 100);
    const { multiplier, shift } = quantizeMultiplier(real);
    assert.ok(multiplier >= 2 ** 30 && multiplier < 2 ** 31, `multiplier ${multiplier} for ${real}`);
    const back = multiplier * 2 ** (shift - 31);
    assert.ok(Math.abs(back / real - 1) <= 2 ** -30, `${real} → ${multiplier}·2^${shift - 31} = ${back}`);
    // frexp + round(q · 2^31), done independently:
    const e = Math.ceil(Math.log2(real + Number.EPSILON * real));
    const q = real / 2 ** e;
    if (q >= 0.5 && q < 1 && Math.round(q * 2 ** 31) < 2 ** 31) assert.deepEqual({ multiplier, shift }, { multiplier: Math.round(q * 2 ** 31), shift: e + 0 });
  }
  assert.deepEqual(quantizeMultiplier(0.5), { multiplier: 2 ** 30, shift: 0 });
  assert.deepEqual(quantizeMultiplier(0.25), { multiplier: 2 ** 30, shift: -1 });
  assert.deepEqual(quantizeMultiplier(0), { multiplier: 0, shift: 0 });
});

test('the output stage (MultiplyByQuantizedMultiplier + zero point + clamp) equals its definition', () => {
  const random = mulberry32(14);
  for (let i = 0; i < 20000; i++) {
    const { multiplier, shift } = quantizeMultiplier(Math.exp(randomInt(random, -1400, -100) / 100));
    const acc = randomInt(random, -(2 ** 24), 2 ** 24);
    const zp = randomInt(random, 0, 255);
    const r = { mode: 'gemmlowp' as const, multiplier, shift, scale: 0, outputZeroPoint: zp, min: 0, max: 255 };
    assert.equal(requantize(acc, r), naiveRequantize(acc, multiplier, shift, zp, 0, 255), `acc ${acc} m ${multiplier} s ${shift}`);
    assert.equal(multiplyByQuantizedMultiplier(acc, multiplier, shift) + zp, naiveRequantize(acc, multiplier, shift, zp, -1e9, 1e9));
  }
  // Left shifts (multipliers ≥ 1) too.
  const { multiplier, shift } = quantizeMultiplier(3.7);
  assert.ok(shift > 0);
  for (const acc of [0, 1, -1, 1000, -1000, 123457])
    assert.equal(multiplyByQuantizedMultiplier(acc, multiplier, shift), naiveRequantize(acc, multiplier, shift, 0, -1e9, 1e9));
});

/** A random output stage like the real layers': multiplier ~ 1e-3…1e-1, ReLU6-ish clamp. */
function randomStage(random: () => number): { r: ReturnType<typeof convRequantization>; naive: NaiveStage } {
  const inScale = 0.02 + random() * 0.01,
    kScale = 0.005 + random() * 0.05,
    outScale = 0.0235;
  const zp = randomInt(random, 0, 40);
  const r = convRequantization(inScale, kScale, { scale: outScale, zeroPoint: zp }, [zp, 255]);
  return { r, naive: { multiplier: r.multiplier, shift: r.shift, zp, min: zp, max: 255 } };
}

test('uint8 conv 3×3 (im2col + integer matmul) is bit-exact with the naive definition', () => {
  const random = mulberry32(21);
  for (const size of [1, 2, 3, 4, 5, 8, 9])
    for (const stride of [1, 2])
      for (const [inC, outC] of [
        [3, 8],
        [3, 5],
        [2, 3],
      ]) {
        const xz = randomInt(random, 0, 255),
          kz = randomInt(random, 0, 255);
        const x = randomU8(size * size * inC, random),
          k = randomU8(9 * inC * outC, random),
          bias = randomBias(outC, random);
        const { r, naive } = randomStage(random);
        const outSize = Math.ceil(size / stride);
        const got = new Uint8Array(outSize * outSize * outC);
        assert.equal(conv3x3U8(x, size, inC, xz, packKernelU8(k, 9 * inC, outC, kz), outC, stride, bias, r, got), outSize);
        assert.deepEqual(got, naiveConvU8(x, size, inC, xz, k, kz, outC, stride, bias, naive), `size ${size} stride ${stride} ${inC}→${outC}`);
      }
});

test('uint8 depthwise 3×3 is bit-exact with the naive definition (padding taps skipped = zero point)', () => {
  const random = mulberry32(22);
  for (const size of [1, 2, 3, 4, 5, 7, 8, 14])
    for (const stride of [1, 2])
      for (const C of [1, 3, 8]) {
        const xz = randomInt(random, 0, 255),
          kz = randomInt(random, 0, 255);
        const x = randomU8(size * size * C, random),
          k = randomU8(9 * C, random),
          bias = randomBias(C, random);
        const { r, naive } = randomStage(random);
        const outSize = Math.ceil(size / stride);
        const got = new Uint8Array(outSize * outSize * C);
        depthwise3x3U8(x, size, C, xz, offsetKernelU8(k, kz), stride, bias, r, got);
        assert.deepEqual(got, naiveDepthwiseU8(x, size, C, xz, k, kz, stride, bias, naive), `size ${size} stride ${stride} C ${C}`);
      }
});

test('uint8 pointwise / fc matmul is bit-exact with the naive definition (odd rows and channels too)', () => {
  const random = mulberry32(23);
  for (const pixels of [1, 2, 3, 7, 16])
    for (const [inC, outC] of [
      [8, 16],
      [5, 3],
      [256, 1001],
      [1, 1],
    ]) {
      if (pixels > 3 && outC > 100) continue;
      const xz = randomInt(random, 0, 255),
        kz = randomInt(random, 0, 255);
      const x = randomU8(pixels * inC, random),
        k = randomU8(inC * outC, random),
        bias = randomBias(outC, random);
      const { r, naive } = randomStage(random);
      const got = new Uint8Array(pixels * outC);
      matmulU8(x, pixels, inC, xz, packKernelU8(k, inC, outC, kz), outC, bias, r, got);
      assert.deepEqual(got, naivePointwiseU8(x, pixels, inC, xz, k, kz, outC, bias, naive), `${pixels} px ${inC}→${outC}`);
    }
});

test('uint8 global average pool is the rounded integer mean, clamped', () => {
  const random = mulberry32(24);
  for (const pixels of [1, 4, 16, 25, 49])
    for (const C of [1, 8, 256]) {
      const x = randomU8(pixels * C, random);
      const got = new Uint8Array(C);
      globalAvgPoolU8(x, pixels, C, [0, 255], got);
      assert.deepEqual(got, naiveAvgPoolU8(x, pixels, C, 0, 255));
      globalAvgPoolU8(x, pixels, C, [30, 200], got);
      assert.deepEqual(got, naiveAvgPoolU8(x, pixels, C, 30, 200));
    }
  // Ties round up: (8 + 8) / 16 → 1 from a sum of 8 over 16 pixels.
  const x = new Uint8Array(16);
  x[0] = 8;
  const out = new Uint8Array(1);
  globalAvgPoolU8(x, 16, 1, [0, 255], out);
  assert.equal(out[0], 1);
});

test('uint8 softmax: within one step of the exact softmax, sums to ~256, and zero for far-below inputs', () => {
  const random = mulberry32(25);
  for (let trial = 0; trial < 50; trial++) {
    const n = trial % 5 === 0 ? 1001 : randomInt(random, 2, 40);
    const x = randomU8(n, random);
    const scale = 0.05 + random() * 0.2;
    const got = softmaxU8(x, scale, 1, { scale: 1 / 256, zeroPoint: 0 });
    const max = Math.max(...x);
    const e = Array.from(x, (v) => Math.exp(scale * (v - max)));
    const sum = e.reduce((a, b) => a + b, 0);
    for (let i = 0; i < n; i++) {
      const exact = Math.min(255, (e[i] / sum) * 256);
      assert.ok(Math.abs(got[i] - exact) <= 0.5 + 1e-3, `trial ${trial} i ${i}: ${got[i]} vs ${exact}`);
    }
  }
  // One dominant logit saturates at 255 (p = 1 would be 256).
  const one = new Uint8Array(10);
  one[3] = 255;
  assert.equal(softmaxU8(one, 1, 1, { scale: 1 / 256, zeroPoint: 0 })[3], 255);
});

test('fp32 requantization (XNNPACK / ORT): float32(acc · scale) rounded once, ties to even; it differs from gemmlowp only near half steps', () => {
  const random = mulberry32(15);
  let differ = 0;
  for (let i = 0; i < 20000; i++) {
    const inScale = 0.02 + random() * 0.01,
      kScale = 0.005 + random() * 0.05;
    const out = { scale: 0.0235, zeroPoint: 0 };
    const g = convRequantization(inScale, kScale, out, [0, 255]);
    const f = convRequantization(inScale, kScale, out, [0, 255], 'fp32');
    const acc = randomInt(random, -2000, 200000);
    const exact = acc * Math.fround(Math.fround(inScale * kScale) / out.scale);
    const want = Math.min(255, Math.max(0, Math.abs(exact - Math.round(exact)) === 0.5 ? 2 * Math.round(exact / 2) : Math.round(Math.fround(exact))));
    assert.equal(requantize(acc, f), want, `acc ${acc}`);
    const dg = requantize(acc, g);
    if (dg !== want) {
      differ++;
      assert.equal(Math.abs(dg - want), 1);
      // The high multiply rounds to 2^shift of a step before the shift rounds again: that is the window.
      assert.ok(
        Math.abs(Math.abs(exact % 1) - 0.5) <= 0.5 * 2 ** g.shift + 1e-6,
        `gemmlowp and fp32 differ away from a half step: ${exact} (shift ${g.shift})`,
      );
    }
  }
  assert.ok(differ < 200, `${differ} of 20000 differ`);
  // The pool's fp32 mode rounds ties to even; gemmlowp's (Σ + n/2) / n rounds them up.
  const x = Uint8Array.from([8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const o = new Uint8Array(1);
  globalAvgPoolU8(x, 16, 1, [0, 255], o, 'fp32');
  assert.equal(o[0], 0);
  x[0] = 24;
  globalAvgPoolU8(x, 16, 1, [0, 255], o, 'fp32');
  assert.equal(o[0], 2);
});

test('input quantization: [-1, 1] → q = round_half_even(x · 128) + 128, saturated', () => {
  const q = { scale: 1 / 128, zeroPoint: 128 };
  const x = Float32Array.from([-1, 1, 0, 0.5, -0.5, 1 / 256, 3 / 256, -1 / 256, 2, -2, 0.99]);
  assert.deepEqual([...quantizeInput(x, q)], [0, 255, 128, 192, 64, 128, 130, 128, 255, 0, 255]);
});
