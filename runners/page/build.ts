/**
 * Builds the probe page on demand: esbuild bundles harness/probe/page/main.ts (the probe, the
 * browser environment and, split into their own chunks, the reference, tfjs and
 * onnxruntime-web) into node_modules/.cache/mobilenet-bench/page/<hash>/, keyed by a hash of
 * every source that can reach the page and the lockfile, so no build step can be forgotten
 * and an unchanged tree is not rebuilt.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Plugin } from 'esbuild';

const ROOT = join(import.meta.dirname, '..', '..');
/** Folders whose sources can end up in the page. */
const SOURCE_DIRS = ['harness', 'models'];
const EXTRA_FILES = ['package.json', 'package-lock.json'];

function listSources(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) listSources(p, out);
    else if (/\.(ts|html)$/.test(entry.name)) out.push(p);
  }
}

/** Hash of the page's possible inputs (paths and contents). */
export function pageSourceHash(): string {
  const files: string[] = [];
  for (const d of SOURCE_DIRS) listSources(join(ROOT, d), files);
  for (const f of EXTRA_FILES) if (existsSync(join(ROOT, f))) files.push(join(ROOT, f));
  const h = createHash('sha256');
  for (const f of files.sort()) h.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** Folder of built pages (MOBILENET_BENCH_CACHE/page, default node_modules/.cache/mobilenet-bench/page). */
export function pageCacheDir(): string {
  return join(process.env.MOBILENET_BENCH_CACHE ?? join(ROOT, 'node_modules', '.cache', 'mobilenet-bench'), 'page');
}

let inFlight: Promise<string> | null = null;

/**
 * The page's import graph must not reach Node: Node-only helpers sit behind `#platform`
 * (package.json imports: its "browser" file in the page). A node: import that slips in fails
 * the build, naming the importer.
 */
export const NO_NODE_BUILTINS: Plugin = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({
      errors: [{ text: `${args.path} imported by ${relative(ROOT, args.importer)}: the probe page runs in a browser; put Node-only code behind '#platform' (models/platform/)` }],
    }));
  },
};

/** Size of the built page: what a phone downloads at most (runtimes load on demand, one per job). */
export interface PageBundleInfo {
  /** Source hash (the cache folder's name). */
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

/** Build the page when its sources changed; resolves to the folder holding index.html and main.js. */
export function buildProbePage(): Promise<string> {
  inFlight ??= build().finally(() => {
    inFlight = null;
  });
  return inFlight;
}

async function build(): Promise<string> {
  const hash = pageSourceHash();
  const out = join(pageCacheDir(), hash);
  if (existsSync(join(out, 'main.js')) && existsSync(join(out, 'index.html'))) return out;
  const { build: esbuild } = await import('esbuild');
  const tmp = `${out}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  await esbuild({
    entryPoints: { main: join(ROOT, 'harness', 'probe', 'page', 'main.ts') },
    outdir: tmp,
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
    define: { __MOBILENET_BENCH_VERSION__: JSON.stringify(version), __LITERT_VERSION__: JSON.stringify(litertVersion()) },
    plugins: [NO_NODE_BUILTINS],
  });
  cpSync(join(ROOT, 'harness', 'probe', 'page', 'index.html'), join(tmp, 'index.html'));
  writeFileSync(join(tmp, 'BUILD'), `${hash}\n${new Date().toISOString()}\n`);
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  // Keep the cache small: drop builds older than the last three.
  const builds = readdirSync(pageCacheDir()).filter((d) => /^[0-9a-f]{16}$/.test(d)).map((d) => join(pageCacheDir(), d));
  builds.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs).slice(3).forEach((d) => rmSync(d, { recursive: true, force: true }));
  return out;
}

/** The installed @litertjs/core version, for the page's effective config (LiteRT.js does not report it). */
function litertVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', '@litertjs', 'core', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
