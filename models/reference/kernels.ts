/**
 * The reference kernels of MobileNet V1: NHWC float32, batch 1, square maps.
 * Pure functions that write into a caller-owned output array (so a network can
 * preallocate). Sums are accumulated in JS doubles and rounded to float32 once,
 * on store. The pointwise conv, the fc layer and the stem (after im2col) share one
 * register-blocked matmul on kernels packed once as [outC, fanIn]; the naive
 * definitions they are tested against live in test/reference/kernels.test.ts.
 *
 * Shapes: a feature map of size S and C channels is S·S·C floats, index (y·S + x)·C + c.
 */
import { samePadding, sameOutputSize } from '../spec.ts';

/** Clamp to [0, 6]. */
function relu6(v: number): number {
  return v < 0 ? 0 : v > 6 ? 6 : v;
}

/** Optional fused epilogue of a conv kernel: add a per-channel bias, then ReLU6. */
export interface Epilogue {
  bias?: Float32Array;
  relu6?: boolean;
}

/** Apply the epilogue to one accumulated value. */
function finish(acc: number, clamp: boolean): number {
  return clamp ? relu6(acc) : acc;
}

/**
 * Transpose a [fanIn, outC] kernel (pointwise IO, fc IO, or conv HWIO seen as [3·3·inC, outC])
 * to the [outC, fanIn] layout `matmul` wants, once at load time.
 */
export function packKernel(kernel: Float32Array, fanIn: number, outC: number): Float32Array {
  const packed = new Float32Array(fanIn * outC);
  for (let i = 0; i < fanIn; i++) {
    for (let o = 0; o < outC; o++) packed[o * fanIn + i] = kernel[i * outC + o];
  }
  return packed;
}

/**
 * out[p, o] = Σ_i input[p, i] · packed[o, i] (+ epilogue): [rows, inC] · [inC, outC] with the kernel
 * packed as [outC, inC] (see packKernel). The pointwise conv, the fc layer and the im2col'd stem all
 * run here, so this is where ~97 % of the time goes.
 *
 * The work is split into three functions, each called only for shapes that reach all of its
 * branches: with the leftover loops inline, V8 optimized matmul on the first layers (no leftovers)
 * and threw the optimized code away ("insufficient type feedback for compare operation") at each
 * layer that had some: about 35 deoptimizations per process (--trace-deopt), now one.
 */
export function matmul(input: Float32Array, rows: number, inC: number, packed: Float32Array, outC: number, out: Float32Array, epilogue: Epilogue = {}): void {
  // Sizes computed with Math.ceil / ** may arrive as heap doubles; `| 0` keeps every
  // index in small-integer arithmetic (worth ~1.7× here).
  rows |= 0;
  inC |= 0;
  outC |= 0;
  const bias = epilogue.bias ?? new Float32Array(outC);
  const clamp = epilogue.relu6 === true;
  const rows4 = rows - (rows % 4);
  const outC4 = outC - (outC % 4);
  for (let p = 0; p < rows4; p += 4) {
    if (outC4 > 0) block4x4(input, p, inC, packed, outC4, outC, out, bias, clamp);
    if (outC4 < outC) block4x1(input, p, inC, packed, outC4, outC, out, bias, clamp);
  }
  for (let p = rows4; p < rows; p++) block1(input, p, inC, packed, outC, out, bias, clamp);
}

