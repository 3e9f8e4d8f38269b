/**
 * What an ssh target ships to the board: the Node job bundle (harness/probe/board-job.ts and
 * the probe, runtimes and models it imports, built by esbuild into one CommonJS file, keyed by
 * a hash of its sources) and the files the runtimes load at run time: onnxruntime-node's native
 * binding for the board's platform and arch, tfjs-backend-wasm's and onnxruntime-web's wasm.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cacheDir } from '../../harness/cache.ts';
import { packageDir } from '../../harness/browsers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SOURCE_DIRS = ['harness', 'models'];

/** One file of the runtime tree: its path in the tree and where it comes from here. */
export interface TreeFile {
  rel: string;
  local: string;
}

function listSources(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) listSources(p, out);
    else if (entry.name.endsWith('.ts')) out.push(p);
  }
}

function sourceHash(): string {
  const files: string[] = [];
  for (const d of SOURCE_DIRS) listSources(join(ROOT, d), files);
  files.push(join(ROOT, 'package-lock.json'));
  const h = createHash('sha256');
  for (const f of files.sort()) if (existsSync(f)) h.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex').slice(0, 16);
}

let inFlight: Promise<string> | null = null;

/** Build the job bundle when its sources changed; resolves to the path of job.cjs. */
export function buildRemoteJobBundle(): Promise<string> {
  inFlight ??= build().finally(() => {
    inFlight = null;
  });
  return inFlight;
}

async function build(): Promise<string> {
  const base = join(cacheDir(), 'ssh-bundle');
  const out = join(base, sourceHash());
  const file = join(out, 'job.cjs');
  if (existsSync(file)) return file;
  const { build: esbuild } = await import('esbuild');
  const tmp = `${out}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  await esbuild({
    entryPoints: [join(ROOT, 'harness', 'probe', 'board-job.ts')],
    outfile: join(tmp, 'job.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
    define: { __MOBILENET_BENCH_VERSION__: JSON.stringify(version) },
    plugins: [{
      // onnxruntime-node requires its binding by a path built from platform and arch: keep that
      // a run-time lookup next to the bundle (bin/napi-v6/<platform>/<arch>/), which is where it is shipped.
      name: 'ort-node-binding',
      setup(b) {
        b.onLoad({ filter: /onnxruntime-node[\\/]dist[\\/]binding\.js$/ }, (args) => ({
          contents: readFileSync(args.path, 'utf8').replace(/require\(`\.\.\/bin\/napi-v6\//, 'require(__dirname + `/bin/napi-v6/'),
          loader: 'js',
        }));
      },
    }],
  });
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  const builds = readdirSync(base).filter((d) => /^[0-9a-f]{16}$/.test(d)).map((d) => join(base, d));
  builds.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs).slice(3).forEach((d) => rmSync(d, { recursive: true, force: true }));
  return file;
}

/**
 * The runtime tree for a board: job.cjs at its root, onnxruntime-node's binding for the board
 * (or a reason it has none), and the wasm files of tfjs and onnxruntime-web.
 */
export async function runtimeTree(platform: string, arch: string): Promise<{ files: TreeFile[]; ortNodeUnavailable: string | null }> {
  const files: TreeFile[] = [{ rel: 'job.cjs', local: await buildRemoteJobBundle() }];
  const ortNode = packageDir('onnxruntime-node');
  const bin = ortNode ? join(ortNode, 'bin', 'napi-v6', platform, arch) : null;
  let ortNodeUnavailable: string | null = null;
  if (bin && existsSync(bin)) {
    for (const f of readdirSync(bin)) files.push({ rel: `bin/napi-v6/${platform}/${arch}/${f}`, local: join(bin, f) });
  } else {
    ortNodeUnavailable = `onnxruntime-node ships no binary for ${platform}/${arch}`;
  }
  const tfjsDist = join(packageDir('@tensorflow/tfjs-backend-wasm') ?? '', 'dist');
  for (const f of readdirSync(tfjsDist).filter((f) => f.endsWith('.wasm'))) files.push({ rel: `tfjs-wasm/${f}`, local: join(tfjsDist, f) });
  const ortDist = join(packageDir('onnxruntime-web') ?? '', 'dist');
  for (const f of ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs']) files.push({ rel: `ort-wasm/${f}`, local: join(ortDist, f) });
  return { files, ortNodeUnavailable };
}
