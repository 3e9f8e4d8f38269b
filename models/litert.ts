/**
 * LiteRT.js (@litertjs/core, Google's web runtime for .tflite) running the official .tflite
 * files as they ship, float and uint8, on its 'wasm' accelerator (XNNPACK in WebAssembly), in
 * pages and in Node.
 *
 * The file is loaded unmodified, so the model returns what the file returns: the softmax
 * probabilities (uint8 with scale 1/256 for the quantized files, float32 for the float file),
 * returned here as real numbers. The harness therefore compares LiteRT rows with the reference's
 * softmax, not its logits (harness/probe/node-env.ts). A uint8 file takes uint8 input: the float
 * tensor in [-1, 1] is quantized with the file's input parameters (1/128, 128), round half to
 * even, exactly as the integer reference does.
 *
 * Node: LiteRT.js's loader injects a <script> (pages) or calls importScripts (workers); Node has
 * neither, so the loader script is evaluated with vm.runInThisContext under `importScripts`,
 * with `self`, `require` and `__dirname` defined for its Emscripten glue (which has a Node path
 * that reads the .wasm from disk). LiteRT.js picks its build by feature: Node 20 lacks relaxed
 * SIMD, so it runs `litert_wasm_compat_internal.wasm`; Chromium runs `litert_wasm_internal.wasm`.
 */
import type * as LiteRtModule from '@litertjs/core';
import type { CreateModel, LoadedModel, RuntimeOptions } from './runtime.ts';
import type { CanonicalWeights } from './weights/canonical.ts';
import { quantizeInput } from './reference/quantized/kernels.ts';
import { fsModule, litertNodeSetup, readFileBytes } from '#platform';

type LiteRt = typeof LiteRtModule;

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** Set by the page bundle (esbuild `define`). */
declare const __LITERT_VERSION__: string | undefined;

let loaded: Promise<{ lr: LiteRt; wasmDir: string; version: string }> | undefined;

/**
 * Node: run `fn` with LiteRT.js's start-up chatter (INFO lines from its glue on fd 1/2, a
 * "no WebGPU device" console.error) kept out of the job's output; on failure it joins the error.
 */
async function quietInNode<T>(fn: () => Promise<T>): Promise<T> {
  if (!isNode) return fn();
  const fs = (await fsModule()) as unknown as { writeSync: (...a: unknown[]) => number };
  const kept: string[] = [];
  const original = { writeSync: fs.writeSync, error: console.error, warn: console.warn, log: console.log, info: console.info };
  fs.writeSync = (fd: unknown, data: unknown, ...rest: unknown[]) => {
    if ((fd === 1 || fd === 2) && typeof data === 'string') {
      kept.push(data);
      return data.length;
    }
    return original.writeSync.call(fs, fd, data, ...rest);
  };
  console.error =
    console.warn =
    console.log =
    console.info =
      (...args: unknown[]) => {
        kept.push(args.map(String).join(' '));
      };
  try {
    return await fn();
  } catch (e) {
    throw new Error(`${(e as Error)?.message ?? String(e)} (LiteRT.js said: ${kept.join(' ').slice(-1500)})`);
  } finally {
    Object.assign(fs, { writeSync: original.writeSync });
    Object.assign(console, { error: original.error, warn: original.warn, log: original.log, info: original.info });
  }
}

/** Load the runtime once per process/page; `wasmDir` is the served `wasm/` folder in pages. */
function loadLiteRtOnce(wasmDir: string | undefined): Promise<{ lr: LiteRt; wasmDir: string; version: string }> {
  loaded ??= (async () => {
    let dir = wasmDir;
    let version = typeof __LITERT_VERSION__ === 'string' ? __LITERT_VERSION__ : 'unknown';
    if (isNode) {
      const setup = await litertNodeSetup();
      dir ??= setup.wasmDir;
      version = setup.version;
    }
    if (!dir) throw new Error('LiteRT.js needs the URL of its wasm/ folder in a page (options.wasmPaths)');
    const lr = await import('@litertjs/core');
    await quietInNode(() => lr.loadLiteRt(dir));
    return { lr, wasmDir: dir, version };
  })();
  return loaded;
}

