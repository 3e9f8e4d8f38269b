/**
 * The one in-memory form of MobileNet V1 weights that every loader produces and
 * every implementation (reference, tfjs, ONNX) consumes. Batch norm is folded
 * into a per-channel bias, so each conv layer is (kernel, bias) followed by ReLU6.
 *
 * Layouts (row-major, last index fastest):
 * - conv0:     kernel [3, 3, inC=3, outC]   (HWIO, as TF)
 * - dwN:       kernel [3, 3, C]             (HWC, depth multiplier 1)
 * - pwN:       kernel [inC, outC]           (IO)
 * - fc:        kernel [inC, classes]        (IO)
 */
import { mobilenetV1, type NetworkSpec } from '../spec.ts';
import type { Quantization, QuantizedWeights } from './quantized.ts';

/** Where the numbers came from. */
export type WeightsSource =
  | { kind: 'synthetic'; seed: number }
  | { kind: 'tflite'; file: string; sha256: string }
  | { kind: 'tfjs-layers'; file: string; sha256: string }
  | { kind: 'onnx'; file: string; sha256: string };

/**
 * float32 weights; uint8 weights dequantized to float32 (float kernels); or uint8 run on integer
 * kernels (`quantized` present). Never mixed in one row of a report.
 */
export type Precision = 'float32' | 'uint8-dequantized' | 'uint8';

/** Folded (kernel, bias) of one layer, named as in models/spec.ts. */
export interface LayerWeights {
  name: string;
  /** Kernel in the layout above. */
  kernel: Float32Array;
  /** Folded bias, one per output channel. */
  bias: Float32Array;
  /** Present when the kernel was stored as uint8. */
  kernelQuantization?: Quantization;
  /** Present when the bias was stored as int32 (scale = input scale · kernel scale). */
  biasQuantization?: Quantization;
}

/** How the model's input is meant to be fed (always float NHWC in [-1, 1] for us). */
export interface InputSpec {
  /** uint8 models take q with real = (q − 128) / 128, i.e. exactly the float [-1, 1] input. */
  quantization?: Quantization;
}

/** A complete MobileNet V1 in canonical form. */
export interface CanonicalWeights {
  alpha: number;
  resolution: number;
  /** 1001 (TF-slim/TFLite: index 0 is "background"), 1000 (Keras/tfjs), or a fine-tuned head's own count. */
  classes: number;
  precision: Precision;
  source: WeightsSource;
  /** Always true: batch norm is folded into `bias` at load time. */
  batchNormFolded: true;
  input: InputSpec;
  /** conv0, dw1, pw1, …, dw13, pw13, fc — in network order (the pool has no weights). */
  layers: LayerWeights[];
  /** uint8 files: the integer form (raw uint8 kernels, int32 biases, activation scales); `layers` hold its dequantized values. */
  quantized?: QuantizedWeights;
}

/** The same weights marked to run on integer kernels; throws when they have no integer form. */
export function asIntegerWeights(w: CanonicalWeights): CanonicalWeights {
  if (!w.quantized) {
    const file = w.source.kind === 'synthetic' ? 'synthetic' : w.source.file;
    throw new WeightsError(file, undefined, 'uint8 (integer kernels) needs an official uint8 .tflite file; these weights have no integer form');
  }
  return { ...w, precision: 'uint8' };
}

/** The spec these weights instantiate. */
export function specOf(w: Pick<CanonicalWeights, 'alpha' | 'resolution' | 'classes'>): NetworkSpec {
  return mobilenetV1(w.alpha, w.resolution, w.classes);
}

/** Expected kernel shape of a layer in canonical layout. */
export function kernelShape(spec: NetworkSpec, layerName: string): number[] {
  const l = spec.layers.find((x) => x.name === layerName);
  if (!l) throw new Error(`no layer named ${layerName} in MobileNet V1 ${spec.alpha}_${spec.resolution}`);
  switch (l.kind) {
    case 'conv':
      return [l.kernel, l.kernel, l.inChannels, l.outChannels];
    case 'depthwise':
      return [l.kernel, l.kernel, l.inChannels];
    case 'pointwise':
      return [l.inChannels, l.outChannels];
    case 'fc':
      return [l.inChannels, l.outChannels];
    case 'avgpool':
      return [];
  }
}

/** Layers that carry weights, in order. */
function weightedLayers(spec: NetworkSpec) {
  return spec.layers.filter((l) => l.kind !== 'avgpool');
}

/** Weights failed to load or do not fit the architecture: names the file, the tensor and what was expected. */
export class WeightsError extends Error {
  constructor(
    readonly file: string,
    readonly tensor: string | undefined,
    readonly problem: string,
  ) {
    super(`${file}${tensor ? ` [${tensor}]` : ''}: ${problem}`);
    this.name = 'WeightsError';
  }
}

/**
 * Check that loaded weights are the variant a job is recorded as (a file named α 0.25 may hold
 * α 0.5 weights, or another resolution's model); throws WeightsError naming the file, the first
 * tensor that differs, and the expected and found shapes.
 */
export function checkWeightsFitVariant(w: CanonicalWeights, want: { alpha: number; resolution: number }, file: string): void {
  if (w.alpha !== want.alpha) {
    const found = specOf(w);
    const expected = specOf({ alpha: want.alpha, resolution: w.resolution, classes: w.classes });
    for (const l of weightedLayers(expected)) {
      const e = kernelShape(expected, l.name);
      const f = kernelShape(found, l.name);
      if (e.join() !== f.join()) {
        throw new WeightsError(
          file,
          l.name,
          `kernel shape [${f}] found, expected [${e}] for MobileNet V1 α ${want.alpha}: this file holds α ${w.alpha} weights, not the variant it is used for; give the α ${want.alpha} file`,
        );
      }
    }
  }
  if (w.resolution !== want.resolution) {
    throw new WeightsError(
      file,
      'input',
      `input shape [1, ${w.resolution}, ${w.resolution}, 3] found, expected [1, ${want.resolution}, ${want.resolution}, 3]: this file is the ${w.resolution} model, not the ${want.resolution} one it is used for`,
    );
  }
}

/** Check every layer is present with the right sizes; throws WeightsError otherwise. */
export function validateWeights(w: CanonicalWeights, file = w.source.kind === 'synthetic' ? 'synthetic' : w.source.file): void {
  const spec = specOf(w);
  const expected = weightedLayers(spec);
  if (w.layers.length !== expected.length) {
    throw new WeightsError(file, undefined, `expected ${expected.length} weighted layers, got ${w.layers.length}`);
  }
  expected.forEach((l, i) => {
    const got = w.layers[i];
    if (got.name !== l.name) throw new WeightsError(file, got.name, `expected layer ${l.name} at position ${i}`);
    const shape = kernelShape(spec, l.name);
    const size = shape.reduce((a, b) => a * b, 1);
    if (got.kernel.length !== size) {
      throw new WeightsError(file, l.name, `kernel has ${got.kernel.length} values, expected ${size} (shape [${shape}])`);
    }
    if (got.bias.length !== l.outChannels) {
      throw new WeightsError(file, l.name, `bias has ${got.bias.length} values, expected ${l.outChannels}`);
    }
    for (const [what, arr] of [
      ['kernel', got.kernel],
      ['bias', got.bias],
    ] as const) {
      for (let j = 0; j < arr.length; j++) {
        if (!Number.isFinite(arr[j])) throw new WeightsError(file, l.name, `${what}[${j}] is ${arr[j]}, expected a finite number`);
      }
    }
  });
}
