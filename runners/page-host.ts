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

/** A folder of an installed package, as the sources under `root` resolve it. */
function installed(pkg: string, sub: string, root: string | undefined): string {
  const dir = packageDir(pkg, root);
  if (!dir) throw new Error(`${pkg} is not installed${root ? ` for ${root}` : ''} (npm install)`);
  return join(dir, sub);
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
  /** The built page's folder (in the build cache, named by its build key). */
  pageDir: string;
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
  /**
   * The checkout whose page is served (default this one): its harness/probe/page built from its
   * sources, and the runtimes' files (onnxruntime-web's and tfjs-backend-wasm's dist/, LiteRT.js's
   * wasm/) of the packages its sources resolve, so that an A/B side serves its own code and versions.
   */
  root?: string;
}

/** Build the page (if its sources changed) and serve it with onnxruntime-web's and tfjs-backend-wasm's files. */
export async function startPageHost(options: PageHostOptions = {}): Promise<PageHost> {
  const root = options.root;
  const pageDir = await buildProbePage(root);
  const server = await startStaticServer({
    ...options,
    // The browser reaches the server through the public URL (a tunnel, a reverse forward): answer its Host too.
    ...(options.publicUrl ? { allowedHosts: [new URL(options.publicUrl).host] } : {}),
    mounts: {
      '/page/': pageDir,
      '/ort/': installed('onnxruntime-web', 'dist', root),
      '/tfjs-wasm/': installed('@tensorflow/tfjs-backend-wasm', 'dist', root),
      '/litert/': installed('@litertjs/core', 'wasm', root),
    },
  });
  let counter = 0;
  const base = options.publicUrl ? `${options.publicUrl.replace(/\/+$/, '')}/${server.token ? `${server.token}/` : ''}` : server.url;
  return {
    server,
    pageDir,
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
