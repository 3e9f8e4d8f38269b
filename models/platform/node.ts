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
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.1.0';
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
  return {
    wasmPaths: fileURLToPath(new URL('.', import.meta.resolve('onnxruntime-web/wasm'))) + '/',
    threads: Math.min(4, Math.ceil((cpus().length || 1) / 2)),
  };
}

/** The shared `fs` module object (Emscripten writes stdout with fs.writeSync(1, …)); null in a page. */
export async function fsModule(): Promise<{ writeSync: (fd: number, data: unknown, ...rest: unknown[]) => number } | null> {
  return (await import('node:fs')).default as unknown as { writeSync: (fd: number, data: unknown, ...rest: unknown[]) => number };
}
