/**
 * The integer reference MobileNet V1: the official uint8 model computed as TFLite's uint8 kernels
 * define it (kernels.ts, fixed-point.ts), from the scales, zero points and raw integers read from
 * the .tflite file (CanonicalWeights.quantized). Input: the float NHWC tensor in [-1, 1], quantized
 * with the model's input parameters (1/128, 128); output: the uint8 logits dequantized
 * (scale · (q − zero point)), so it plugs into the harness like every float implementation; the
 * uint8 logits and the uint8 softmax the file ends with are available too.
 */
import { specOf, validateWeights, type CanonicalWeights } from '../../weights/canonical.ts';
import type { QuantizedLayer, QuantizedWeights } from '../../weights/quantized.ts';
import type { LayerSpec, NetworkSpec } from '../../spec.ts';
import { convRequantization, type Requantization, type RequantizationMode } from './fixed-point.ts';
import { conv3x3U8, depthwise3x3U8, globalAvgPoolU8, matmulU8, offsetKernelU8, packKernelU8, quantizeInput, softmaxU8 } from './kernels.ts';

interface Step {
  spec: LayerSpec;
  layer?: QuantizedLayer;
  kernel?: Int16Array;
  requant?: Requantization;
}

/** uint8 outputs of one inference. */
export interface IntegerOutputs {
  /** The fc layer's uint8 logits. */
  logits: Uint8Array;
  /** The model's uint8 softmax output (what the .tflite file returns). */
  probabilities: Uint8Array;
}

/** The integer network for one uint8 model, buffers allocated once. */
export class IntegerReferenceNetwork {
  readonly spec: NetworkSpec;
  readonly quantized: QuantizedWeights;
  private readonly steps: Step[];
  private readonly input: Uint8Array;
  private readonly bufA: Uint8Array;
  private readonly bufB: Uint8Array;
  private readonly patches: Uint8Array;
  private readonly logits: Uint8Array;

  /** `gemmlowp` (default): TFLite's uint8 kernels; `fp32`: the single float rounding of XNNPACK and ORT (fixed-point.ts). */
  readonly requantization: RequantizationMode;

  constructor(weights: CanonicalWeights, options: { requantization?: RequantizationMode } = {}) {
    validateWeights(weights);
    this.requantization = options.requantization ?? 'gemmlowp';
    if (!weights.quantized) throw new Error('the integer reference needs uint8 weights with their integer form (an official *_quant.tflite file)');
    this.quantized = weights.quantized;
    this.spec = specOf(weights);
    const byName = new Map(weights.quantized.layers.map((l) => [l.name, l]));
    this.steps = this.spec.layers.map((spec) => {
      const layer = byName.get(spec.name);
      if (!layer) return { spec };
      const kz = layer.kernelQuantization.zeroPoint;
      const kernel =
        spec.kind === 'depthwise'
          ? offsetKernelU8(layer.kernel, kz)
          : packKernelU8(layer.kernel, spec.kind === 'conv' ? 9 * spec.inChannels : spec.inChannels, spec.outChannels, kz);
      const requant = convRequantization(layer.input.scale, layer.kernelQuantization.scale, layer.output, layer.activationRange, this.requantization);
      return { spec, layer, kernel, requant };
    });
    const stem = this.spec.layers[0];
    this.input = new Uint8Array(this.spec.resolution * this.spec.resolution * 3);
    this.patches = new Uint8Array(stem.outSize * stem.outSize * 9 * stem.inChannels);
    const largest = Math.max(...this.spec.layers.map((l) => Math.max(l.inSize * l.inSize * l.inChannels, l.outSize * l.outSize * l.outChannels)));
    this.bufA = new Uint8Array(largest);
    this.bufB = new Uint8Array(largest);
    this.logits = new Uint8Array(this.spec.classes);
  }

  /** Dequantized logits for one float NHWC [1, R, R, 3] image in [-1, 1]; a fresh array. */
  infer(input: Float32Array): Float32Array {
    return this.dequantize(this.run(quantizeInput(input, this.quantized.input, this.input)));
  }

