/**
 * The page's side of `#platform` (see ./node.ts): the same exports, without Node. esbuild picks
 * this file for the probe page through package.json's `imports` ("browser" condition).
 */

/** Set by the page bundle (esbuild `define`). */
declare const __MOBILENET_BENCH_VERSION__: string | undefined;

/** Which side this is. */
export const PLATFORM: 'node' | 'browser' = 'browser';

/** This package's version, injected by the page bundle. */
export async function packageVersion(): Promise<string> {
  return typeof __MOBILENET_BENCH_VERSION__ === 'string' ? __MOBILENET_BENCH_VERSION__ : '0.1.0';
}

/** In a page the runner passes wasmPaths and threads; nothing to default here. */
export async function ortWebDefaults(): Promise<{ wasmPaths?: string; threads?: number }> {
  return {};
}

/** No fs in a page. */
export async function fsModule(): Promise<{ writeSync: (fd: number, data: unknown, ...rest: unknown[]) => number } | null> {
  return null;
}

/** LiteRT.js in a page loads through its own <script> loader: nothing to set up (models/litert.ts). */
export async function litertNodeSetup(): Promise<{ wasmDir: string; version: string }> {
  throw new Error('litertNodeSetup is for Node; a page passes LiteRT.js its wasm folder URL');
}

/** No file system in a page: the .tflite is fetched by URL. */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  throw new Error(`cannot read ${path} in a page: fetch it by URL`);
}
