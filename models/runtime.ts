/**
 * What every implementation of the network offers the probe: build from canonical
 * weights, run one preprocessed image, say what actually ran, release everything.
 */
import type { CanonicalWeights } from './weights/canonical.ts';
import type { ProfileOptions, RuntimeProfile } from './profile.ts';
import type { ImplName } from './registry.ts';

/** The implementations we compare (the keys of models/registry.ts). */
export type { ImplName };

/** What the runtime actually used, read back from it (not what was asked). */
export interface EffectiveConfig {
  impl: ImplName;
  /** Backend or execution provider that really ran (e.g. tfjs 'wasm', ORT 'wasm', 'cpu'). */
  backend: string;
  /** Threads really used, where the runtime tells; null when it cannot say. */
  threads: number | null;
  /** WASM SIMD in use, where known. */
  simd: boolean | null;
  /** Runtime package version. */
  version: string;
  /** Anything else worth recording (renderer string, adapter, flags). */
  details?: Record<string, string | number | boolean | null>;
}

/** Options for creating a model in a runtime. */
export interface RuntimeOptions {
  /** Requested backend: tfjs 'cpu' | 'wasm' | 'webgl' | 'webgpu'; ORT 'wasm' | 'cpu' | 'webgl' | 'webgpu'. */
  backend: string;
  /** Requested intra-op threads (ORT) or wasm threads (tfjs); undefined = runtime default. */
  threads?: number;
  /** Where the runtime's .wasm files are served/stored, when it needs to be told. */
  wasmPaths?: string;
  /** URL of the model file as it ships, for runtimes that read it themselves (registry `reads: 'tflite'`) in pages. */
  tfliteUrl?: string;
}

/** A model loaded in one runtime, ready to run. */
export interface LoadedModel {
  /** NHWC float32 [1, R, R, 3] in [-1, 1] → logits (classes, before softmax). */
  run(input: Float32Array): Promise<Float32Array>;
  /** What actually ran. */
  effective(): EffectiveConfig;
  /** Free sessions, tensors and workers. */
  dispose(): Promise<void>;
  /** Profile a few inferences with the runtime's own profiler (after the timed samples); absent where the runtime has none wired. */
  profile?(input: Float32Array, options: ProfileOptions): Promise<RuntimeProfile>;
}

/** A factory each implementation module exports. */
export type CreateModel = (weights: CanonicalWeights, options: RuntimeOptions) => Promise<LoadedModel>;

/** One platform's factories: exactly the implementations the registry says it can run, each imported on demand. */
export type Loaders<Impl extends ImplName> = { readonly [K in Impl]: () => Promise<CreateModel> };
