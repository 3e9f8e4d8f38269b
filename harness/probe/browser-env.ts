/**
 * The probe's platform binding for pages (Chromium, Firefox, WebKit, phones): the same
 * runProbe as in Node, with weights and accuracy inputs fetched from the harness's static
 * server, runtimes imported on demand from the page bundle (models/loaders/page.ts, so a page
 * loads only the one its job asks for), and memory from what a page can read. Browser-safe: no node: imports.
 *
 * Data: synthetic weights are generated in the page with the same seeded generator as in Node
 * (so `loadMs` means the same on both); weights from files are parsed in Node and served in
 * canonical form (models/weights loaders read files). Eval inputs and reference logits are
 * always computed in Node and served as bytes, so the page scores the identical tensors.
 */
import type { LoadedModel, RuntimeOptions } from '../../models/runtime.ts';
import { PAGE_LOADERS } from '../../models/loaders/page.ts';
import { loadFactory } from '../../models/loaders/pick.ts';
import { runtimeOf, type WasmFiles } from '../../models/registry.ts';
import type { CanonicalWeights } from '../../models/weights/canonical.ts';
import type { Implementation } from '../config/implementations.ts';
import type { Job } from '../plan.ts';
import type { Effective, Memory } from '../../contract/results.ts';
import type { ProbeEnvironment } from './probe.ts';
import { decodeEvalInputs, decodeWeights } from './wire.ts';
import { wasmMemoryBytes } from './wasm-memory.ts';
import { FMA_THREAD_BODY, type FmaThreadHost, type FmaThreadMessage } from './ceilings/threaded-fma.ts';

/** Where a page finds what its job needs (URLs relative to the page or absolute). */
export interface PageAssets {
  /** Canonical weights bytes (see wire.ts); null = generate synthetic weights in the page. */
  weightsUrl: string | null;
  /** Eval inputs bytes (see wire.ts). */
  inputsUrl: string;
  /** Folder serving onnxruntime-web's dist/ (ort.env.wasm.wasmPaths), ending in '/'. */
  ortWasmPaths: string;
  /** Folder serving tfjs-backend-wasm's dist/ (setWasmPaths), ending in '/'. */
  tfjsWasmPaths: string;
  /** Folder serving LiteRT.js's wasm/ (loadLiteRt), ending in '/'. */
  litertWasmPaths?: string;
  /** The job's official .tflite file as it ships (LiteRT.js jobs). */
  tfliteUrl?: string;
  /** Give up on performance.measureUserAgentSpecificMemory() after this long. */
  measureMemoryTimeoutMs: number;
}

/** Thrown when the engine lacks what a backend needs (no WebGPU, no WebGL): the runner records the job as skipped. */
export const UNSUPPORTED_PREFIX = 'unsupported in this browser: ';

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

type Details = Record<string, string | number | boolean | null>;

/** The WebGL renderer string (unmasked where the engine allows), or why there is none. */
function webglInfo(): Details {
  try {
    const canvas = document.createElement('canvas');
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return { webglRenderer: null, webglVersion: null };
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    const vendor = String(gl.getParameter(ext ? ext.UNMASKED_VENDOR_WEBGL : gl.VENDOR));
    // WebKit masks the renderer ("Apple GPU") whatever runs underneath: then software-or-not is unknown.
    const masked = !ext || /^Apple GPU$/i.test(renderer);
    const info: Details = {
      webglRenderer: renderer,
      webglVendor: vendor,
      webglVersion: String(gl.getParameter(gl.VERSION)),
      webglRendererMasked: masked,
      webglSoftware: /swiftshader|llvmpipe|softpipe|software/i.test(renderer) ? true : masked ? null : false,
    };
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return info;
  } catch (e) {
    return { webglRenderer: null, webglError: (e as Error).message };
  }
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  isFallbackAdapter?: boolean;
}

/** The WebGPU adapter the page gets, or null when there is none. */
async function webgpuInfo(): Promise<Details | null> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter();
  if (!adapter) return null;
  const info = adapter.info ?? {};
  const text = `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.device ?? ''} ${info.description ?? ''}`;
  return {
    webgpuVendor: info.vendor ?? null,
    webgpuArchitecture: info.architecture ?? null,
    webgpuDevice: info.device ?? null,
    webgpuDescription: info.description ?? null,
    webgpuFallbackAdapter: adapter.isFallbackAdapter ?? null,
    webgpuSoftware: Boolean(adapter.isFallbackAdapter) || /swiftshader|llvmpipe|software|cpu/i.test(text),
  };
}

