/**
 * MobileNet V1 as data: the 28 layers (1 standard conv, 13 depthwise + 13
 * pointwise convs, average pool, fully connected), scaled by the width
 * multiplier α and the input resolution, with analytic multiply-accumulates
 * and parameter counts per layer (Howard et al. 2017, section 3).
 */

/** The four width multipliers of the official release. */
export const ALPHAS = [1, 0.75, 0.5, 0.25] as const;
/** The four input resolutions of the official release. */
export const RESOLUTIONS = [224, 192, 160, 128] as const;

/**
 * The largest input resolution a model file may declare. The official models stop at 224; a
 * declared 100000 × 100000 input would need terabytes of activations and MAC counts beyond any
 * result's bounds, so it is refused where the file is read rather than failing the whole run.
 */
export const MAX_RESOLUTION = 2048;

/** Why `resolution` cannot be a MobileNet V1 input (an integer from 32 to MAX_RESOLUTION), or null when it can. */
export function resolutionProblem(resolution: unknown): string | null {
  if (typeof resolution !== 'number' || !Number.isInteger(resolution)) return `resolution ${JSON.stringify(resolution)} is not an integer`;
  if (resolution < 32) return `resolution ${resolution} is below 32 (five stride-2 layers need at least 32 pixels)`;
  if (resolution > MAX_RESOLUTION)
    return `resolution ${resolution} is above the limit of ${MAX_RESOLUTION} pixels (the official models use 128 to 224; a larger input would need more memory than a run has)`;
  return null;
}

export type Alpha = (typeof ALPHAS)[number];
export type Resolution = (typeof RESOLUTIONS)[number];

/** One α × resolution point of the family. */
export interface Variant {
  alpha: number;
  resolution: number;
}

/** A layer kind as the reference and every exporter understand it. */
export type LayerKind = 'conv' | 'depthwise' | 'pointwise' | 'avgpool' | 'fc';

/** One layer with its shapes (NHWC, batch 1) and analytic costs. */
export interface LayerSpec {
  /** Stable name shared by weights, exporters and reports: conv0, dw1, pw1, …, dw13, pw13, pool, fc. */
  name: string;
  kind: LayerKind;
  /** Kernel size (3 for conv/depthwise, 1 for pointwise, the map size for the pool). */
  kernel: number;
  stride: number;
  inChannels: number;
  outChannels: number;
  /** Input feature map height = width. */
  inSize: number;
  /** Output feature map height = width (TF 'same': ceil(in / stride)). */
  outSize: number;
  /** Multiply-accumulates for one image. */
  macs: number;
  /** Kernel weights. */
  weights: number;
  /** Trainable parameters, the paper's count: kernel weights + batch-norm γ and β (conv layers) or the bias (classifier). */
  params: number;
  /** Parameters at inference time, batch norm folded: kernel weights + one bias per output channel. */
  inferenceParams: number;
}

/** The whole network for one variant. */
export interface NetworkSpec extends Variant {
  classes: number;
  layers: LayerSpec[];
  /** Sum of layer MACs. */
  macs: number;
  /** Sum of layer params (trainable: weights + BN γ, β + classifier bias); matches the published table within 1 %. */
  params: number;
  /** Sum of inference params (weights + folded biases), what the canonical weights hold. */
  inferenceParams: number;
}

/** Output channels and stride of the 13 depthwise-separable blocks at α = 1. */
const BLOCKS: ReadonlyArray<readonly [channels: number, stride: number]> = [
  [64, 1],
  [128, 2],
  [128, 1],
  [256, 2],
  [256, 1],
  [512, 2],
  [512, 1],
  [512, 1],
  [512, 1],
  [512, 1],
  [512, 1],
  [1024, 2],
  [1024, 1],
];

/** Channels of the first standard conv at α = 1. */
const STEM_CHANNELS = 32;
/** TF-slim's min_depth: no layer is thinner than this. */
const MIN_DEPTH = 8;

/** TF-slim's channel rule: max(floor(c · α), 8). */
export function scaledChannels(channels: number, alpha: number): number {
  // The epsilon keeps 0.75 · 64 = 48 from flooring to 47 through float error.
  return Math.max(Math.floor(channels * alpha + 1e-9), MIN_DEPTH);
}

