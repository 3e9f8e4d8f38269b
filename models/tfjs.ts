/**
 * MobileNet V1 in TensorFlow.js, built op by op with @tensorflow/tfjs-core from the canonical
 * weights (no tfjs-layers): fused conv2d / depthwiseConv2d with bias and ReLU6, mean over H×W,
 * fused matMul with bias. Backends 'cpu' and 'wasm' are registered here (Node and pages).
 *
 * tfjs is a process-wide singleton: exactly one backend is active at a time. Creating a model
 * selects its backend for the whole process; `run()` refuses to run when another model has
 * switched the active backend since (tensors would migrate silently and the timing would lie).
 * In Node, tfjs-backend-wasm never uses threads (it reports no multithread support under
 * IS_NODE), so wasm threads are always 1 there whatever is asked.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { CreateModel, EffectiveConfig, LoadedModel, RuntimeOptions } from './runtime.ts';
import type { CanonicalWeights } from './weights/canonical.ts';
import { specOf, validateWeights } from './weights/canonical.ts';

/** One conv layer's uploaded tensors. */
interface TfLayer {
  kind: 'conv' | 'depthwise' | 'pointwise' | 'fc';
  stride: number;
  kernel: tf.Tensor;
  bias: tf.Tensor1D;
}

/** Set once, before the wasm backend initializes; later requests cannot change it. */
let wasmConfigured = false;

/** Configure the wasm backend before its first initialization (threads, file locations). */
function configureWasm(options: RuntimeOptions): void {
  if (wasmConfigured || tf.findBackend('wasm') !== null) return;
  if (options.wasmPaths) setWasmPaths(options.wasmPaths);
  if (options.threads !== undefined) setThreadsCount(options.threads);
  wasmConfigured = true;
}

/** Upload the canonical weights as tfjs tensors in tfjs layouts. */
function uploadWeights(weights: CanonicalWeights): TfLayer[] {
  const spec = specOf(weights);
  const byName = new Map(weights.layers.map((l) => [l.name, l]));
  const layers: TfLayer[] = [];
  for (const l of spec.layers) {
    if (l.kind === 'avgpool') continue;
    const w = byName.get(l.name)!;
    const bias = tf.tensor1d(w.bias, 'float32');
    switch (l.kind) {
      case 'conv':
        layers.push({ kind: l.kind, stride: l.stride, bias, kernel: tf.tensor4d(w.kernel, [l.kernel, l.kernel, l.inChannels, l.outChannels]) });
        break;
      case 'depthwise':
        layers.push({ kind: l.kind, stride: l.stride, bias, kernel: tf.tensor4d(w.kernel, [l.kernel, l.kernel, l.inChannels, 1]) });
        break;
      case 'pointwise':
        layers.push({ kind: l.kind, stride: 1, bias, kernel: tf.tensor4d(w.kernel, [1, 1, l.inChannels, l.outChannels]) });
        break;
      case 'fc':
        layers.push({ kind: l.kind, stride: 1, bias, kernel: tf.tensor2d(w.kernel, [l.inChannels, l.outChannels]) });
        break;
    }
  }
  return layers;
}

/** The forward pass: NHWC [1,R,R,3] → logits [1, classes]. Call inside tf.tidy. */
function forward(x: tf.Tensor4D, layers: TfLayer[]): tf.Tensor2D {
  let h: tf.Tensor4D = x;
  let logits: tf.Tensor2D | undefined;
  for (const l of layers) {
    switch (l.kind) {
      case 'conv':
      case 'pointwise':
        h = tf.fused.conv2d({ x: h, filter: l.kernel as tf.Tensor4D, strides: l.stride, pad: 'same', bias: l.bias, activation: 'relu6' });
        break;
      case 'depthwise':
        h = tf.fused.depthwiseConv2d({ x: h, filter: l.kernel as tf.Tensor4D, strides: l.stride, pad: 'same', bias: l.bias, activation: 'relu6' });
        break;
      case 'fc': {
        const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
        logits = tf.fused.matMul({ a: pooled, b: l.kernel as tf.Tensor2D, bias: l.bias }) as tf.Tensor2D;
        break;
      }
    }
  }
  if (!logits) throw new Error('network has no fc layer');
  return logits;
}

