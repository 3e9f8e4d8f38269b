/**
 * What an ssh target ships to the board: the Node job bundle (harness/probe/board-job.ts and
 * the probe, runtimes and models it imports, built by esbuild into one CommonJS file, kept in the
 * build cache (runners/build-cache.ts) keyed by what the bundle runs) and the files the runtimes
 * load at run time: onnxruntime-node's native binding for the board's platform and arch,
 * tfjs-backend-wasm's and onnxruntime-web's wasm.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../../harness/cache.ts';
import { packageDir, projectRoot, versionAt } from '../../models/platform/package-json.ts';
import { cachedBuild, type CachedBuild } from '../build-cache.ts';

const ROOT = projectRoot();

/** One file of the runtime tree: its path in the tree and where it comes from here. */
export interface TreeFile {
  rel: string;
  local: string;
}

/** The bundles a board runs: one job (`run`), or an A/B block worker (`ab`). */
export type BoardEntry = 'job' | 'block-job';
const ENTRY_SOURCES: Record<BoardEntry, string> = { job: 'board-job.ts', 'block-job': 'board-block-job.ts' };

const inFlight = new Map<string, Promise<string>>();

/** Build a bundle when what it runs changed; resolves to the path of `<entry>.cjs`. */
function buildBoardBundle(root: string, entry: BoardEntry): Promise<string> {
  const key = `${root}\0${entry}`;
  let p = inFlight.get(key);
  if (!p) {
    p = cachedBuild(remoteJobBuild(root, entry), cacheDir())
      .then((dir) => join(dir, `${entry}.cjs`))
      .finally(() => inFlight.delete(key));
    inFlight.set(key, p);
  }
  return p;
}

/**
 * A board bundle's build for the cache, from the sources under `root` (an A/B side's checkout; tests
 * pass a copy of the tree). The entry must exist there: a side whose code predates it cannot run it.
 */
export function remoteJobBuild(root = ROOT, entry: BoardEntry = 'job'): CachedBuild {
  const version = versionAt(root);
  const source = join(root, 'harness', 'probe', ENTRY_SOURCES[entry]);
  if (!existsSync(source)) throw new Error(`${root} has no harness/probe/${ENTRY_SOURCES[entry]}: its code predates this board bundle`);
  const options = {
    entryPoints: [source],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // The board runs a bundle of the TypeScript sources: #platform maps to models/platform/node.ts, not to dist/.
    conditions: ['source'],
    logLevel: 'silent',
    define: { __MOBILENET_BENCH_VERSION__: JSON.stringify(version) },
    plugins: [
      {
        // onnxruntime-node requires its binding by a path built from platform and arch: keep that
        // a run-time lookup next to the bundle (bin/napi-v6/<platform>/<arch>/), which is where it is shipped.
        name: 'ort-node-binding',
        setup(b) {
          b.onLoad({ filter: /onnxruntime-node[\\/]dist[\\/]binding\.js$/ }, (args) => ({
            contents: readFileSync(args.path, 'utf8').replace(/require\(`\.\.\/bin\/napi-v6\//, 'require(__dirname + `/bin/napi-v6/'),
            loader: 'js',
          }));
        },
      },
    ],
  } satisfies CachedBuild['options'];
  return {
    name: entry === 'job' ? 'ssh-bundle' : 'ssh-block-bundle',
    root,
    options,
    // This builder's own file stands for the build options the key cannot serialize (the plugin).
    extraInputs: [join(root, 'tsconfig.json'), join(ROOT, 'runners', 'ssh', 'bundle.ts')],
    async build(dir) {
      const { build: esbuild } = await import('esbuild');
      await esbuild({ ...options, outfile: join(dir, `${entry}.cjs`) });
    },
  };
}

/**
 * The runtime tree for a board: `<entry>.cjs` at its root, onnxruntime-node's binding for the board
 * (or a reason it has none), and the wasm files of tfjs and onnxruntime-web, all from the checkout
 * at `root` (an A/B side's own, so a `pkg:` side ships the runtime versions it swapped in).
 */
export async function runtimeTree(
  platform: string,
  arch: string,
  root = ROOT,
  entry: BoardEntry = 'job',
): Promise<{ files: TreeFile[]; ortNodeUnavailable: string | null }> {
  const files: TreeFile[] = [{ rel: `${entry}.cjs`, local: await buildBoardBundle(root, entry) }];
  const packageIn = (name: string) => packageDir(name, root);
  const ortNode = packageIn('onnxruntime-node');
  const bin = ortNode ? join(ortNode, 'bin', 'napi-v6', platform, arch) : null;
  let ortNodeUnavailable: string | null = null;
  if (bin && existsSync(bin)) {
    for (const f of readdirSync(bin)) files.push({ rel: `bin/napi-v6/${platform}/${arch}/${f}`, local: join(bin, f) });
  } else {
    ortNodeUnavailable = `onnxruntime-node ships no binary for ${platform}/${arch}`;
  }
  const tfjsDist = join(packageIn('@tensorflow/tfjs-backend-wasm') ?? '', 'dist');
  for (const f of readdirSync(tfjsDist).filter((f) => f.endsWith('.wasm'))) files.push({ rel: `tfjs-wasm/${f}`, local: join(tfjsDist, f) });
  const ortDist = join(packageIn('onnxruntime-web') ?? '', 'dist');
  for (const f of ['ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.mjs']) files.push({ rel: `ort-wasm/${f}`, local: join(ortDist, f) });
  return { files, ortNodeUnavailable };
}
