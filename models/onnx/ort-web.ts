/**
 * MobileNet V1 in ONNX Runtime Web, in pages and in Node, from the ONNX graph that
 * models/onnx/export.ts writes from canonical weights. Backends: 'wasm' (onnxruntime-web/wasm,
 * Node and pages), 'webgpu' (onnxruntime-web/webgpu) and 'webgl' (onnxruntime-web/webgl), pages
 * only; each entry is imported on demand, so a page loads only the one its job asks for.
 * A session is created with that one execution provider and no fallback list, so when the
 * provider cannot start the job fails instead of silently running on wasm.
 *
 * ORT-web's wasm runtime is one per process/page and initializes once, on the first session:
 * `ort.env.wasm.numThreads` and `wasmPaths` set after that have no effect, so effective()
 * reports the thread count the runtime was initialized with, whatever a later model asked.
 * In Node, `wasmPaths` must be the package's dist folder as a plain file path: with the
 * default (a file: URL) more than one thread fails with "fetch failed"; and an unset thread
 * count must be resolved here (ORT's default calls require('node:os'), which fails in Node).
 */
import type * as OrtModule from 'onnxruntime-web/wasm';

type Ort = typeof OrtModule;

/** Loaded ORT entry points by backend (one runtime instance per entry and page/process). */
const entries = new Map<string, Promise<Ort>>();

/** The onnxruntime-web entry for a backend. */
function ortFor(backend: string): Promise<Ort> {
  let entry = entries.get(backend);
  if (!entry) {
    switch (backend) {
      case 'wasm':
        entry = import('onnxruntime-web/wasm');
        break;
      case 'webgpu':
        entry = import('onnxruntime-web/webgpu');
        break;
      case 'webgl':
        entry = import('onnxruntime-web/webgl');
        break;
      default:
        throw new Error(`ort-web has no backend '${backend}' (it has wasm, webgpu, webgl)`);
    }
    entries.set(backend, entry);
  }
  return entry;
}
import type { CreateModel, LoadedModel, RuntimeOptions } from '../runtime.ts';
import type { CanonicalWeights } from '../weights/canonical.ts';
import { exportOnnx } from './export.ts';
import { exportQuantizedOnnx } from './export-quantized.ts';
import { profiledKernels } from './executed-ops.ts';
import { logitsRunner } from './run-session.ts';
import { capturePrinted, installPrintTap, profileOrtWeb } from './ort-web-profile.ts';
import { ortWebDefaults } from '#platform';

/** The only binary onnxruntime-web 1.30's wasm entry ships (SIMD + threads in one build). */
const WASM_BINARY = 'ort-wasm-simd-threaded.wasm';

/** A minimal module using a SIMD instruction (the probe tfjs-backend-wasm uses, from wasm-feature-detect). */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11]);

/** Threads the wasm runtime was initialized with (set at the first session), or null before. */
let initializedThreads: number | null = null;

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** Apply wasm settings; only the first call before initialization matters to ORT. */
async function configure(ort: Ort, options: RuntimeOptions): Promise<void> {
  if (initializedThreads !== null) return;
  // In Node the defaults come from #platform (ORT's own would call require('node:os') and fail); in a page the runner gives both.
  const defaults = options.wasmPaths !== undefined && options.threads !== undefined ? {} : await ortWebDefaults();
  const wasmPaths = options.wasmPaths ?? defaults.wasmPaths;
  const threads = options.threads ?? defaults.threads;
  if (wasmPaths !== undefined) ort.env.wasm.wasmPaths = wasmPaths;
  if (threads !== undefined) ort.env.wasm.numThreads = threads;
}

/** Build an onnxruntime-web session on exactly the requested execution provider. */
export const createOrtWebModel: CreateModel = async (weights: CanonicalWeights, options: RuntimeOptions): Promise<LoadedModel> => {
  const backend = options.backend;
  if (isNode && backend !== 'wasm') throw new Error(`ort-web '${backend}' needs a browser; in Node only 'wasm' runs`);
  // Before ORT's wasm module initializes: its profiler prints through console.log, bound then.
  installPrintTap();
  const ort = await ortFor(backend);
  await configure(ort, options);
  const sessionOptions = { executionProviders: [backend], graphOptimizationLevel: 'all' as const };
  // uint8: the quantized graph, and one profiled inference at init to read back which kernels ran.
  const integer = weights.precision === 'uint8';
  const graph = () => (integer ? exportQuantizedOnnx(weights) : exportOnnx(weights));
  const session = await ort.InferenceSession.create(graph(), { ...sessionOptions, ...(integer ? { enableProfiling: true } : {}) });
  // ORT resolves an unset numThreads at init (and may lower it without cross-origin isolation).
  initializedThreads ??= ort.env.wasm.numThreads ?? null;
  const threads = initializedThreads;
  const simd = WebAssembly.validate(SIMD_PROBE);
  const R = weights.resolution;
  let released = false;
  const run = logitsRunner(session, ort.Tensor, R, () => released, 'ort-web');
  const kernels = integer ? await profiledKernels(run, R, () => capturePrinted(() => session.endProfiling())) : { kernels: 'float32', integerKernels: false };
  return {
    run,
    effective: () => ({
      impl: 'ort-web',
      // The session was created with this provider alone (no fallback list), so it is what ran.
      backend,
      threads,
      simd,
      version: ort.env.versions.web ?? ort.env.versions.common,
      details: {
        wasmBinary: backend === 'webgl' ? null : backend === 'wasm' ? WASM_BINARY : 'ort-wasm-simd-threaded.(jsep|asyncify).wasm',
        executionProviders: backend,
        requestedThreads: options.threads ?? null,
        proxy: ort.env.wasm.proxy ?? false,
        crossOriginIsolated: typeof crossOriginIsolated === 'boolean' ? crossOriginIsolated : null,
        ...kernels,
      },
    }),
    async dispose(): Promise<void> {
      if (released) return;
      released = true;
      await session.release();
    },
    profile: (input, profileOptions) =>
      profileOrtWeb((extra) => ort.InferenceSession.create(graph(), { ...sessionOptions, ...extra }), ort.Tensor, backend, R, input, profileOptions),
  };
};