/** Rows p..p+3 × output channels 0..outC4 in 4 × 4 register blocks: 16 accumulators, 8 loads per 16 multiply-adds, every stream contiguous. */
function block4x4(
  input: Float32Array,
  p: number,
  inC: number,
  packed: Float32Array,
  outC4: number,
  outC: number,
  out: Float32Array,
  bias: Float32Array,
  clamp: boolean,
): void {
  const x0 = p * inC,
    x1 = x0 + inC,
    x2 = x1 + inC,
    x3 = x2 + inC;
  const y0 = p * outC,
    y1 = y0 + outC,
    y2 = y1 + outC,
    y3 = y2 + outC;
  for (let o = 0; o < outC4; o += 4) {
    const k0 = o * inC,
      k1 = k0 + inC,
      k2 = k1 + inC,
      k3 = k2 + inC;
    let a00 = 0,
      a01 = 0,
      a02 = 0,
      a03 = 0;
    let a10 = 0,
      a11 = 0,
      a12 = 0,
      a13 = 0;
    let a20 = 0,
      a21 = 0,
      a22 = 0,
      a23 = 0;
    let a30 = 0,
      a31 = 0,
      a32 = 0,
      a33 = 0;
    for (let i = 0; i < inC; i++) {
      const w0 = packed[k0 + i],
        w1 = packed[k1 + i],
        w2 = packed[k2 + i],
        w3 = packed[k3 + i];
      const v0 = input[x0 + i],
        v1 = input[x1 + i],
        v2 = input[x2 + i],
        v3 = input[x3 + i];
      a00 += v0 * w0;
      a01 += v0 * w1;
      a02 += v0 * w2;
      a03 += v0 * w3;
      a10 += v1 * w0;
      a11 += v1 * w1;
      a12 += v1 * w2;
      a13 += v1 * w3;
      a20 += v2 * w0;
      a21 += v2 * w1;
      a22 += v2 * w2;
      a23 += v2 * w3;
      a30 += v3 * w0;
      a31 += v3 * w1;
      a32 += v3 * w2;
      a33 += v3 * w3;
    }
    const b0 = bias[o],
      b1 = bias[o + 1],
      b2 = bias[o + 2],
      b3 = bias[o + 3];
    out[y0 + o] = finish(a00 + b0, clamp);
    out[y0 + o + 1] = finish(a01 + b1, clamp);
    out[y0 + o + 2] = finish(a02 + b2, clamp);
    out[y0 + o + 3] = finish(a03 + b3, clamp);
    out[y1 + o] = finish(a10 + b0, clamp);
    out[y1 + o + 1] = finish(a11 + b1, clamp);
    out[y1 + o + 2] = finish(a12 + b2, clamp);
    out[y1 + o + 3] = finish(a13 + b3, clamp);
    out[y2 + o] = finish(a20 + b0, clamp);
    out[y2 + o + 1] = finish(a21 + b1, clamp);
    out[y2 + o + 2] = finish(a22 + b2, clamp);
    out[y2 + o + 3] = finish(a23 + b3, clamp);
    out[y3 + o] = finish(a30 + b0, clamp);
    out[y3 + o + 1] = finish(a31 + b1, clamp);
    out[y3 + o + 2] = finish(a32 + b2, clamp);
    out[y3 + o + 3] = finish(a33 + b3, clamp);
  }
}

/** Rows p..p+3 × the leftover output channels outC4..outC (only the fc layer's 1001 / 1000 classes). */
function block4x1(
  input: Float32Array,
  p: number,
  inC: number,
  packed: Float32Array,
  outC4: number,
  outC: number,
  out: Float32Array,
  bias: Float32Array,
  clamp: boolean,
): void {
  const x0 = p * inC,
    x1 = x0 + inC,
    x2 = x1 + inC,
    x3 = x2 + inC;
  const y0 = p * outC;
  for (let o = outC4; o < outC; o++) {
    const k = o * inC;
    let a0 = 0,
      a1 = 0,
      a2 = 0,
      a3 = 0;
    for (let i = 0; i < inC; i++) {
      const w = packed[k + i];
      a0 += input[x0 + i] * w;
      a1 += input[x1 + i] * w;
      a2 += input[x2 + i] * w;
      a3 += input[x3 + i] * w;
    }
    const b = bias[o];
    out[y0 + o] = finish(a0 + b, clamp);
    out[y0 + outC + o] = finish(a1 + b, clamp);
    out[y0 + 2 * outC + o] = finish(a2 + b, clamp);
    out[y0 + 3 * outC + o] = finish(a3 + b, clamp);
  }
}