let workersStarted = 0;
let workerCounterInstalled = false;
/** The page's own Worker, before the counter wraps it: the ceilings' threads are not a runtime's. */
let uncountedWorker: typeof Worker | undefined = typeof Worker === 'function' ? Worker : undefined;

/**
 * Count the Workers the runtimes start (WASM threads are Workers in a page), so `effective`
 * can show threads that really started, not only what the runtime was told. Install before
 * the runtimes load (idempotent).
 */
export function installWorkerCounter(): void {
  if (workerCounterInstalled || typeof Worker !== 'function') return;
  workerCounterInstalled = true;
  const Original = Worker;
  uncountedWorker = Original;
  const Counted = function (this: unknown, url: string | URL, options?: WorkerOptions) {
    workersStarted++;
    return new Original(url, options);
  } as unknown as typeof Worker;
  Counted.prototype = Original.prototype;
  (globalThis as unknown as { Worker: typeof Worker }).Worker = Counted;
}

/** What the page knows about its engine, recorded with every job. */
function pageDetails(): Details {
  const nav = navigator as Navigator & { deviceMemory?: number };
  return {
    userAgent: nav.userAgent,
    hardwareConcurrency: nav.hardwareConcurrency ?? null,
    deviceMemoryGiB: nav.deviceMemory ?? null,
    sharedArrayBuffer: typeof SharedArrayBuffer === 'function',
  };
}

/** The served folder of a runtime's wasm files (the registry says which it loads; ORT's when none). */
function wasmPathsOf(assets: PageAssets, files: WasmFiles | null): string {
  const paths: Record<WasmFiles, string> = { tfjs: assets.tfjsWasmPaths, ort: assets.ortWasmPaths, litert: assets.litertWasmPaths ?? '' };
  return files === null ? assets.ortWasmPaths : paths[files];
}

/** Create the model, after checking that the engine has what the backend needs, and add what the page saw. */
async function createModelInPage(impl: Implementation, weights: CanonicalWeights, assets: PageAssets): Promise<LoadedModel> {
  let gpu: Details = {};
  if (impl.backend === 'webgpu') {
    const info = await webgpuInfo();
    if (!info) throw new Error(`${UNSUPPORTED_PREFIX}no WebGPU adapter (navigator.gpu ${'gpu' in navigator ? 'returned no adapter' : 'is undefined'})`);
    gpu = info;
  } else if (impl.backend === 'webgl') {
    gpu = webglInfo();
    if (gpu.webglRenderer === null) throw new Error(`${UNSUPPORTED_PREFIX}no WebGL context`);
  }
  const runtime = runtimeOf(impl.impl);
  const create = await loadFactory('page', PAGE_LOADERS, impl.impl);
  const options: RuntimeOptions = {
    backend: impl.backend,
    ...(impl.threads !== null ? { threads: impl.threads } : {}),
    wasmPaths: new URL(wasmPathsOf(assets, runtime.wasm), location.href).href,
    ...(runtime.reads === 'tflite' && assets.tfliteUrl ? { tfliteUrl: new URL(assets.tfliteUrl, location.href).href } : {}),
  };
  const model = await create(weights, options);
  const page = {
    ...pageDetails(),
    weightsFrom: assets.weightsUrl ? 'canonical float32 parsed in Node, fetched from the harness server' : 'generated in the page',
  };
  return {
    run: (x) => model.run(x),
    dispose: () => model.dispose(),
    ...(model.profile ? { profile: (x: Float32Array, o: Parameters<NonNullable<LoadedModel['profile']>>[1]) => model.profile!(x, o) } : {}),
    effective: () => {
      const e = model.effective();
      // Workers started so far by the runtime (a WASM thread pool of N threads starts N − 1 or N workers).
      return { ...e, details: { ...e.details, ...page, ...gpu, workersStarted } };
    },
  };
}