/** Options LiteRT.js needs beyond the common ones: where the .tflite file is (pages fetch it). */
export interface LiteRtOptions extends RuntimeOptions {
  /** URL of the .tflite file (pages); Node reads `weights.source.file`. */
  tfliteUrl?: string;
}

/** The .tflite bytes: from the URL in pages, from the file in Node. */
async function tfliteBytes(weights: CanonicalWeights, options: LiteRtOptions): Promise<Uint8Array> {
  if (options.tfliteUrl) {
    const res = await fetch(options.tfliteUrl);
    if (!res.ok) throw new Error(`GET ${options.tfliteUrl}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }
  if (weights.source.kind !== 'tflite') {
    throw new Error(
      `LiteRT.js runs .tflite files only; these weights are ${weights.source.kind === 'synthetic' ? 'synthetic' : `a ${weights.source.kind} model`}`,
    );
  }
  if (!isNode) throw new Error('LiteRT.js in a page needs the .tflite file URL (options.tfliteUrl)');
  return readFileBytes(weights.source.file);
}

/** Build a LiteRT.js CompiledModel of the official file on the 'wasm' accelerator. */
export const createLiteRtModel: CreateModel = async (weights: CanonicalWeights, options: LiteRtOptions): Promise<LoadedModel> => {
  if (options.backend !== 'wasm') throw new Error(`litert runs the 'wasm' accelerator here, not '${options.backend}'`);
  if (weights.precision === 'uint8-dequantized')
    throw new Error('LiteRT.js runs the .tflite file as it ships: a uint8 file on its integer kernels (precision uint8), never dequantized');
  const { lr, version } = await loadLiteRtOnce(options.wasmPaths);
  const bytes = await tfliteBytes(weights, options);
  const model = await quietInNode(() =>
    lr.loadAndCompile(bytes, {
      accelerator: 'wasm',
      ...(options.threads !== undefined ? { cpuOptions: { numThreads: options.threads } } : {}),
    }),
  );
  const input = model.getInputDetails()[0];
  const output = model.getOutputDetails()[0];
  const R = weights.resolution;
  const shape = [1, R, R, 3];
  const inQ = weights.input.quantization;
  if (input.dtype === 'uint8' && !inQ) throw new Error('the .tflite takes uint8 input but its quantization was not read');
  // uint8 outputs: the softmax's (scale 1/256, zero point 0) as the official files declare.
  const outQ = weights.quantized?.softmax.output ?? { scale: 1 / 256, zeroPoint: 0 };
  const qInput = new Uint8Array(new ArrayBuffer(R * R * 3));
  let released = false;
  return {
    async run(x: Float32Array): Promise<Float32Array> {
      if (released) throw new Error('litert model was released');
      if (x.length !== R * R * 3) throw new RangeError(`input has ${x.length} values, expected ${R * R * 3}`);
      const t =
        input.dtype === 'uint8' ? new lr.Tensor(quantizeInput(x, inQ!, qInput) as Uint8Array<ArrayBuffer>, shape) : new lr.Tensor(new Float32Array(x), shape);
      try {
        const outs = await model.run([t]);
        try {
          const data = outs[0].toTypedArray();
          if (data instanceof Float32Array) return Float32Array.from(data);
          const y = new Float32Array(data.length);
          for (let i = 0; i < data.length; i++) y[i] = outQ.scale * (data[i] - outQ.zeroPoint);
          return y;
        } finally {
          for (const o of outs) o.delete();
        }
      } finally {
        t.delete();
      }
    },
    effective: () => ({
      impl: 'litert',
      backend: 'wasm',
      threads: options.threads ?? null,
      simd: null,
      version,
      details: {
        accelerator: 'wasm (XNNPACK)',
        inputDtype: String(input.dtype),
        outputDtype: String(output.dtype),
        output: "softmax probabilities (the file's own output)",
        // A uint8 file's ops are uint8 throughout (TFLite inserts no float fallback for them).
        integerKernels: input.dtype === 'uint8' && output.dtype === 'uint8',
        ...(weights.source.kind === 'tflite' ? { tfliteSha256: weights.source.sha256 } : {}),
      },
    }),
    async dispose(): Promise<void> {
      if (released) return;
      released = true;
      model.delete();
    },
  };
};