  /** uint8 logits and softmax for a uint8 NHWC input (already quantized, as the .tflite file takes it). */
  inferUint8(input: Uint8Array): IntegerOutputs {
    const logits = this.run(input).slice();
    const { softmax, logits: lq } = this.quantized;
    return { logits, probabilities: softmaxU8(logits, lq.scale, softmax.beta, softmax.output) };
  }

  /** The model's own output for a float image: its uint8 softmax, dequantized (scale 1/256). */
  inferProbabilities(input: Float32Array): Float32Array {
    const { probabilities } = this.inferUint8(quantizeInput(input, this.quantized.input));
    const { scale, zeroPoint } = this.quantized.softmax.output;
    return Float32Array.from(probabilities, (q) => scale * (q - zeroPoint));
  }

  /** The uint8 input the model sees for a float image. */
  quantizeInput(input: Float32Array): Uint8Array {
    return quantizeInput(input, this.quantized.input);
  }

  /** Dequantized logits plus each layer's time (the reference's profiler, models/reference/profile.ts). */
  inferTimed(input: Float32Array, now: () => number): { logits: Float32Array; layers: Array<{ name: string; startMs: number; durMs: number }> } {
    const layers: Array<{ name: string; startMs: number; durMs: number }> = [];
    const q = quantizeInput(input, this.quantized.input, this.input);
    const t0 = now();
    let last = t0;
    this.run(q, (name) => {
      const t = now();
      layers.push({ name, startMs: last - t0, durMs: t - last });
      last = t;
    });
    return { logits: this.dequantize(this.logits), layers };
  }

  private dequantize(q: Uint8Array): Float32Array {
    const { scale, zeroPoint } = this.quantized.logits;
    const out = new Float32Array(q.length);
    for (let i = 0; i < q.length; i++) out[i] = scale * (q[i] - zeroPoint);
    return out;
  }

  /** uint8 output of every layer, in network order (ending with fc). */
  inferWithActivations(input: Uint8Array): Array<{ name: string; output: Uint8Array }> {
    const acts: Array<{ name: string; output: Uint8Array }> = [];
    this.run(input, (name, output) => acts.push({ name, output: output.slice() }));
    return acts;
  }

  private run(input: Uint8Array, observe?: (name: string, output: Uint8Array) => void): Uint8Array {
    const expected = this.spec.resolution * this.spec.resolution * 3;
    if (input.length !== expected) throw new RangeError(`input has ${input.length} values, expected ${expected}`);
    let src = input;
    let dst = this.bufA;
    for (const { spec: l, layer, kernel, requant } of this.steps) {
      const outLen = l.outSize * l.outSize * l.outChannels;
      switch (l.kind) {
        case 'conv':
          conv3x3U8(src, l.inSize, l.inChannels, layer!.input.zeroPoint, kernel!, l.outChannels, l.stride, layer!.bias, requant!, dst, this.patches);
          break;
        case 'depthwise':
          depthwise3x3U8(src, l.inSize, l.inChannels, layer!.input.zeroPoint, kernel!, l.stride, layer!.bias, requant!, dst);
          break;
        case 'pointwise':
          matmulU8(src, l.inSize * l.inSize, l.inChannels, layer!.input.zeroPoint, kernel!, l.outChannels, layer!.bias, requant!, dst);
          break;
        case 'avgpool':
          globalAvgPoolU8(src, l.inSize * l.inSize, l.inChannels, this.quantized.pool.activationRange, dst, this.requantization);
          break;
        case 'fc':
          dst = this.logits;
          matmulU8(src, 1, l.inChannels, layer!.input.zeroPoint, kernel!, l.outChannels, layer!.bias, requant!, dst);
          break;
      }
      observe?.(l.name, dst.subarray(0, outLen));
      src = dst;
      dst = dst === this.bufA ? this.bufB : this.bufA;
    }
    return this.logits;
  }
}
