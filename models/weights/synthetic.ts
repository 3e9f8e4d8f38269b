/**
 * Seeded synthetic weights for any α, resolution and class count: the
 * always-available default when the official files are absent.
 *
 * Scaling (an analytic, data-free variant of He / LSUV initialisation): every
 * conv layer is built so that, if its inputs have the moments we expect, each
 * output channel's pre-activation is ≈ N(β, s²). Each channel's Gaussian kernel
 * is normalised to ‖w‖² = s² / var_in (fan-in scaling, exact per channel), and
 * its bias cancels the mean the inputs bring in (b = β − μ_in·Σw). With β = 0.5
 * and s = 1.5, ReLU6 zeroes ~37 % of units and saturates ~0.01 %, so the
 * post-activation moments are the same at every depth: nothing vanishes or
 * blows up through 27 layers.
 */
import { mobilenetV1, type LayerSpec } from '../spec.ts';
import { kernelShape, validateWeights, type CanonicalWeights, type LayerWeights } from './canonical.ts';
import { mulberry32 } from '../../contract/stats/random.ts';

/** Target mean and standard deviation of every conv layer's pre-activation. */
const PRE_MEAN = 0.5;
const PRE_STD = 1.5;
/** Target spread of the logits' input-dependent part, relative to the pooled features. */
const FC_GAIN = 4;
/** Per-class bias noise, small next to the input-dependent part. */
const FC_BIAS_STD = 0.05;
/** Moments of the network input: uniform on [-1, 1]. */
const INPUT_MEAN = 0;
const INPUT_VAR = 1 / 3;
/** Below this a float32 is denormal (or close enough to it to be flushed). */
const TINY = 1e-30;

/** Standard normal samples by Box-Muller (both outputs of each pair are used). */
function gaussian(uniform: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u1 = 1 - uniform(); // (0, 1]: log(0) would be -Infinity
    const u2 = uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
}

/** Mean and variance of ReLU6(z) for z ~ N(mean, std²), by trapezoid quadrature over ±10 std. */
function relu6Moments(mean: number, std: number): { mean: number; variance: number } {
  const n = 20000;
  const lo = mean - 10 * std;
  const h = (20 * std) / n;
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i <= n; i++) {
    const z = lo + i * h;
    const weight = ((i === 0 || i === n ? 0.5 : 1) * h * Math.exp(-0.5 * ((z - mean) / std) ** 2)) / (std * Math.sqrt(2 * Math.PI));
    const a = Math.min(Math.max(z, 0), 6);
    m1 += weight * a;
    m2 += weight * a * a;
  }
  return { mean: m1, variance: m2 - m1 * m1 };
}

/** Moments of every conv layer's output (and so of the next layer's input). */
const ACT = relu6Moments(PRE_MEAN, PRE_STD);

/** Flush values too small for float32 to hold without going denormal. */
function flushTiny(v: number): number {
  return Math.abs(v) < TINY ? 0 : v;
}

/**
 * Kernel and bias for one layer. Every canonical layout has the output channel as its
 * last (fastest) index, so channel o's fan-in is kernel[i·outC + o].
 */
function layerWeights(
  layer: LayerSpec,
  shape: number[],
  normal: () => number,
  input: { mean: number; variance: number },
  targetStd: number,
  targetMean: number,
  biasNoise: number,
): LayerWeights {
  const size = shape.reduce((a, b) => a * b, 1);
  const outC = layer.outChannels;
  const fanIn = size / outC;
  const kernel = new Float32Array(size);
  const raw = new Float64Array(size);
  for (let i = 0; i < size; i++) raw[i] = normal();
  const bias = new Float32Array(outC);
  for (let o = 0; o < outC; o++) {
    let norm2 = 0;
    for (let i = 0; i < fanIn; i++) norm2 += raw[i * outC + o] ** 2;
    const scale = targetStd / Math.sqrt(norm2 * input.variance);
    let sum = 0;
    for (let i = 0; i < fanIn; i++) {
      const w = Math.fround(flushTiny(raw[i * outC + o] * scale));
      kernel[i * outC + o] = w;
      sum += w;
    }
    bias[o] = flushTiny(targetMean - input.mean * sum + biasNoise * normal());
  }
  return { name: layer.name, kernel, bias };
}

/** Options of syntheticWeights. */
export interface SyntheticOptions {
  /** 1001 (TF-slim, background first; the default) or 1000 (Keras). */
  classes?: 1000 | 1001;
  /** PRNG seed (default 0); the same seed gives identical bytes. */
  seed?: number;
}

/** Deterministic, well-scaled synthetic MobileNet V1 weights for one α × resolution. */
export function syntheticWeights(alpha: number, resolution: number, opts: SyntheticOptions = {}): CanonicalWeights {
  const classes = opts.classes ?? 1001;
  const seed = opts.seed ?? 0;
  const spec = mobilenetV1(alpha, resolution, classes);
  const normal = gaussian(mulberry32(seed));
  const layers: LayerWeights[] = [];
  for (const layer of spec.layers) {
    switch (layer.kind) {
      case 'conv':
        layers.push(layerWeights(layer, kernelShape(spec, layer.name), normal, { mean: INPUT_MEAN, variance: INPUT_VAR }, PRE_STD, PRE_MEAN, 0));
        break;
      case 'depthwise':
      case 'pointwise':
        layers.push(layerWeights(layer, kernelShape(spec, layer.name), normal, ACT, PRE_STD, PRE_MEAN, 0));
        break;
      case 'avgpool':
        break;
      case 'fc':
        // Scaled for the unpooled variance: pooling shrinks the input spread, and
        // FC_GAIN gives back a logit spread that clearly separates the classes.
        layers.push(layerWeights(layer, kernelShape(spec, layer.name), normal, ACT, FC_GAIN, 0, FC_BIAS_STD));
        break;
    }
  }
  const weights: CanonicalWeights = {
    alpha,
    resolution,
    classes,
    precision: 'float32',
    source: { kind: 'synthetic', seed },
    batchNormFolded: true,
    input: {},
    layers,
  };
  validateWeights(weights);
  return weights;
}