/** One leftover row (e.g. of 7·7 = 49 pixels, or the single fc row) × every output channel, 4 at a time, then 1. */
function block1(input: Float32Array, p: number, inC: number, packed: Float32Array, outC: number, out: Float32Array, bias: Float32Array, clamp: boolean): void {
  const x = p * inC,
    y = p * outC;
  const outC4 = outC - (outC % 4);
  for (let o = 0; o < outC4; o += 4) {
    const k0 = o * inC,
      k1 = k0 + inC,
      k2 = k1 + inC,
      k3 = k2 + inC;
    let a0 = 0,
      a1 = 0,
      a2 = 0,
      a3 = 0;
    for (let i = 0; i < inC; i++) {
      const v = input[x + i];
      a0 += v * packed[k0 + i];
      a1 += v * packed[k1 + i];
      a2 += v * packed[k2 + i];
      a3 += v * packed[k3 + i];
    }
    out[y + o] = finish(a0 + bias[o], clamp);
    out[y + o + 1] = finish(a1 + bias[o + 1], clamp);
    out[y + o + 2] = finish(a2 + bias[o + 2], clamp);
    out[y + o + 3] = finish(a3 + bias[o + 3], clamp);
  }
  for (let o = outC4; o < outC; o++) {
    const k = o * inC;
    let a = 0;
    for (let i = 0; i < inC; i++) a += input[x + i] * packed[k + i];
    out[y + o] = finish(a + bias[o], clamp);
  }
}

/** Pointwise (1×1) conv over `pixels` positions: matmul with the [inC, outC] kernel packed by packKernel. */
export function pointwise(
  input: Float32Array,
  pixels: number,
  inC: number,
  packed: Float32Array,
  outC: number,
  out: Float32Array,
  epilogue: Epilogue = {},
): void {
  matmul(input, pixels, inC, packed, outC, out, epilogue);
}

/**
 * im2col for a 3×3 TF 'same' conv: row (oy·outSize + ox) holds the 3·3·inC input values under the
 * kernel in (ky, kx, ic) order (zeros in the padding); returns the output size.
 */
export function im2col3x3(input: Float32Array, inSize: number, inC: number, stride: number, out: Float32Array): number {
  const outSize = sameOutputSize(inSize, stride);
  const [pad] = samePadding(inSize, 3, stride);
  inSize |= 0;
  inC |= 0;
  stride |= 0;
  const rowLen = 9 * inC;
  for (let oy = 0; oy < outSize; oy++) {
    for (let ox = 0; ox < outSize; ox++) {
      let r = (oy * outSize + ox) * rowLen;
      for (let ky = 0; ky < 3; ky++) {
        const iy = oy * stride + ky - pad;
        for (let kx = 0; kx < 3; kx++) {
          const ix = ox * stride + kx - pad;
          if (iy < 0 || iy >= inSize || ix < 0 || ix >= inSize) {
            out.fill(0, r, r + inC);
          } else {
            const i = (iy * inSize + ix) * inC;
            for (let c = 0; c < inC; c++) out[r + c] = input[i + c];
          }
          r += inC;
        }
      }
    }
  }
  return outSize;
}

/**
 * Standard 3×3 conv, TF 'same' padding, stride 1 or 2: im2col into `scratch` (outSize²·9·inC floats),
 * then matmul with the HWIO kernel [3,3,inC,outC] packed by packKernel(kernel, 9·inC, outC).
 * Returns the output size.
 */
export function conv3x3(
  input: Float32Array,
  inSize: number,
  inC: number,
  packed: Float32Array,
  outC: number,
  stride: number,
  out: Float32Array,
  epilogue: Epilogue = {},
  scratch: Float32Array = new Float32Array(sameOutputSize(inSize, stride) ** 2 * 9 * inC),
): number {
  const outSize = im2col3x3(input, inSize, inC, stride, scratch);
  matmul(scratch, outSize * outSize, 9 * inC, packed, outC, out, epilogue);
  return outSize;
}

