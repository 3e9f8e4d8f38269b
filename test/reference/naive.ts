/**
 * Naive definitions of the reference kernels, written straight from the maths with
 * no blocking, packing or fast paths: the oracle the product kernels are tested against.
 * Canonical layouts throughout (HWIO, [3,3,C], IO).
 */

/** TF 'same' padding before, derived independently of models/spec.ts. */
export function padBefore(inSize: number, stride: number): number {
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + 3 - inSize, 0);
  return Math.floor(total / 2);
}

/** Value at (y, x, c) with zeros outside the map. */
function at(x: Float32Array, size: number, C: number, iy: number, ix: number, c: number): number {
  return iy < 0 || ix < 0 || iy >= size || ix >= size ? 0 : x[(iy * size + ix) * C + c];
}

export function naiveConv3x3(x: Float32Array, size: number, inC: number, k: Float32Array, outC: number, stride: number): Float32Array {
  const outSize = Math.ceil(size / stride);
  const pad = padBefore(size, stride);
  const y = new Float32Array(outSize * outSize * outC);
  for (let oy = 0; oy < outSize; oy++)
    for (let ox = 0; ox < outSize; ox++)
      for (let o = 0; o < outC; o++) {
        let s = 0;
        for (let ky = 0; ky < 3; ky++)
          for (let kx = 0; kx < 3; kx++)
            for (let i = 0; i < inC; i++) {
              s += at(x, size, inC, oy * stride + ky - pad, ox * stride + kx - pad, i) * k[((ky * 3 + kx) * inC + i) * outC + o];
            }
        y[(oy * outSize + ox) * outC + o] = s;
      }
  return y;
}

export function naiveDepthwise3x3(x: Float32Array, size: number, C: number, k: Float32Array, stride: number): Float32Array {
  const outSize = Math.ceil(size / stride);
  const pad = padBefore(size, stride);
  const y = new Float32Array(outSize * outSize * C);
  for (let oy = 0; oy < outSize; oy++)
    for (let ox = 0; ox < outSize; ox++)
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let ky = 0; ky < 3; ky++)
          for (let kx = 0; kx < 3; kx++) {
            s += at(x, size, C, oy * stride + ky - pad, ox * stride + kx - pad, c) * k[(ky * 3 + kx) * C + c];
          }
        y[(oy * outSize + ox) * C + c] = s;
      }
  return y;
}

export function naivePointwise(x: Float32Array, pixels: number, inC: number, k: Float32Array, outC: number): Float32Array {
  const y = new Float32Array(pixels * outC);
  for (let p = 0; p < pixels; p++)
    for (let o = 0; o < outC; o++) {
      let s = 0;
      for (let i = 0; i < inC; i++) s += x[p * inC + i] * k[i * outC + o];
      y[p * outC + o] = s;
    }
  return y;
}

export function naiveBiasRelu6(x: Float32Array, bias: Float32Array): Float32Array {
  return x.map((v, j) => Math.min(Math.max(v + bias[j % bias.length], 0), 6));
}

export function naiveAvgPool(x: Float32Array, pixels: number, C: number): Float32Array {
  const y = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let p = 0; p < pixels; p++) s += x[p * C + c];
    y[c] = s / pixels;
  }
  return y;
}

export function naiveFullyConnected(x: Float32Array, k: Float32Array, bias: Float32Array): Float32Array {
  const classes = bias.length;
  const y = new Float32Array(classes);
  for (let j = 0; j < classes; j++) {
    let s = bias[j];
    for (let i = 0; i < x.length; i++) s += x[i] * k[i * classes + j];
    y[j] = s;
  }
  return y;
}

export function naiveSoftmax(x: Float32Array): Float32Array {
  const e = Array.from(x, (v) => Math.exp(v - Math.max(...x)));
  const sum = e.reduce((a, b) => a + b, 0);
  return Float32Array.from(e, (v) => v / sum);
}

/** Seeded uniform values in [lo, hi) (LCG; good enough for test data). */
export function seededArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = lo + (s / 4294967296) * (hi - lo);
  }
  return a;
}

/** Largest |a − b| relative to max(1, |b|); fails on length mismatch or NaN. */
export function maxRelError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (!(e <= worst)) worst = Number.isNaN(e) ? Infinity : e;
  }
  return worst;
}
