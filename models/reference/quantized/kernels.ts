/**
 * The integer kernels of the uint8 MobileNet V1, computed as TFLite's uint8 reference kernels
 * define them: uint8 activations and kernels with zero points, int32 accumulators and biases,
 * the fixed-point output stage of fixed-point.ts (ReLU6 is the clamp to the output range;
 * the `fp32` mode of XNNPACK / ONNX Runtime is there too, for bit-exact checks of those runtimes),
 * the average pool's rounded integer mean, and the softmax of TFLite's uint8 kernel (a float
 * lookup table of exp over the 256 input differences).
 *
 * NHWC, batch 1, square maps, like the float kernels. Kernels are packed once at load time as
 * Int16 `w − zero point`, so a multiply-add is one integer product; every sum stays far below
 * 2^53 (and below 2^31, as TFLite's int32 accumulator needs: |Σ| ≤ 9·1024·255·255 < 2^31).
 */
import { samePadding, sameOutputSize } from '../../spec.ts';
import { requantize, roundHalfEven, type Requantization, type RequantizationMode } from './fixed-point.ts';

/** `[fanIn, outC]` uint8 kernel (canonical IO / HWIO) → `[outC, fanIn]` Int16 of (w − zeroPoint). */
export function packKernelU8(kernel: Uint8Array, fanIn: number, outC: number, zeroPoint: number): Int16Array {
  const packed = new Int16Array(fanIn * outC);
  for (let i = 0; i < fanIn; i++) {
    for (let o = 0; o < outC; o++) packed[o * fanIn + i] = kernel[i * outC + o] - zeroPoint;
  }
  return packed;
}

/** Depthwise `[3,3,C]` uint8 kernel → Int16 of (w − zeroPoint), same layout. */
export function offsetKernelU8(kernel: Uint8Array, zeroPoint: number): Int16Array {
  const out = new Int16Array(kernel.length);
  for (let i = 0; i < kernel.length; i++) out[i] = kernel[i] - zeroPoint;
  return out;
}

/**
 * uint8 matmul: out[p, o] = requantize(bias[o] + Σ_i (x[p, i] − xZero) · packed[o, i]), the shared
 * core of the pointwise conv, the fc layer and the im2col'd stem.
 */
export function matmulU8(
  input: Uint8Array,
  rows: number,
  inC: number,
  xZero: number,
  packed: Int16Array,
  outC: number,
  bias: Int32Array,
  r: Requantization,
  out: Uint8Array,
): void {
  rows |= 0;
  inC |= 0;
  outC |= 0;
  if (xZero !== 0) {
    // Σ (x − z)·w = Σ x·w − z·Σ w: fold the zero point into the bias, once.
    const folded = new Int32Array(outC);
    for (let o = 0; o < outC; o++) {
      let sum = 0;
      for (let i = 0; i < inC; i++) sum += packed[o * inC + i];
      folded[o] = bias[o] - xZero * sum;
    }
    bias = folded;
    xZero = 0;
  }
  const rows2 = rows - (rows % 2);
  const outC2 = outC - (outC % 2);
  // 2 rows × 2 output channels per pass: four independent integer accumulators.
  for (let p = 0; p < rows2; p += 2) {
    const x0 = p * inC,
      x1 = x0 + inC;
    const y0 = p * outC,
      y1 = y0 + outC;
    for (let o = 0; o < outC2; o += 2) {
      const k0 = o * inC,
        k1 = k0 + inC;
      let a00 = 0,
        a01 = 0,
        a10 = 0,
        a11 = 0;
      for (let i = 0; i < inC; i++) {
        const w0 = packed[k0 + i],
          w1 = packed[k1 + i];
        const v0 = input[x0 + i],
          v1 = input[x1 + i];
        a00 += v0 * w0;
        a01 += v0 * w1;
        a10 += v1 * w0;
        a11 += v1 * w1;
      }
      out[y0 + o] = requantize(a00 + bias[o], r);
      out[y0 + o + 1] = requantize(a01 + bias[o + 1], r);
      out[y1 + o] = requantize(a10 + bias[o], r);
      out[y1 + o + 1] = requantize(a11 + bias[o + 1], r);
    }
    for (let o = outC2; o < outC; o++) {
      const k = o * inC;
      let a0 = 0,
        a1 = 0;
      for (let i = 0; i < inC; i++) {
        const w = packed[k + i];
        a0 += input[x0 + i] * w;
        a1 += input[x1 + i] * w;
      }
      out[y0 + o] = requantize(a0 + bias[o], r);
      out[y1 + o] = requantize(a1 + bias[o], r);
    }
  }
  for (let p = rows2; p < rows; p++) {
    const x = p * inC,
      y = p * outC;
    for (let o = 0; o < outC; o++) {
      const k = o * inC;
      let a = 0;
      for (let i = 0; i < inC; i++) a += input[x + i] * packed[k + i];
      out[y + o] = requantize(a + bias[o], r);
    }
  }
}

