/**
 * Naive definitions of the integer kernels, written from TFLite's and gemmlowp's C++ with BigInt
 * for every 64-bit step and plain loops over canonical layouts: the oracle the integer reference's
 * kernels (models/reference/quantized/) are tested against.
 */
import { padBefore } from './naive.ts';

const I32_MIN = -(2n ** 31n);
const I32_MAX = 2n ** 31n - 1n;

/** C++ integer division of BigInts (truncates toward zero, as BigInt division does). */
function divTrunc(a: bigint, b: bigint): bigint {
  return a / b;
}

/** gemmlowp SaturatingRoundingDoublingHighMul, literally, in BigInt. */
export function naiveSRDHM(a: number, b: number): number {
  const A = BigInt(a),
    B = BigInt(b);
  if (A === I32_MIN && B === I32_MIN) return Number(I32_MAX);
  const ab = A * B;
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number(divTrunc(ab + nudge, 1n << 31n));
}

/** gemmlowp RoundingDivideByPOT: x / 2^e rounded to nearest, ties away from zero (exact integers). */
export function naiveRDBPOT(x: number, e: number): number {
  const X = BigInt(x);
  const d = 1n << BigInt(e);
  let q = divTrunc(X, d);
  const r = X - q * d;
  if (2n * (r < 0n ? -r : r) >= d) q += X < 0n ? -1n : 1n;
  return Number(q);
}

/** The whole uint8 output stage: MultiplyByQuantizedMultiplier, + zero point, clamp. */
export function naiveRequantize(acc: number, multiplier: number, shift: number, zp: number, min: number, max: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  const v = naiveRDBPOT(naiveSRDHM(Number(BigInt.asIntN(32, BigInt(acc) << BigInt(left))), multiplier), right) + zp;
  return Math.min(max, Math.max(min, v));
}

/** Output stage parameters for the naive kernels. */
export interface NaiveStage {
  multiplier: number;
  shift: number;
  zp: number;
  min: number;
  max: number;
}

function stage(acc: number, s: NaiveStage): number {
  return naiveRequantize(acc, s.multiplier, s.shift, s.zp, s.min, s.max);
}

/** uint8 3×3 conv, HWIO kernel, TF 'same', padding = the input zero point (contributes 0). */
export function naiveConvU8(
  x: Uint8Array,
  size: number,
  inC: number,
  xz: number,
  k: Uint8Array,
  kz: number,
  outC: number,
  stride: number,
  bias: Int32Array,
  s: NaiveStage,
): Uint8Array {
  const outSize = Math.ceil(size / stride);
  const pad = padBefore(size, stride);
  const y = new Uint8Array(outSize * outSize * outC);
  for (let oy = 0; oy < outSize; oy++)
    for (let ox = 0; ox < outSize; ox++)
      for (let o = 0; o < outC; o++) {
        let acc = bias[o];
        for (let ky = 0; ky < 3; ky++)
          for (let kx = 0; kx < 3; kx++)
            for (let i = 0; i < inC; i++) {
              const iy = oy * stride + ky - pad,
                ix = ox * stride + kx - pad;
              if (iy < 0 || ix < 0 || iy >= size || ix >= size) continue;
              acc += (x[(iy * size + ix) * inC + i] - xz) * (k[((ky * 3 + kx) * inC + i) * outC + o] - kz);
            }
        y[(oy * outSize + ox) * outC + o] = stage(acc, s);
      }
  return y;
}

/** uint8 depthwise 3×3, [3,3,C] kernel. */
export function naiveDepthwiseU8(
  x: Uint8Array,
  size: number,
  C: number,
  xz: number,
  k: Uint8Array,
  kz: number,
  stride: number,
  bias: Int32Array,
  s: NaiveStage,
): Uint8Array {
  const outSize = Math.ceil(size / stride);
  const pad = padBefore(size, stride);
  const y = new Uint8Array(outSize * outSize * C);
  for (let oy = 0; oy < outSize; oy++)
    for (let ox = 0; ox < outSize; ox++)
      for (let c = 0; c < C; c++) {
        let acc = bias[c];
        for (let ky = 0; ky < 3; ky++)
          for (let kx = 0; kx < 3; kx++) {
            const iy = oy * stride + ky - pad,
              ix = ox * stride + kx - pad;
            if (iy < 0 || ix < 0 || iy >= size || ix >= size) continue;
            acc += (x[(iy * size + ix) * C + c] - xz) * (k[(ky * 3 + kx) * C + c] - kz);
          }
        y[(oy * outSize + ox) * C + c] = stage(acc, s);
      }
  return y;
}

/** uint8 pointwise conv / fc, IO kernel. */
export function naivePointwiseU8(
  x: Uint8Array,
  pixels: number,
  inC: number,
  xz: number,
  k: Uint8Array,
  kz: number,
  outC: number,
  bias: Int32Array,
  s: NaiveStage,
): Uint8Array {
  const y = new Uint8Array(pixels * outC);
  for (let p = 0; p < pixels; p++)
    for (let o = 0; o < outC; o++) {
      let acc = bias[o];
      for (let i = 0; i < inC; i++) acc += (x[p * inC + i] - xz) * (k[i * outC + o] - kz);
      y[p * outC + o] = stage(acc, s);
    }
  return y;
}

/** TFLite uint8 average pool over the whole map: (Σ + n/2) / n, clamped. */
export function naiveAvgPoolU8(x: Uint8Array, pixels: number, C: number, min: number, max: number): Uint8Array {
  const y = new Uint8Array(C);
  for (let c = 0; c < C; c++) {
    let sum = 0n;
    for (let p = 0; p < pixels; p++) sum += BigInt(x[p * C + c]);
    const v = Number((sum + BigInt(pixels) / 2n) / BigInt(pixels));
    y[c] = Math.min(max, Math.max(min, v));
  }
  return y;
}
