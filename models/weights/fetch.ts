/**
 * `mobilenet-bench models fetch`: the official MobileNet V1 weights into a local cache laid
 * out like shared/data/weights (tfjs/<name>/model.json + shards, tflite/<name>_quant.tflite):
 * - float32: the TensorFlow.js Layers models from the tfjs-models bucket (all 16 variants);
 * - uint8:   the TF-slim quantized TFLite models (release 2018-08-02, one .tgz each).
 * From the network, or from a mirror folder with the same layout (air-gapped labs, tests).
 * Files whose SHA-256 we know are verified; others are recorded, and the report says so.
 * Nothing here runs unless asked: a benchmark run never downloads.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { projectRoot } from '../platform/package-json.ts';
import { allVariants, variantName, type Variant } from '../spec.ts';
import { WeightsError, type Precision } from './canonical.ts';
import { officialFileNames } from './mirror.ts';
import { redactText, redactUrl, secretsOf, splitUrlCredentials } from '../../contract/secrets.ts';

/** Where `models fetch` stores weights unless told otherwise. */
export function defaultWeightsCache(): string {
  return process.env.MOBILENET_BENCH_WEIGHTS_CACHE ?? join(projectRoot(), 'node_modules', '.cache', 'mobilenet-bench', 'weights');
}

/** Official download locations (override with --base-url / MOBILENET_BENCH_WEIGHTS_URL for a private mirror server). */
const OFFICIAL_URLS = {
  tfjs: 'https://storage.googleapis.com/tfjs-models/tfjs',
  tflite: 'https://storage.googleapis.com/download.tensorflow.org/models/mobilenet_v1_2018_08_02',
};

/**
 * SHA-256 of official files we could check against a known copy (the one in shared/data,
 * taken from public repositories). Keys are paths relative to the cache. Files not listed
 * are fetched and their hash recorded, marked "not pinned".
 */
const PINNED_SHA256: Record<string, string> = {
  'tfjs/mobilenet_v1_0.25_224/model.json': '47417a9a7318ac0de893ed738ae84c6c26c294a415f06c421ff1c6af45df84f1',
  'tfjs/mobilenet_v1_0.75_224/model.json': 'a74c25424bd9939b1c245a58da417e35d1ca16f0b009490a1c44b43d982600d9',
  'tflite/mobilenet_v1_0.25_128_quant.tflite': '3799e7cdb3ec44beacaf47ef5c884111c919e51bb50b34ac836244b08d4b953b',
  'tflite/mobilenet_v1_0.25_160_quant.tflite': '97f3e6517d02dfdd844ab307857f785cad0ff8d22be9b57d44fbc3e0fc919908',
  'tflite/mobilenet_v1_0.25_192_quant.tflite': 'f80999b6324c6f101300c3ee38fbe7e11e74a743b5e0be7350602087fe7430a3',
  'tflite/mobilenet_v1_0.25_224_quant.tflite': 'ce8f61fe3e4e29560c4ea8038e4b91eb354be330fc428348b9645bd1e7de03bf',
  'tflite/mobilenet_v1_0.5_128_quant.tflite': '98218c930437d5d618f67cf8ac05e7cae838962479a0f1caac5fd1304a164428',
  'tflite/mobilenet_v1_0.5_160_quant.tflite': '1a2c4e38428658475e447d9dfe696149d59bd57db714e8b028971173017ae076',
  'tflite/mobilenet_v1_0.5_192_quant.tflite': 'b0e9c14692a1c967112edd5d3c16fa24e2698b2c14dc2fd8d6932fc6728d5d2a',
  'tflite/mobilenet_v1_0.5_224_quant.tflite': 'b14dcdda08a2a8746977ef312504b86e4205c10508de5b50816fd380f6a679db',
  'tflite/mobilenet_v1_0.75_128_quant.tflite': 'a4608be6a9401fb7e4b77ff2a2998cfeccf8deb06dd50be9f536c75157f2c980',
  'tflite/mobilenet_v1_0.75_160_quant.tflite': '54199ac68e4918bde69c12da8686fe5bfa983c8b1c865b3e03d45ad5d2f97948',
  'tflite/mobilenet_v1_0.75_192_quant.tflite': 'ab1c6c59d5fa1cdc23afea00f57814056370583844d5cf3736ec142ba304d463',
  'tflite/mobilenet_v1_0.75_224_quant.tflite': 'c840ef6d6284a744a4b7c29c9fca0e66b71a20ea55ce1c8a705d2cfe11190eb6',
};