/** Build the network in tfjs on `options.backend` ('cpu', 'wasm', and in browsers 'webgl', 'webgpu'). */
export const createTfjsModel: CreateModel = async (weights: CanonicalWeights, options: RuntimeOptions): Promise<LoadedModel> => {
  validateWeights(weights);
  if (weights.precision === 'uint8') throw new Error('tfjs has no integer kernels: it runs uint8 models dequantized (precision uint8-dequantized)');
  const requested = options.backend;
  if (requested === 'wasm') configureWasm(options);
  // The GPU backends are registered only when asked for (their code is large and browser-only).
  if (requested === 'webgl') await import('@tensorflow/tfjs-backend-webgl');
  if (requested === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
  // setBackend throws for an unregistered name (a config error); it resolves false when the
  // backend failed to initialize, and tfjs keeps the previous one: effective() shows that.
  const switched = await tf.setBackend(requested);
  await tf.ready();
  const backend = tf.getBackend();
  // tfjs-cpu prints a "install tfjs-node" advert on its first tensor in Node; we run tfjs-cpu
  // on purpose (tfjs-node cannot install here), so mark it as already shown.
  if (backend === 'cpu') {
    const cpu = tf.backend() as unknown as { firstUse?: boolean };
    if (cpu.firstUse === true) cpu.firstUse = false;
  }

  const before = tf.memory().numTensors;
  const layers = uploadWeights(weights);
  const R = weights.resolution;
  const classes = weights.classes;

  const onWasm = backend === 'wasm';
  const simd = onWasm ? Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) : null;
  const multithread = onWasm ? Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) : null;
  let disposed = false;

  const effective = (): EffectiveConfig => ({
    impl: 'tfjs',
    backend: tf.getBackend(),
    // tfjs-cpu is plain single-threaded JavaScript; wasm says what it initialized with.
    threads: backend === 'wasm' ? getThreadsCount() : backend === 'cpu' ? 1 : null,
    simd,
    version: tf.version_core,
    details: {
      requestedBackend: requested,
      requestedThreads: options.threads ?? null,
      setBackendSucceeded: switched,
      wasmMultithreadSupported: multithread,
      tensorsHeld: layers.length * 2,
      tensorsBeforeCreate: before,
      // tfjs has no integer kernels: uint8 weights run dequantized, on float kernels.
      kernels: weights.precision === 'uint8-dequantized' ? 'float32 on dequantized uint8 weights (tfjs has no integer kernels)' : 'float32',
      integerKernels: false,
      // WebGL may compute in float16 where float32 render targets are missing: a different experiment.
      ...(backend === 'webgl' ? { webglFloat32: tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED') } : {}),
    },
  });

  const model: LoadedModel = {
    async run(input: Float32Array): Promise<Float32Array> {
      if (disposed) throw new Error('tfjs model was disposed');
      if (input.length !== R * R * 3) throw new RangeError(`input has ${input.length} values, expected ${R * R * 3} (NHWC [1,${R},${R},3])`);
      const active = tf.getBackend();
      if (active !== backend) {
        throw new Error(`tfjs backend is '${active}' but this model was built on '${backend}': tfjs runs one backend per process`);
      }
      const logits = tf.tidy(() => forward(tf.tensor4d(input, [1, R, R, 3]), layers));
      try {
        const data = await logits.data();
        if (data.length !== classes) throw new Error(`tfjs produced ${data.length} logits, expected ${classes}`);
        return Float32Array.from(data as Float32Array);
      } finally {
        logits.dispose();
      }
    },
    effective,
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      for (const l of layers) {
        l.kernel.dispose();
        l.bias.dispose();
      }
    },
    profile: async (input, options) => (await import('./tfjs-profile.ts')).profileTfjs(() => model.run(input), specOf(weights), options),
  };
  return model;
};
