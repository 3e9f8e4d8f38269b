/**
 * TensorFlow.js's own profiler: `tf.profile()` records every kernel an inference runs with
 * its `kernelTimeMs` from the backend's timer (wasm and cpu: wall time around the synchronous
 * kernel; webgl: GPU timer queries, which many engines lack; webgpu: timestamp queries).
 * Op scopes (`fusedConv2d__op`, …) enclose kernels already listed and are left out. Kernels
 * are mapped onto the spec's layers in network order: each layer owns the next kernel of its
 * type (Conv2D for conv and pointwise, DepthwiseConv2D, Mean for the pool, MatMul for fc);
 * helpers such as Reshape stay `other`. tf.profile gives durations, not start times.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayerKind, NetworkSpec } from './spec.ts';
import type { ProfiledOp, ProfileOptions, RuntimeProfile } from './profile.ts';

/** Kernel names each spec kind runs as (tfjs 4, any backend). */
const KERNELS: Record<LayerKind, RegExp> = {
  conv: /^(Fused)?Conv2D$/,
  pointwise: /^(Fused)?Conv2D$/,
  depthwise: /^(Fused)?DepthwiseConv2d(Native)?$/i,
  avgpool: /^Mean$/,
  fc: /^(_Fused)?(Batch)?MatMul$/,
};

/** How a layer's kernel maps (one fused kernel does conv + bias + ReLU6). */
const MAPPING: Partial<Record<LayerKind, string>> = {
  conv: 'conv + bias + ReLU6 in one fused kernel (tf.fused.conv2d)',
  pointwise: 'conv + bias + ReLU6 in one fused kernel (tf.fused.conv2d)',
  depthwise: 'depthwise conv + bias + ReLU6 in one fused kernel (tf.fused.depthwiseConv2d)',
  fc: 'matMul + bias in one fused kernel (tf.fused.matMul); its Reshapes are `other`',
};

type Kernel = Awaited<ReturnType<typeof tf.profile>>['kernels'][number];

/** Map one inference's kernels onto the spec's layers, in order. */
function mapTfjsKernels(kernels: ReadonlyArray<Pick<Kernel, 'name' | 'kernelTimeMs'>>, spec: NetworkSpec): ProfiledOp[] {
  let next = 0;
  let t = 0;
  const ops: ProfiledOp[] = [];
  for (const k of kernels) {
    if (k.name.endsWith('__op')) continue;
    const ms = k.kernelTimeMs as number;
    const layer = spec.layers[next];
    const owns = layer !== undefined && KERNELS[layer.kind].test(k.name);
    if (owns) next++;
    const mapping = owns ? MAPPING[layer.kind] : undefined;
    ops.push({ name: owns ? layer.name : k.name, op: k.name, startMs: t, durMs: ms, ...(owns ? { layer: layer.name } : {}), ...(mapping ? { mapping } : {}) });
    t += ms;
  }
  return ops;
}

/** Why a GPU backend cannot give kernel times here, or null when it can (CPU backends always can). */
export function gpuTimerMissing(backend: string, b: { timerAvailable?(): boolean; supportTimestampQuery?: boolean }): string | null {
  // Without timer queries tf.profile times each WebGL kernel with a forced readback of its output:
  // that measures the readbacks, not the kernels.
  if (backend === 'webgl' && b.timerAvailable?.() !== true) {
    return 'WebGL has no reliable GPU timer queries here (EXT_disjoint_timer_query missing: WEBGL_DISJOINT_QUERY_TIMER_EXTENSION_RELIABLE is 0); tf.profile would time each kernel with a forced readback of its output, which measures the readbacks, not the kernels';
  }
  // Without the timestamp-query feature tfjs-webgpu reports 0 ms for every kernel.
  if (backend === 'webgpu' && b.supportTimestampQuery !== true) {
    return 'the WebGPU device lacks the timestamp-query feature (Chromium: --enable-dawn-features=allow_unsafe_apis); tfjs would report 0 ms for every kernel';
  }
  return null;
}

/** Profile a tfjs model: one warm-up and N inferences under tf.profile. */
export async function profileTfjs(run: () => Promise<Float32Array>, spec: NetworkSpec, options: ProfileOptions): Promise<RuntimeProfile> {
  const backend = tf.getBackend();
  const source = `tfjs tf.profile() kernel times (${backend} backend: ${backend === 'wasm' || backend === 'cpu' ? 'wall time around each synchronous kernel' : "the backend's GPU timer queries"})`;
  const missing = gpuTimerMissing(backend, tf.backend() as unknown as Parameters<typeof gpuTimerMissing>[1]);
  if (missing) return { available: false, source, unavailable: missing };
  await tf.profile(run);
  const inferences = [];
  for (let i = 0; i < options.inferences; i++) {
    const t0 = options.now();
    const info = await tf.profile(run);
    const wallMs = options.now() - t0;
    const broken = info.kernels.find((k) => typeof k.kernelTimeMs !== 'number');
    if (broken) {
      const why = (broken.kernelTimeMs as { error?: string } | undefined)?.error ?? `kernelTimeMs is ${JSON.stringify(broken.kernelTimeMs)}`;
      return { available: false, source, unavailable: `the ${backend} backend gives no kernel times here: ${why}` };
    }
    inferences.push({ wallMs, ops: mapTfjsKernels(info.kernels, spec) });
  }
  return {
    available: true,
    source,
    startTimes: 'sequential',
    inferences,
    notes: [
      'tf.profile gives kernel durations only: start times in the trace are laid end to end',
      'time between kernels (op dispatch, the logits download) is unattributed',
    ],
  };
}