/** Output size of a TF 'same' convolution. */
export function sameOutputSize(inSize: number, stride: number): number {
  return Math.ceil(inSize / stride);
}

/** TF 'same' padding along one axis: [before, after]; stride 2 on even sizes pads only after. */
export function samePadding(inSize: number, kernel: number, stride: number): [number, number] {
  const out = sameOutputSize(inSize, stride);
  const total = Math.max((out - 1) * stride + kernel - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Parameter counts of a conv layer followed by batch norm (no conv bias, as in TF-slim and Keras). */
function convParams(weights: number, outChannels: number): Pick<LayerSpec, 'weights' | 'params' | 'inferenceParams'> {
  return { weights, params: weights + 2 * outChannels, inferenceParams: weights + outChannels };
}

/** Build the layer list for one variant. `classes` is 1001 for TF-slim/TFLite (background first), 1000 for Keras. */
export function mobilenetV1(alpha: number, resolution: number, classes = 1001): NetworkSpec {
  if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`alpha must be in (0, 1], got ${alpha}`);
  const bad = resolutionProblem(resolution);
  if (bad) throw new RangeError(bad);
  const layers: LayerSpec[] = [];
  let size = resolution;
  let channels = 3;

  const stem = scaledChannels(STEM_CHANNELS, alpha);
  const stemOut = sameOutputSize(size, 2);
  layers.push({
    name: 'conv0',
    kind: 'conv',
    kernel: 3,
    stride: 2,
    inChannels: 3,
    outChannels: stem,
    inSize: size,
    outSize: stemOut,
    macs: 3 * 3 * 3 * stem * stemOut * stemOut,
    ...convParams(3 * 3 * 3 * stem, stem),
  });
  size = stemOut;
  channels = stem;

  BLOCKS.forEach(([base, stride], i) => {
    const out = scaledChannels(base, alpha);
    const dwOut = sameOutputSize(size, stride);
    layers.push({
      name: `dw${i + 1}`,
      kind: 'depthwise',
      kernel: 3,
      stride,
      inChannels: channels,
      outChannels: channels,
      inSize: size,
      outSize: dwOut,
      macs: 3 * 3 * channels * dwOut * dwOut,
      ...convParams(3 * 3 * channels, channels),
    });
    layers.push({
      name: `pw${i + 1}`,
      kind: 'pointwise',
      kernel: 1,
      stride: 1,
      inChannels: channels,
      outChannels: out,
      inSize: dwOut,
      outSize: dwOut,
      macs: channels * out * dwOut * dwOut,
      ...convParams(channels * out, out),
    });
    size = dwOut;
    channels = out;
  });

  // A global average pool is a depthwise conv whose Df×Df kernel is all 1/Df², so it costs
  // Dk·Dk·M by the depthwise formula. Counting it is what makes 0.5-224 round to the
  // published 150 M (149.498 M without it) and changes no other variant's rounding.
  layers.push({
    name: 'pool',
    kind: 'avgpool',
    kernel: size,
    stride: 1,
    inChannels: channels,
    outChannels: channels,
    inSize: size,
    outSize: 1,
    macs: size * size * channels,
    weights: 0,
    params: 0,
    inferenceParams: 0,
  });
  layers.push({
    name: 'fc',
    kind: 'fc',
    kernel: 1,
    stride: 1,
    inChannels: channels,
    outChannels: classes,
    inSize: 1,
    outSize: 1,
    macs: channels * classes,
    weights: channels * classes,
    params: channels * classes + classes,
    inferenceParams: channels * classes + classes,
  });

  const sum = (f: (l: LayerSpec) => number) => layers.reduce((s, l) => s + f(l), 0);
  return {
    alpha,
    resolution,
    classes,
    layers,
    macs: sum((l) => l.macs),
    params: sum((l) => l.params),
    inferenceParams: sum((l) => l.inferenceParams),
  };
}

/** All 16 official variants, largest first. */
export function allVariants(): Variant[] {
  return ALPHAS.flatMap((alpha) => RESOLUTIONS.map((resolution) => ({ alpha, resolution })));
}

/** Stable short name, e.g. `0.5_160` (the official file-name form). */
export function variantName(v: Variant): string {
  return `${v.alpha === 1 ? '1.0' : String(v.alpha)}_${v.resolution}`;
}
