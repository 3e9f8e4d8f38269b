/**
 * What every browser runner shares: the probe page (built on demand), the static server
 * that serves it with the runtimes' files, and per-job data (canonical weights, eval inputs
 * and reference logits computed in Node, so every engine scores the identical tensors).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runtimeOf } from '../models/registry.ts';
import { packageDir } from '../models/platform/package-json.ts';
import { baseResult } from '../harness/probe/probe.ts';
import { evalInputsInNode, loadWeightsInNode } from '../harness/probe/node-env.ts';
import { encodeEvalInputs, encodeWeights } from '../harness/probe/wire.ts';
import type { PageAssets } from '../harness/probe/browser-env.ts';
import { UNSUPPORTED_PREFIX } from '../harness/probe/browser-env.ts';
import type { Job } from '../harness/plan.ts';
import type { JobResult } from '../contract/results.ts';
import { buildProbePage } from './page/build.ts';
import { startStaticServer, type StaticServer, type StaticServerOptions } from './server.ts';

/** The dist/ folder of an installed package. */
function distOf(pkg: string): string {
  const dir = packageDir(pkg);
  if (!dir) throw new Error(`${pkg} is not installed (npm install)`);
  return join(dir, 'dist');
}

/** LiteRT.js's wasm/ folder (its loader scripts and .wasm builds). */
function litertWasmDir(): string {
  const dir = packageDir('@litertjs/core');
  if (!dir) throw new Error('@litertjs/core is not installed (npm install)');
  return join(dir, 'wasm');
}

/** A job's data, served while it runs. */
export interface PreparedJob {
  assets: PageAssets;
  /** Stop serving the job's data. */
  release(): void;
}

/** The served probe page and its data. */
export interface PageHost {
  server: StaticServer;
  /** URL of the probe page. */
  pageUrl: string;
  /** Compute and serve a job's weights and eval inputs. */
  prepareJob(job: Job): Promise<PreparedJob>;
  close(): Promise<void>;
}

/** Default wait for performance.measureUserAgentSpecificMemory() (ForceEagerMeasureMemory makes it quick in Chromium). */
const MEASURE_MEMORY_TIMEOUT_MS = 5000;

/** Options of the page host beyond the static server's own. */
export interface PageHostOptions extends Pick<StaticServerOptions, 'host' | 'port' | 'requireToken'> {
  measureMemoryTimeoutMs?: number;
  /**
   * The base URL the browser reaches the server through (a tunnel to the loopback server, e.g.
   * a cloud farm's): every URL handed to the page starts with it (plus the path token) instead
   * of the server's own address.
   */
  publicUrl?: string;
}

/** Build the page (if its sources changed) and serve it with onnxruntime-web's and tfjs-backend-wasm's files. */
export async function startPageHost(options: PageHostOptions = {}): Promise<PageHost> {
  const pageDir = await buildProbePage();
  const server = await startStaticServer({
    ...options,
    // The browser reaches the server through the public URL (a tunnel, a reverse forward): answer its Host too.
    ...(options.publicUrl ? { allowedHosts: [new URL(options.publicUrl).host] } : {}),
    mounts: {
      '/page/': pageDir,
      '/ort/': distOf('onnxruntime-web'),
      '/tfjs-wasm/': distOf('@tensorflow/tfjs-backend-wasm'),
      '/litert/': litertWasmDir(),
    },
  });
  let counter = 0;
  const base = options.publicUrl ? `${options.publicUrl.replace(/\/+$/, '')}/${server.token ? `${server.token}/` : ''}` : server.url;
  return {
    server,
    pageUrl: `${base}page/index.html`,
    async prepareJob(job) {
      const n = ++counter;
      const weights = await loadWeightsInNode(job.weights, job);
      const inputs = await evalInputsInNode(job, weights);
      server.put(`/jobs/${n}/weights.bin`, encodeWeights(weights));
      server.put(`/jobs/${n}/inputs.bin`, encodeEvalInputs(inputs));
      // A runtime that reads the official file itself (LiteRT.js) is served it as it ships.
      const tflite = runtimeOf(job.implementation.impl).reads === 'tflite' && weights.source.kind === 'tflite' ? weights.source.file : null;
      if (tflite) server.put(`/jobs/${n}/model.tflite`, new Uint8Array(await readFile(tflite)));
      return {
        assets: {
          weightsUrl: `${base}jobs/${n}/weights.bin`,
          inputsUrl: `${base}jobs/${n}/inputs.bin`,
          ortWasmPaths: `${base}ort/`,
          tfjsWasmPaths: `${base}tfjs-wasm/`,
          litertWasmPaths: `${base}litert/`,
          ...(tflite ? { tfliteUrl: `${base}jobs/${n}/model.tflite` } : {}),
          measureMemoryTimeoutMs: options.measureMemoryTimeoutMs ?? MEASURE_MEMORY_TIMEOUT_MS,
        },
        release: () => server.remove(`/jobs/${n}/`),
      };
    },
    close: () => server.close(),
  };
}

/** A failed result for a job that did not come back from its page, with the reason. */
export function failedResult(job: Job, reason: string, startedMs: number): JobResult {
  const r = baseResult(job, 'failed', reason);
  r.durationMs = Date.now() - startedMs;
  return r;
}

/** A page that found its engine lacks what the backend needs reports a skip, not a failure. */
export function skipIfUnsupported(result: JobResult): JobResult {
  const at = result.status === 'failed' ? (result.error?.indexOf(UNSUPPORTED_PREFIX) ?? -1) : -1;
  if (at < 0) return result;
  return { ...result, status: 'skipped', error: result.error!.slice(at + UNSUPPORTED_PREFIX.length) };
}

/** Resolve after `ms`, with a way to cancel. */
export function delay(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<void>((done) => {
    timer = setTimeout(done, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}
