/**
 * What the models need from Node (package.json, onnxruntime-web's files on disk, the core count,
 * the fs module Emscripten prints through). Imported as `#platform`: package.json's `imports`
 * maps it to this file in Node and to ./browser.ts in the probe page's bundle, so the page's
 * import graph holds no `node:` module at all.
 */

/** Set by bundles (esbuild `define`) where there is no package.json next to the code. */
declare const __MOBILENET_BENCH_VERSION__: string | undefined;

/** Which side this is. */
export const PLATFORM: 'node' | 'browser' = 'node';

/** This package's version: injected in bundles, else read from package.json. */
export async function packageVersion(): Promise<string> {
  if (typeof __MOBILENET_BENCH_VERSION__ === 'string') return __MOBILENET_BENCH_VERSION__;
  try {
    return (await import('./package-json.ts')).harnessVersion();
  } catch {
    return '0.1.0';
  }
}

/**
 * onnxruntime-web's defaults in Node: its dist folder as a plain path (a file: URL makes more
 * than one thread fail with "fetch failed") and ORT's own thread rule, which its ESM bundle
 * cannot apply in Node (it calls require('node:os')).
 */
export async function ortWebDefaults(): Promise<{ wasmPaths?: string; threads?: number }> {
  const { fileURLToPath } = await import('node:url');
  const { cpus } = await import('node:os');
  // Absent in a CommonJS bundle (the ssh target's job.cjs), whose caller gives wasmPaths itself.
  const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
  return {
    ...(resolve ? { wasmPaths: fileURLToPath(new URL('.', resolve('onnxruntime-web/wasm'))) + '/' } : {}),
    threads: Math.min(4, Math.ceil((cpus().length || 1) / 2)),
  };
}

/** The shared `fs` module object (Emscripten writes stdout with fs.writeSync(1, …)); null in a page. */
export async function fsModule(): Promise<{ writeSync: (fd: number, data: unknown, ...rest: unknown[]) => number } | null> {
  return (await import('node:fs')).default as unknown as { writeSync: (fd: number, data: unknown, ...rest: unknown[]) => number };
}

/**
 * LiteRT.js in Node (models/litert.ts): its loader wants a <script> tag or importScripts, so the
 * loader script is evaluated with vm.runInThisContext behind an importScripts shim, with `self`,
 * `require` and `__dirname` defined for its Emscripten glue. Returns its wasm folder and version.
 */
export async function litertNodeSetup(): Promise<{ wasmDir: string; version: string }> {
  const { readFileSync } = await import('node:fs');
  const { runInThisContext } = await import('node:vm');
  const { createRequire } = await import('node:module');
  const { fileURLToPath } = await import('node:url');
  const { dirname, join } = await import('node:path');
  const root = join(dirname(fileURLToPath(import.meta.resolve('@litertjs/core'))), '..');
  const wasmDir = join(root, 'wasm');
  const g = globalThis as Record<string, unknown>;
  g.self ??= globalThis;
  g.require ??= createRequire(import.meta.url);
  g.__dirname ??= wasmDir;
  g.importScripts ??= (url: string) => {
    runInThisContext(readFileSync(url, 'utf8'), { filename: url });
  };
  const { versionAt } = await import('./package-json.ts');
  return { wasmDir: `${wasmDir}/`, version: versionAt(root) };
}

/** A file's bytes (LiteRT.js reads the official .tflite itself in Node). */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  return new Uint8Array(await readFile(path));
}