/** measureUserAgentSpecificMemory with a time limit; null with the reason when it cannot be had. */
async function uaSpecificMemory(effective: Effective, timeoutMs: number): Promise<{ bytes: number | null; status: string }> {
  const perf = performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };
  if (typeof perf.measureUserAgentSpecificMemory !== 'function') return { bytes: null, status: 'not available in this engine' };
  if (!self.crossOriginIsolated) return { bytes: null, status: 'not crossOriginIsolated' };
  // It does not resolve while WASM worker threads are alive (Chromium), so do not even wait.
  if ((effective.threads ?? 1) > 1) return { bytes: null, status: `skipped: ${effective.threads} WASM worker threads are alive and it would hang` };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((done) => {
    timer = setTimeout(() => done(null), timeoutMs);
  });
  try {
    const r = await Promise.race([perf.measureUserAgentSpecificMemory(), timeout]);
    return r ? { bytes: r.bytes, status: 'ok' } : { bytes: null, status: `timed out after ${timeoutMs} ms` };
  } catch (e) {
    return { bytes: null, status: `failed: ${(e as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

/** Memory a page can see; the renderer's peak RSS is added by the runner, outside the page. */
async function readMemoryInPage(effective: Effective, assets: PageAssets): Promise<Memory> {
  const heap = (performance as Performance & { memory?: { usedJSHeapSize: number; totalJSHeapSize: number } }).memory;
  let tfjs: Memory['tfjs'] = null;
  if (effective.impl === 'tfjs') {
    const tf = await import('@tensorflow/tfjs-core');
    const m = tf.memory();
    tfjs = { numBytes: m.numBytes, numTensors: m.numTensors, numDataBuffers: m.numDataBuffers };
  }
  const ua = await uaSpecificMemory(effective, assets.measureMemoryTimeoutMs);
  effective.details = { ...effective.details, measureUserAgentSpecificMemory: ua.status };
  return {
    peakRssBytes: null,
    peakRssSource: null,
    jsHeapUsedBytes: heap?.usedJSHeapSize ?? null,
    jsHeapTotalBytes: heap?.totalJSHeapSize ?? null,
    externalBytes: null,
    arrayBuffersBytes: null,
    wasmMemoryBytes: wasmMemoryBytes(),
    tfjs,
    ...(ua.bytes !== null ? { extra: { userAgentSpecificMemoryBytes: ua.bytes } } : {}),
  };
}

/** The page environment for runProbe. */
export function browserProbeEnvironment(assets: PageAssets): ProbeEnvironment {
  return {
    async loadWeights(ref, job: Job) {
      if (assets.weightsUrl) return decodeWeights(await fetchBytes(assets.weightsUrl));
      if (ref.kind !== 'synthetic') throw new Error(`weights ${ref.path} were not served to the page`);
      const { syntheticWeights } = await import('../../models/weights/synthetic.ts');
      return syntheticWeights(job.alpha, job.resolution, { seed: ref.seed });
    },
    createModel: (impl, weights) => createModelInPage(impl, weights, assets),
    readMemory: (effective) => readMemoryInPage(effective, assets),
    evalInputs: async () => decodeEvalInputs(await fetchBytes(assets.inputsUrl)),
    crossOriginIsolated: typeof self.crossOriginIsolated === 'boolean' ? self.crossOriginIsolated : false,
    now: () => performance.now(),
    ceilingsPlatform: () => ({
      environment: 'browser',
      now: () => performance.now(),
      nativeUnavailable: 'a page has no native runtime (ORT-node runs in Node only)',
      threads: pageFmaThreads,
    }),
  };
}

/**
 * A page's threads for the threaded WebAssembly ceiling: Blob-URL Web Workers, as many as
 * navigator.hardwareConcurrency says, only when the page is cross-origin isolated (the threads
 * share a SharedArrayBuffer, as a runtime's WASM threads must).
 */
function pageFmaThreads(): FmaThreadHost {
  if (!self.crossOriginIsolated) return { unavailable: 'the page is not cross-origin isolated: no SharedArrayBuffer, so no WebAssembly threads' };
  const PageWorker = uncountedWorker;
  if (!PageWorker) return { unavailable: 'this page has no Web Workers' };
  const count = navigator.hardwareConcurrency;
  if (!(count >= 1)) return { unavailable: 'navigator.hardwareConcurrency is not reported here' };
  const source = `${FMA_THREAD_BODY}\nself.onmessage = (e) => { self.onmessage = null; start(e.data, (m) => self.postMessage(m)); };`;
  return {
    count,
    countSource: 'navigator.hardwareConcurrency',
    start(init, onMessage, onError) {
      const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      const worker = new PageWorker(url);
      worker.onmessage = (e: MessageEvent<FmaThreadMessage>) => onMessage(e.data);
      worker.onerror = (e) => onError(e.message || 'the worker did not load');
      worker.postMessage(init);
      return {
        terminate: () => {
          worker.terminate();
          URL.revokeObjectURL(url);
        },
      };
    },
  };
}