/** What happened to one file. */
export interface FetchedFile {
  relative: string;
  sha256: string;
  /** 'verified' against a pinned hash; 'not pinned' when we know none; 'cached' already present and verified. */
  check: 'verified' | 'not pinned' | 'cached';
  from: string;
}

export interface FetchOptions {
  variants?: Variant[];
  precisions?: Precision[];
  /** Destination (default: defaultWeightsCache()). */
  cacheDir?: string;
  /** Copy from this folder (laid out like shared/data/weights) instead of downloading. */
  mirror?: string;
  /** Download base URLs (default OFFICIAL_URLS). */
  baseUrls?: Partial<typeof OFFICIAL_URLS>;
  /** Injected for tests; default global fetch. */
  fetchImpl?: typeof fetch;
  onFile?: (f: FetchedFile) => void;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Write atomically: a crash never leaves a half file that looks complete. */
function writeAtomic(file: string, bytes: Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.part`, bytes);
  renameSync(`${file}.part`, file);
}

/** Check bytes against the pinned hash, if any. */
function verify(relative: string, bytes: Uint8Array, origin: string): { sha256: string; pinned: boolean } {
  const got = sha256(bytes);
  const want = PINNED_SHA256[relative];
  if (want && got !== want) {
    throw new WeightsError(origin, undefined, `SHA-256 ${got} does not match the pinned ${want}: the file is corrupt or not the official one`);
  }
  return { sha256: got, pinned: Boolean(want) };
}

/** The `<name>.tflite` inside a TF-slim release .tgz (ustar: 512-byte headers, sizes in octal). */
function extractFromTgz(tgz: Uint8Array, wanted: string, origin: string): Uint8Array {
  let tar: Uint8Array;
  try {
    tar = gunzipSync(tgz);
  } catch (e) {
    throw new WeightsError(origin, undefined, `not a gzip archive (${(e as Error).message})`);
  }
  const text = (b: Uint8Array) => new TextDecoder().decode(b).replace(/\0.*$/s, '');
  for (let at = 0; at + 512 <= tar.length; ) {
    const name = text(tar.subarray(at, at + 100));
    if (!name) break;
    const size = parseInt(text(tar.subarray(at + 124, at + 136)).trim() || '0', 8);
    const body = at + 512;
    if (name.replace(/^\.\//, '').split('/').pop() === wanted) {
      if (body + size > tar.length) throw new WeightsError(origin, wanted, `archive is truncated (${wanted} needs ${size} bytes)`);
      return tar.slice(body, body + size);
    }
    at = body + Math.ceil(size / 512) * 512;
  }
  throw new WeightsError(origin, wanted, 'not found in the archive');
}

/** Get bytes from the mirror or the network. */
async function obtain(url: string, mirrorFile: string | undefined, fetchImpl: typeof fetch): Promise<Uint8Array> {
  if (mirrorFile) {
    if (!existsSync(mirrorFile)) throw new WeightsError(mirrorFile, undefined, 'not in the mirror folder');
    return readFileSync(mirrorFile);
  }
  // A mirror server's user:password@ goes in a header (fetch refuses a URL holding it); messages name the URL without it.
  const { url: bare, authorization } = splitUrlCredentials(url);
  const shown = redactUrl(url);
  let res: Response;
  try {
    res = await fetchImpl(bare, authorization ? { headers: { authorization } } : undefined);
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (e as Error).message;
    throw new WeightsError(shown, undefined, `download failed (${why}); offline? use --mirror DIR with a folder laid out like shared/data/weights`);
  }
  if (!res.ok) throw new WeightsError(shown, undefined, `download failed: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The tfjs-models bucket spells α 0.5 as 0.50 (and 1 as 1.0). */
function tfjsRemoteName(v: Variant): string {
  const a = v.alpha === 1 ? '1.0' : v.alpha === 0.5 ? '0.50' : String(v.alpha);
  return `mobilenet_v1_${a}_${v.resolution}`;
}

/** Fetch one tfjs Layers model: model.json then every shard it lists. */
async function fetchTfjs(
  v: Variant,
  o: Required<Pick<FetchOptions, 'fetchImpl'>> & FetchOptions,
  cache: string,
  urls: typeof OFFICIAL_URLS,
): Promise<FetchedFile[]> {
  const [{ relative }] = officialFileNames(v, 'float32').filter((f) => f.format === 'tfjs-layers');
  const folder = dirname(relative);
  const base = `${urls.tfjs}/${tfjsRemoteName(v)}`;
  const mirrorFolder = o.mirror ? join(o.mirror, folder) : undefined;
  const out: FetchedFile[] = [];
  const modelJson = await obtain(`${base}/model.json`, mirrorFolder && join(mirrorFolder, 'model.json'), o.fetchImpl);
  const checked = verify(relative, modelJson, o.mirror ? join(o.mirror, relative) : `${base}/model.json`);
  let manifest: { weightsManifest?: Array<{ paths: string[] }> };
  try {
    manifest = JSON.parse(new TextDecoder().decode(modelJson));
  } catch {
    throw new WeightsError(`${base}/model.json`, undefined, 'not valid JSON');
  }
  for (const shard of (manifest.weightsManifest ?? []).flatMap((g) => g.paths)) {
    if (shard.includes('/') || shard.includes('..')) throw new WeightsError(`${base}/model.json`, shard, 'shard path leaves the model folder');
    const bytes = await obtain(`${base}/${shard}`, mirrorFolder && join(mirrorFolder, shard), o.fetchImpl);
    writeAtomic(join(cache, folder, shard), bytes);
    out.push({ relative: join(folder, shard), sha256: sha256(bytes), check: 'not pinned', from: o.mirror ?? base });
  }
  // model.json last: its presence marks a complete model.
  writeAtomic(join(cache, relative), modelJson);
  out.push({ relative, sha256: checked.sha256, check: checked.pinned ? 'verified' : 'not pinned', from: o.mirror ?? base });
  return out;
}

/** Fetch one quantized TFLite model (the .tflite out of the release .tgz, or the file from a mirror). */
async function fetchTflite(
  v: Variant,
  o: Required<Pick<FetchOptions, 'fetchImpl'>> & FetchOptions,
  cache: string,
  urls: typeof OFFICIAL_URLS,
): Promise<FetchedFile> {
  const [{ relative }] = officialFileNames(v, 'uint8-dequantized');
  const name = `mobilenet_v1_${variantName(v)}_quant`;
  let bytes: Uint8Array;
  let from: string;
  if (o.mirror) {
    from = join(o.mirror, relative);
    bytes = await obtain('', from, o.fetchImpl);
  } else {
    from = `${urls.tflite}/${name}.tgz`;
    bytes = extractFromTgz(await obtain(from, undefined, o.fetchImpl), `${name}.tflite`, from);
  }
  const checked = verify(relative, bytes, from);
  writeAtomic(join(cache, relative), bytes);
  return { relative, sha256: checked.sha256, check: checked.pinned ? 'verified' : 'not pinned', from };
}

/** Fetch the official weights for the asked variants and precisions; returns what was stored. Failures are collected, not thrown one by one. */
export async function fetchOfficialWeights(
  o: FetchOptions = {},
): Promise<{ cacheDir: string; files: FetchedFile[]; failures: Array<{ what: string; error: string }> }> {
  const cache = o.cacheDir ?? defaultWeightsCache();
  const urls = {
    ...OFFICIAL_URLS,
    ...(process.env.MOBILENET_BENCH_WEIGHTS_URL ? { tfjs: process.env.MOBILENET_BENCH_WEIGHTS_URL, tflite: process.env.MOBILENET_BENCH_WEIGHTS_URL } : {}),
    ...o.baseUrls,
  };
  const opts = { ...o, fetchImpl: o.fetchImpl ?? fetch };
  // The base URLs enter here (--base-url, MOBILENET_BENCH_WEIGHTS_URL): nothing returned or reported holds their credentials.
  const secrets = secretsOf(urls);
  const safe = (f: FetchedFile): FetchedFile => ({ ...f, from: redactText(redactUrl(f.from), secrets) });
  const files: FetchedFile[] = [];
  const failures: Array<{ what: string; error: string }> = [];
  for (const v of o.variants ?? allVariants()) {
    for (const p of o.precisions ?? (['float32', 'uint8-dequantized'] as Precision[])) {
      const what = `${variantName(v)} ${p}`;
      const [{ relative }] = officialFileNames(v, p);
      const existing = join(cache, relative);
      try {
        if (existsSync(existing)) {
          const c = verify(relative, readFileSync(existing), existing);
          const f: FetchedFile = { relative, sha256: c.sha256, check: 'cached', from: cache };
          files.push(f);
          o.onFile?.(f);
          continue;
        }
        const got = (p === 'float32' ? await fetchTfjs(v, opts, cache, urls) : [await fetchTflite(v, opts, cache, urls)]).map(safe);
        for (const f of got) o.onFile?.(f);
        files.push(...got);
      } catch (e) {
        failures.push({ what, error: redactText((e as Error).message, secrets) });
      }
    }
  }
  return { cacheDir: cache, files, failures };
}