/** One output pixel of the depthwise conv, skipping taps in the zero padding (the border path). */
function depthwisePixel(
  input: Float32Array,
  inSize: number,
  C: number,
  kernel: Float32Array,
  iy0: number,
  ix0: number,
  out: Float32Array,
  o: number,
  bias: Float32Array | undefined,
  clamp: boolean,
): void {
  for (let c = 0; c < C; c++) {
    let acc = bias ? bias[c] : 0;
    for (let ky = 0; ky < 3; ky++) {
      const iy = iy0 + ky;
      if (iy < 0 || iy >= inSize) continue;
      for (let kx = 0; kx < 3; kx++) {
        const ix = ix0 + kx;
        if (ix < 0 || ix >= inSize) continue;
        acc += input[(iy * inSize + ix) * C + c] * kernel[(ky * 3 + kx) * C + c];
      }
    }
    out[o + c] = finish(acc, clamp);
  }
}

/** Depthwise 3×3 conv (depth multiplier 1), kernel [3,3,C], TF 'same' padding, stride 1 or 2; returns the output size. */
export function depthwise3x3(
  input: Float32Array,
  inSize: number,
  channels: number,
  kernel: Float32Array,
  stride: number,
  out: Float32Array,
  epilogue: Epilogue = {},
): number {
  const outSize = sameOutputSize(inSize, stride) | 0;
  const pad = samePadding(inSize, 3, stride)[0] | 0;
  const { bias, relu6: clamp = false } = epilogue;
  const C = channels | 0;
  inSize |= 0;
  stride |= 0;
  const row = inSize * C;
  const step = stride * C;
  // Output columns/rows whose 3×3 window lies wholly inside the input.
  const first = Math.ceil(pad / stride);
  const end = Math.min(outSize, Math.floor((inSize - 3 + pad) / stride) + 1);
  for (let oy = 0; oy < outSize; oy++) {
    const iy0 = oy * stride - pad;
    const yo = oy * outSize * C;
    if (oy < first || oy >= end) {
      for (let ox = 0; ox < outSize; ox++) depthwisePixel(input, inSize, C, kernel, iy0, ox * stride - pad, out, yo + ox * C, bias, clamp);
      continue;
    }
    for (let ox = 0; ox < first; ox++) depthwisePixel(input, inSize, C, kernel, iy0, ox * stride - pad, out, yo + ox * C, bias, clamp);
    for (let ox = end; ox < outSize; ox++) depthwisePixel(input, inSize, C, kernel, iy0, ox * stride - pad, out, yo + ox * C, bias, clamp);
    // Interior of the row: channel outer, so the nine taps and the bias stay in registers
    // while the window slides along the row (9 loads per 9 multiply-adds instead of 18).
    const rowStart = (iy0 * inSize + first * stride - pad) * C;
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
      const b = bias ? bias[c] : 0;
      let t = rowStart + c;
      for (let ox = first, o = yo + first * C + c; ox < end; ox++, o += C, t += step) {
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
        out[o] = finish(acc, clamp);
      }
    }
  }
  return outSize;
}

/** In place: x[p, c] = ReLU6(x[p, c] + bias[c]) (batch norm is already folded into the bias). */
export function biasRelu6(x: Float32Array, bias: Float32Array): void {
  const channels = bias.length;
  for (let i = 0; i < x.length; i += channels) {
    for (let c = 0; c < channels; c++) x[i + c] = relu6(x[i + c] + bias[c]);
  }
}

/** Global average pool: [pixels, C] → [C]. */
export function globalAvgPool(input: Float32Array, pixels: number, channels: number, out: Float32Array): void {
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let p = 0; p < pixels; p++) sum += input[p * channels + c];
    out[c] = sum / pixels;
  }
}

/** Fully connected: out[j] = bias[j] + Σ_i x[i]·kernel[i, j], kernel [inC, classes] packed by packKernel; no activation. */
export function fullyConnected(input: Float32Array, inC: number, packed: Float32Array, bias: Float32Array, out: Float32Array): void {
  matmul(input, 1, inC, packed, bias.length, out, { bias });
}

/** Softmax of logits into `out` (may be the same array); subtracts the max first so exp cannot overflow. */
export function softmax(logits: Float32Array, out: Float32Array = new Float32Array(logits.length)): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  for (let i = 0; i < logits.length; i++) out[i] = Math.exp(logits[i] - max) / sum;
  return out;
}
