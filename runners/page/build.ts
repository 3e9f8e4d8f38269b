/**
 * Builds the probe page on demand: esbuild bundles harness/probe/page/main.ts (the probe, the
 * browser environment and, split into their own chunks, the runtimes of models/loaders/page.ts)
 * into the build cache (runners/build-cache.ts) under <cache>/page/<key>/, keyed by what the page
 * runs (its import closure, the packages it reaches, index.html), so no build step can be
 * forgotten and a change to code the page never runs does not rebuild it.
 */
import { cpSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Plugin } from 'esbuild';
import { cacheDir } from '../../harness/cache.ts';
import { cachedBuild, type CachedBuild } from '../build-cache.ts';
import { packageDir, projectRoot, versionAt } from '../../models/platform/package-json.ts';

const ROOT = projectRoot();

/** Builds under way, by source root (an A/B side's page is built from that side's tree). */
const inFlight = new Map<string, Promise<string>>();

/**
 * The page's import graph must not reach Node: Node-only helpers sit behind `#platform`
 * (package.json imports: its "browser" file in the page). A node: import that slips in fails
 * the build, naming the importer.
 */
export const NO_NODE_BUILTINS: Plugin = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({
      errors: [
        {
          text: `${args.path} imported by ${relative(ROOT, args.importer)}: the probe page runs in a browser; put Node-only code behind '#platform' (models/platform/)`,
        },
      ],
    }));
  },
};

/** Size of the built page: what a phone downloads at most (runtimes load on demand, one per job). */
export interface PageBundleInfo {
  /** Build key (the cache folder's name). */
  hash: string;
  /** Every file of the bundle together. */
  totalBytes: number;
  /** main.js and index.html: what every job loads before its runtime's chunk. */
  entryBytes: number;
  files: number;
}

/** Build the page if needed and measure it. */
export async function pageBundleInfo(): Promise<PageBundleInfo> {
  const dir = await buildProbePage();
  const files = readdirSync(dir).filter((f) => f !== 'BUILD');
  const size = (f: string) => statSync(join(dir, f)).size;
  return {
    hash: dir.split(/[\\/]/).pop()!,
    totalBytes: files.reduce((n, f) => n + size(f), 0),
    entryBytes: ['main.js', 'index.html'].filter((f) => files.includes(f)).reduce((n, f) => n + size(f), 0),
    files: files.length,
  };
}

/**
 * Build the page from the sources under `root` (default this checkout) when what it runs changed;
 * resolves to the folder holding index.html and main.js.
 */
export function buildProbePage(root = ROOT): Promise<string> {
  let building = inFlight.get(root);
  if (!building) {
    building = cachedBuild(probePageBuild(root), cacheDir()).finally(() => inFlight.delete(root));
    inFlight.set(root, building);
  }
  return building;
}

/** The page's build for the cache, from the sources under `root` (tests pass a copy of the tree). */
export function probePageBuild(root = ROOT): CachedBuild {
  const version = versionAt(root);
  const html = join(root, 'harness', 'probe', 'page', 'index.html');
  const options = {
    entryPoints: { main: join(root, 'harness', 'probe', 'page', 'main.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: false,
    sourcemap: false,
    logLevel: 'silent',
    // onnxruntime-web: load its emscripten glue (ort-wasm-simd-threaded*.mjs) from wasmPaths,
    // so its worker threads start from that file and not from our bundle.
    conditions: ['onnxruntime-web-use-extern-wasm'],
    define: { __MOBILENET_BENCH_VERSION__: JSON.stringify(version), __LITERT_VERSION__: JSON.stringify(litertVersion(root)) },
    plugins: [NO_NODE_BUILTINS],
  } as const satisfies CachedBuild['options'];
  return {
    name: 'page',
    root,
    options,
    // This file stands for the build options the key cannot serialize (the plugin).
    extraInputs: [html, join(root, 'tsconfig.json'), join(root, 'runners', 'page', 'build.ts')],
    async build(dir) {
      const { build: esbuild } = await import('esbuild');
      await esbuild({ ...options, outdir: dir });
      cpSync(html, join(dir, 'index.html'));
    },
  };
}

/** The @litertjs/core version the sources under `root` resolve (an A/B pkg: side's tree finds it in a parent folder), for the page's effective config (LiteRT.js does not report it). */
function litertVersion(root: string): string {
  const dir = packageDir('@litertjs/core', root);
  return dir ? versionAt(dir) : 'unknown';
}
