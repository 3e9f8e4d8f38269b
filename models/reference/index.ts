/**
 * The reference MobileNet V1 in plain TypeScript: the oracle every other
 * implementation is compared with. Runs conv0, dw1, pw1, …, dw13, pw13, pool, fc
 * from canonical weights (batch norm folded), ReLU6 after every conv layer,
 * logits (before softmax) out. Single-threaded, synchronous, no WASM.
 */
import type { CreateModel, EffectiveConfig, LoadedModel } from '../runtime.ts';
import { specOf, validateWeights, type CanonicalWeights } from '../weights/canonical.ts';
import type { LayerSpec, NetworkSpec } from '../spec.ts';
import { IntegerReferenceNetwork } from './quantized/network.ts';
import { packageVersion } from '#platform';
import type { RequantizationMode } from './quantized/fixed-point.ts';
import { conv3x3, depthwise3x3, fullyConnected, globalAvgPool, packKernel, pointwise } from './kernels.ts';

/** Output of one layer, as returned by ReferenceNetwork.inferWithActivations. */
export interface LayerActivation {
  /** Layer name from models/spec.ts (conv0, dw1, pw1, …, pool, fc). */
  name: string;
  /** A copy of the layer's output (NHWC, batch 1; logits for fc). */
  output: Float32Array;
}

/** One layer ready to run: its spec and (for weighted layers) kernel and bias. */
interface Step {
  spec: LayerSpec;
  /** Depthwise: canonical [3,3,C]; conv, pointwise, fc: packed [outC, fanIn] (see packKernel). */
  kernel: Float32Array;
  bias: Float32Array;
}

/** The kernel in the layout its kernel function wants. */
function prepareKernel(spec: LayerSpec, kernel: Float32Array): Float32Array {
  switch (spec.kind) {
    case 'conv':
      return packKernel(kernel, 9 * spec.inChannels, spec.outChannels);
    case 'pointwise':
    case 'fc':
      return packKernel(kernel, spec.inChannels, spec.outChannels);
    default:
      return kernel;
  }
}

/** Time of one layer in one inference, from ReferenceNetwork.inferTimed. */
export interface LayerTiming {
  name: string;
  /** Start, milliseconds after the inference started. */
  startMs: number;
  durMs: number;
}

/** The reference network for one set of canonical weights, with its buffers allocated once. */
export class ReferenceNetwork {
  readonly spec: NetworkSpec;
  private readonly steps: Step[];
  /** Two ping-pong buffers, each as large as the largest feature map. */
  private readonly bufA: Float32Array;
  private readonly bufB: Float32Array;
  private readonly logits: Float32Array;
  /** im2col rows of the stem conv. */
  private readonly patches: Float32Array;

  constructor(weights: CanonicalWeights) {
    validateWeights(weights);
    this.spec = specOf(weights);
    const byName = new Map(weights.layers.map((l) => [l.name, l]));
    const empty = new Float32Array(0);
    this.steps = this.spec.layers.map((spec) => {
      const w = byName.get(spec.name);
      return { spec, kernel: w ? prepareKernel(spec, w.kernel) : empty, bias: w?.bias ?? empty };
    });
    const stem = this.spec.layers[0];
    this.patches = new Float32Array(stem.outSize * stem.outSize * 9 * stem.inChannels);
    const largest = Math.max(...this.spec.layers.map((l) => Math.max(l.inSize * l.inSize * l.inChannels, l.outSize * l.outSize * l.outChannels)));
    this.bufA = new Float32Array(largest);
    this.bufB = new Float32Array(largest);
    this.logits = new Float32Array(this.spec.classes);
  }

  /** Logits for one NHWC [1, R, R, 3] image; a fresh array (the only allocation per call). */
  infer(input: Float32Array): Float32Array {
    return this.inferInto(input, new Float32Array(this.spec.classes));
  }

  /** Logits written into `out` (length = classes); allocates nothing. */
  inferInto(input: Float32Array, out: Float32Array): Float32Array {
    this.run(input);
    out.set(this.logits);
    return out;
  }

  /** Logits plus a copy of every layer's output, in network order (ending with fc). */
  inferWithActivations(input: Float32Array): LayerActivation[] {
    const acts: LayerActivation[] = [];
    this.run(input, (name, output) => acts.push({ name, output: output.slice() }));
    return acts;
  }

  /** Logits, with each layer's start and duration measured by `now` around it (the reference's own profiler). */
  inferTimed(input: Float32Array, now: () => number): { logits: Float32Array; layers: LayerTiming[] } {
    const layers: LayerTiming[] = [];
    const t0 = now();
    let last = t0;
    this.run(input, (name) => {
      const t = now();
      layers.push({ name, startMs: last - t0, durMs: t - last });
      last = t;
    });
    return { logits: this.logits.slice(), layers };
  }

  /** Run every layer; `observe` sees each layer's output view (valid only during the call). */
  private run(input: Float32Array, observe?: (name: string, output: Float32Array) => void): void {
    const { resolution } = this.spec;
    const expected = resolution * resolution * 3;
    if (input.length !== expected) {
      throw new RangeError(`input has ${input.length} values, expected ${expected} (NHWC [1, ${resolution}, ${resolution}, 3])`);
    }
    let src = input;
    let dst = this.bufA;
    for (const { spec: l, kernel, bias } of this.steps) {
      const outLen = l.outSize * l.outSize * l.outChannels;
      const epilogue = { bias, relu6: true };
      switch (l.kind) {
        case 'conv':
          conv3x3(src, l.inSize, l.inChannels, kernel, l.outChannels, l.stride, dst, epilogue, this.patches);
          break;
        case 'depthwise':
          depthwise3x3(src, l.inSize, l.inChannels, kernel, l.stride, dst, epilogue);
          break;
        case 'pointwise':
          pointwise(src, l.inSize * l.inSize, l.inChannels, kernel, l.outChannels, dst, epilogue);
          break;
        case 'avgpool':
          globalAvgPool(src, l.inSize * l.inSize, l.inChannels, dst);
          break;
        case 'fc':
          dst = this.logits;
          fullyConnected(src, l.inChannels, kernel, bias, dst);
          break;
      }
      observe?.(l.name, dst.subarray(0, outLen));
      src = dst;
      dst = dst === this.bufA ? this.bufB : this.bufA;
    }
  }
}

/**
 * The reference network for these weights: the integer network (TFLite's uint8 kernels) when they
 * are marked `uint8`, the float one otherwise (float32 and dequantized uint8).
 */
export function referenceNetworkFor(weights: CanonicalWeights, requantization: RequantizationMode = 'gemmlowp'): ReferenceNetwork | IntegerReferenceNetwork {
  return weights.precision === 'uint8' ? new IntegerReferenceNetwork(weights, { requantization }) : new ReferenceNetwork(weights);
}

/** Build the reference model; `options` are ignored (it is always plain JS on one thread). */
export const createReferenceModel: CreateModel = async (weights) => {
  const net = referenceNetworkFor(weights);
  const integer = weights.precision === 'uint8';
  const config: EffectiveConfig = {
    impl: 'reference',
    backend: 'js',
    threads: 1,
    simd: false,
    version: await packageVersion(),
    details: {
      kernels: integer ? 'integer (uint8 × uint8 → int32, fixed-point requantization, TFLite uint8 semantics)' : 'float32',
      integerKernels: integer,
    },
  };
  const model: LoadedModel = {
    run: async (input) => net.infer(input),
    effective: () => ({ ...config }),
    dispose: async () => {},
    profile: async (input, options) => (await import('./profile.ts')).profileReference(net, input, options),
  };
  return model;
};