/** im2col for a 3×3 TF 'same' conv over uint8; padding holds the zero point (real 0). Returns the output size. */
function im2col3x3U8(input: Uint8Array, inSize: number, inC: number, stride: number, zeroPoint: number, out: Uint8Array): number {
  const outSize = sameOutputSize(inSize, stride);
  const [pad] = samePadding(inSize, 3, stride);
  const rowLen = 9 * inC;
  for (let oy = 0; oy < outSize; oy++) {
    for (let ox = 0; ox < outSize; ox++) {
      let r = (oy * outSize + ox) * rowLen;
      for (let ky = 0; ky < 3; ky++) {
        const iy = oy * stride + ky - pad;
        for (let kx = 0; kx < 3; kx++) {
          const ix = ox * stride + kx - pad;
          if (iy < 0 || iy >= inSize || ix < 0 || ix >= inSize) out.fill(zeroPoint, r, r + inC);
          else out.set(input.subarray((iy * inSize + ix) * inC, (iy * inSize + ix + 1) * inC), r);
          r += inC;
        }
      }
    }
  }
  return outSize;
}

/** Standard 3×3 conv on uint8 (TF 'same'), kernel packed by packKernelU8(kernel, 9·inC, outC, zp). Returns the output size. */
export function conv3x3U8(
  input: Uint8Array,
  inSize: number,
  inC: number,
  xZero: number,
  packed: Int16Array,
  outC: number,
  stride: number,
  bias: Int32Array,
  r: Requantization,
  out: Uint8Array,
  scratch: Uint8Array = new Uint8Array(sameOutputSize(inSize, stride) ** 2 * 9 * inC),
): number {
  const outSize = im2col3x3U8(input, inSize, inC, stride, xZero, scratch);
  matmulU8(scratch, outSize * outSize, 9 * inC, xZero, packed, outC, bias, r, out);
  return outSize;
}

/**
 * Depthwise 3×3 conv on uint8 (depth multiplier 1, TF 'same'): taps in the padding are skipped,
 * which is TFLite's "input value = zero point". Kernel from offsetKernelU8. Returns the output size.
 */
export function depthwise3x3U8(
  input: Uint8Array,
  inSize: number,
  C: number,
  xZero: number,
  kernel: Int16Array,
  stride: number,
  bias: Int32Array,
  r: Requantization,
  out: Uint8Array,
): number {
  const outSize = sameOutputSize(inSize, stride);
  const pad = samePadding(inSize, 3, stride)[0];
  // Output columns/rows whose 3×3 window lies wholly inside the input.
  const first = Math.ceil(pad / stride);
  const end = Math.min(outSize, Math.floor((inSize - 3 + pad) / stride) + 1);
  const row = inSize * C;
  for (let oy = 0; oy < outSize; oy++) {
    const iy0 = oy * stride - pad;
    const border = oy < first || oy >= end;
    for (let ox = 0; ox < outSize; ox++) {
      if (!border && ox >= first && ox < end) continue;
      depthwisePixelU8(input, inSize, C, xZero, kernel, bias, r, iy0, ox * stride - pad, out, (oy * outSize + ox) * C);
    }
    if (border) continue;
    // Interior: channel outer, the nine taps in registers while the window slides along the row.
    for (let c = 0; c < C; c++) {
      const k0 = kernel[c],
        k1 = kernel[C + c],
        k2 = kernel[2 * C + c];
      const k3 = kernel[3 * C + c],
        k4 = kernel[4 * C + c],
        k5 = kernel[5 * C + c];
      const k6 = kernel[6 * C + c],
        k7 = kernel[7 * C + c],
        k8 = kernel[8 * C + c];
      // Σ (x − z)·k = Σ x·k − z·Σ k: the zero point leaves the inner loop.
      const b = bias[c] - xZero * (k0 + k1 + k2 + k3 + k4 + k5 + k6 + k7 + k8);
      let t = (iy0 * inSize + first * stride - pad) * C + c;
      for (let ox = first, o = (oy * outSize + first) * C + c; ox < end; ox++, o += C, t += stride * C) {
        const u = t + row,
          v = u + row;
        const acc =
          b +
          input[t] * k0 +
          input[t + C] * k1 +
          input[t + 2 * C] * k2 +
          input[u] * k3 +
          input[u + C] * k4 +
          input[u + 2 * C] * k5 +
          input[v] * k6 +
          input[v + C] * k7 +
          input[v + 2 * C] * k8;
        out[o] = requantize(acc, r);
      }
    }
  }
  return outSize;
}

