/**
 * gemmlowp / TFLite fixed-point arithmetic, exactly: QuantizeMultiplier, the saturating rounding
 * doubling high multiply, the rounding divide by a power of two, and their composition that
 * requantizes an int32 accumulator. JS numbers are doubles, so the 64-bit product of two int32s
 * (up to 2^62) is split into parts that stay exact below 2^53; the BigInt definitions the tests
 * compare with are in test/reference/quantized-kernels.test.ts.
 */

const TWO_31 = 2 ** 31;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** std::round: halves away from zero. */
function roundAwayFromZero(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * TFLite's QuantizeMultiplier: real = multiplier · 2^(shift − 31) with multiplier in [2^30, 2^31)
 * (Q31), from frexp. Returns shift as TFLite's exponent (negative = divide).
 */
export function quantizeMultiplier(real: number): { multiplier: number; shift: number } {
  if (real === 0) return { multiplier: 0, shift: 0 };
  if (!(real > 0) || !Number.isFinite(real)) throw new RangeError(`quantizeMultiplier needs a positive finite multiplier, got ${real}`);
  // frexp: real = q · 2^shift, q in [0.5, 1).
  let shift = Math.floor(Math.log2(real)) + 1;
  let q = real / 2 ** shift;
  if (q >= 1) {
    q /= 2;
    shift++;
  }
  if (q < 0.5) {
    q *= 2;
    shift--;
  }
  let fixed = roundAwayFromZero(q * TWO_31);
  if (fixed === TWO_31) {
    fixed /= 2;
    shift++;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  return { multiplier: fixed, shift };
}

/**
 * gemmlowp SaturatingRoundingDoublingHighMul(a, b): the high 32 bits of 2·a·b, rounded to nearest
 * (the nudge), truncated toward zero as C++ integer division does; saturates INT32_MIN · INT32_MIN.
 */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  // a·b = a·bh·2^16 + a·bl with b = bh·2^16 + bl; each partial product is exact (< 2^47).
  const bl = b & 0xffff;
  const bh = (b - bl) / 65536;
  const hi = a * bh;
  const lo = a * bl;
  const negative = a < 0 !== b < 0 && a !== 0 && b !== 0;
  const nudge = negative ? 1 - 2 ** 30 : 2 ** 30;
  // hi·2^16 = hq·2^31 + hr·2^16 with hr in [0, 2^15): the remainder term stays exact.
  const hq = Math.floor(hi / 32768);
  const hr = hi - hq * 32768;
  const r = hr * 65536 + lo + nudge;
  const rq = Math.floor(r / TWO_31);
  const q = hq + rq; // floor((a·b + nudge) / 2^31)
  const rem = r - rq * TWO_31;
  // C++ divides toward zero: a negative quotient with a remainder rounds up.
  return q < 0 && rem !== 0 ? q + 1 : q;
}

/** gemmlowp RoundingDivideByPOT(x, exponent): x / 2^exponent rounded to nearest, ties away from zero. */
export function roundingDivideByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  const mask = exponent >= 31 ? 0x7fffffff : (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** TFLite MultiplyByQuantizedMultiplier(x, multiplier, shift): x · real multiplier in fixed point. */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return roundingDivideByPOT(highMul(left ? (x * 2 ** left) | 0 : x, multiplier), right);
}

/**
 * saturatingRoundingDoublingHighMul with a fast path: the double product a·b (≤ 2^62) is off by
 * at most 2^10, i.e. 2^-21 of the quotient's unit, so unless the quotient lies that close to an
 * integer its truncation is already exact; otherwise the exact split computation decides.
 */
function highMul(a: number, b: number): number {
  const y = (a * b + (a < 0 !== b < 0 ? 1 - 2 ** 30 : 2 ** 30)) / TWO_31;
  const t = Math.trunc(y);
  const f = y - t;
  if (f > 1e-5 && f < 1 - 1e-5) return t;
  if (f < -1e-5 && f > -1 + 1e-5) return t;
  return saturatingRoundingDoublingHighMul(a, b);
}

/**
 * How the int32 accumulator is scaled back to uint8:
 * - `gemmlowp`: TFLite's uint8 kernels (reference and builtin optimized): the Q31 fixed-point
 *   multiply, then a rounding shift. It rounds twice, so a value within ~2^shift/2^31 of a half
 *   step can round up where the exact product would round down.
 * - `fp32`: what XNNPACK (LiteRT's CPU path) and ONNX Runtime's MLAS do: acc · scale in float32
 *   with scale = float32(float32(input scale · kernel scale) / output scale), rounded once, ties
 *   to even. Kept so that those runtimes can be checked bit for bit (see docs/uint8.md, "Two roundings").
 */
export type RequantizationMode = 'gemmlowp' | 'fp32';

/** The output stage of a uint8 conv: requantize the int32 accumulator, add the zero point, clamp. */
export interface Requantization {
  mode: RequantizationMode;
  multiplier: number;
  shift: number;
  /** float32 scale of the fp32 mode. */
  scale: number;
  outputZeroPoint: number;
  min: number;
  max: number;
}

/** Round half to even (nearbyint / lrintf in the default rounding mode). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** TFLite's conv multiplier for uint8 (GetQuantizedConvolutionMultipler): float(input scale · kernel scale) / output scale. */
export function convRequantization(
  inputScale: number,
  kernelScale: number,
  output: { scale: number; zeroPoint: number },
  range: [number, number],
  mode: RequantizationMode = 'gemmlowp',
): Requantization {
  const product = Math.fround(inputScale * kernelScale);
  const { multiplier, shift } = quantizeMultiplier(product / output.scale);
  return { mode, multiplier, shift, scale: Math.fround(product / output.scale), outputZeroPoint: output.zeroPoint, min: range[0], max: range[1] };
}

/** acc → uint8 through the output stage. */
export function requantize(acc: number, r: Requantization): number {
  const v = (r.mode === 'gemmlowp' ? multiplyByQuantizedMultiplier(acc, r.multiplier, r.shift) : roundHalfEven(Math.fround(acc * r.scale))) + r.outputZeroPoint;
  return v < r.min ? r.min : v > r.max ? r.max : v;
}
