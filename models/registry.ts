/**
 * The one table of runtimes: for each implementation, its backends, the npm packages it runs on,
 * what it reads and returns, and the platforms it can run on (the local Node job, a browser page,
 * an SSH board's Node), with the reason where it cannot. The spec parser (harness config), the
 * plan's impossible pairs, the probe's environments and the build caches read it.
 *
 * Pure data, no imports: the page bundle imports it too. The factories are not here but in one
 * loader file per platform (models/loaders/), so that each bundle references only the runtimes
 * its platform can load (esbuild follows every literal dynamic import it sees).
 */

/** Where the probe can run a job. */
export const PLATFORMS = ['node', 'page', 'board'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Which wasm folder a runtime must be told about (pages are served them, boards are shipped them). */
export type WasmFiles = 'tfjs' | 'ort' | 'litert';

export interface RuntimeEntry {
  /** Its name in prose (notes, messages). */
  title: string;
  /** Backends it can run on; the first is the default when a spec names none. */
  backends: readonly string[];
  /** npm packages it runs on: their versions are recorded in run.json and key the target bundles. */
  packages: readonly string[];
  /** true where it runs, else why it cannot (shown as the skip reason). */
  platforms: Readonly<Record<Platform, true | string>>;
  /** Wasm files the runtime loads at run time, or null. */
  wasm: WasmFiles | null;
  /** 'canonical': built from canonical weights; 'tflite': runs the official .tflite file as it ships. */
  reads: 'canonical' | 'tflite';
  /** What run() returns: logits, or the file's own softmax (compared with the reference's softmax). */
  output: 'logits' | 'softmax';
  /** Whether `uint8` runs on integer kernels; false = on the dequantized weights. */
  integerKernels: boolean;
}

export const RUNTIMES = {
  /** The oracle: plain TypeScript, one thread. */
  reference: {
    title: 'reference',
    backends: ['js'],
    packages: [],
    platforms: { node: true, page: true, board: true },
    wasm: null,
    reads: 'canonical',
    output: 'logits',
    integerKernels: true,
  },
  tfjs: {
    title: 'TensorFlow.js',
    backends: ['cpu', 'wasm', 'webgl', 'webgpu'],
    packages: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgl',
      '@tensorflow/tfjs-backend-webgpu',
    ],
    platforms: { node: true, page: true, board: true },
    wasm: 'tfjs',
    reads: 'canonical',
    output: 'logits',
    integerKernels: false,
  },
  'ort-web': {
    title: 'ONNX Runtime Web',
    backends: ['wasm', 'webgl', 'webgpu'],
    packages: ['onnxruntime-web', 'onnxruntime-common'],
    platforms: { node: true, page: true, board: true },
    wasm: 'ort',
    reads: 'canonical',
    output: 'logits',
    integerKernels: true,
  },
  'ort-node': {
    title: 'ONNX Runtime Node',
    backends: ['cpu'],
    packages: ['onnxruntime-node', 'onnxruntime-common'],
    platforms: { node: true, page: 'ort-node is the native Node.js addon; a browser cannot load it (use ort-web)', board: true },
    wasm: null,
    reads: 'canonical',
    output: 'logits',
    integerKernels: true,
  },
  /** LiteRT.js running the official .tflite files as they ship (XNNPACK in WebAssembly). */
  litert: {
    title: 'LiteRT.js',
    backends: ['wasm'],
    packages: ['@litertjs/core'],
    platforms: {
      node: true,
      page: true,
      board:
        "litert is not shipped to a board's Node yet (its loader reads the official .tflite and its wasm from the package); use browser: 'chromium' on the ssh target, or a node target",
    },
    wasm: 'litert',
    reads: 'tflite',
    output: 'softmax',
    integerKernels: true,
  },
} as const satisfies Record<string, RuntimeEntry>;

/** The implementations we compare. */
export type ImplName = keyof typeof RUNTIMES;
export const IMPL_NAMES = Object.keys(RUNTIMES) as ImplName[];

/** Implementations that can run on a platform (a type: loader tables must list exactly these). */
export type RunsOn<P extends Platform> = { [K in ImplName]: (typeof RUNTIMES)[K]['platforms'][P] extends true ? K : never }[ImplName];

/** The table's entry for an implementation. */
export function runtimeOf(impl: ImplName): RuntimeEntry {
  return RUNTIMES[impl];
}

/** Why an implementation cannot run on a platform, or null when it can. */
export function unsupportedOn(platform: Platform, impl: ImplName): string | null {
  const p = RUNTIMES[impl].platforms[platform];
  return p === true ? null : p;
}

/** Each implementation's backends (the spec parser's table). */
export function backendsByImpl(): Readonly<Record<ImplName, readonly string[]>> {
  const out = {} as Record<ImplName, readonly string[]>;
  for (const i of IMPL_NAMES) out[i] = RUNTIMES[i].backends;
  return out;
}

/** Every npm package some runtime runs on, each once, in table order. */
export function runtimePackages(): string[] {
  return [...new Set(IMPL_NAMES.flatMap((i) => RUNTIMES[i].packages))];
}