/** One output pixel of the uint8 depthwise conv, skipping taps in the padding (the border path). */
function depthwisePixelU8(
  input: Uint8Array,
  inSize: number,
  C: number,
  xZero: number,
  kernel: Int16Array,
  bias: Int32Array,
  r: Requantization,
  iy0: number,
  ix0: number,
  out: Uint8Array,
  o: number,
): void {
  const ky0 = iy0 < 0 ? -iy0 : 0;
  const ky1 = Math.min(3, inSize - iy0);
  const kx0 = ix0 < 0 ? -ix0 : 0;
  const kx1 = Math.min(3, inSize - ix0);
  for (let c = 0; c < C; c++) {
    let acc = bias[c];
    for (let ky = ky0; ky < ky1; ky++) {
      const rowStart = ((iy0 + ky) * inSize + ix0) * C + c;
      for (let kx = kx0; kx < kx1; kx++) acc += (input[rowStart + kx * C] - xZero) * kernel[(ky * 3 + kx) * C + c];
    }
    out[o + c] = requantize(acc, r);
  }
}

/**
 * TFLite's uint8 average pool over the whole map (filter = map, VALID): the integer mean
 * (Σ + n/2) / n (C++ integer division), clamped to the activation range. Input and output share
 * their quantization, as TFLite requires.
 */
export function globalAvgPoolU8(
  input: Uint8Array,
  pixels: number,
  channels: number,
  range: [number, number],
  out: Uint8Array,
  mode: RequantizationMode = 'gemmlowp',
): void {
  const half = Math.floor(pixels / 2);
  const scale = Math.fround(1 / pixels);
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let p = 0; p < pixels; p++) sum += input[p * channels + c];
    // gemmlowp: TFLite's (Σ + n/2) / n (sum ≥ 0, so floor is C++'s truncation); fp32: Σ · (1/n) rounded half to even.
    const v = mode === 'gemmlowp' ? Math.floor((sum + half) / pixels) : roundHalfEven(Math.fround(sum * scale));
    out[c] = v < range[0] ? range[0] : v > range[1] ? range[1] : v;
  }
}

/**
 * TFLite's uint8 softmax (the builtin kernel's lookup-table path, PopulateSoftmaxLookupTable and
 * optimized_ops::Softmax): table[255 − d] = expf(−inputScale · beta · d) in float32; sum the table
 * entries in order, then q = (int)(p / outputScale + 0.5) clamped to [0, 255] (zero point 0).
 */
export function softmaxU8(
  input: Uint8Array,
  inputScale: number,
  beta: number,
  output: { scale: number; zeroPoint: number },
  out: Uint8Array = new Uint8Array(input.length),
): Uint8Array {
  const f = Math.fround;
  const scale = f(-f(inputScale) * f(beta));
  const table = new Float32Array(256);
  for (let v = 0; v <= 255; v++) table[255 - v] = Math.exp(f(scale * v));
  let max = 0;
  for (let j = 0; j < input.length; j++) if (input[j] > max) max = input[j];
  const offset = 255 - max;
  let sum = 0;
  for (let j = 0; j < input.length; j++) sum = f(sum + table[offset + input[j]]);
  const inv = f(1 / f(sum * f(output.scale)));
  for (let j = 0; j < input.length; j++) {
    const q = Math.trunc(f(f(table[offset + input[j]] * inv) + 0.5)) + output.zeroPoint;
    out[j] = q < 0 ? 0 : q > 255 ? 255 : q;
  }
  return out;
}

/** Float NHWC input → uint8 with the model's input quantization (round half to even, as QuantizeLinear and TF do). */
export function quantizeInput(x: Float32Array, q: { scale: number; zeroPoint: number }, out: Uint8Array = new Uint8Array(x.length)): Uint8Array {
  for (let i = 0; i < x.length; i++) {
    const y = roundHalfEven(x[i] / q.scale) + q.zeroPoint;
    out[i] = y < 0 ? 0 : y > 255 ? 255 : y;
  }
  return out;
}
