/**
 * Labelled evaluation sets on disk, preprocessed once per resolution (and cached), so
 * every implementation gets the identical tensors. Layouts:
 * - flat:        <dir>/<wnid>_<anything>.JPEG            (the ImageNet sample in shared/data)
 * - imagefolder: <dir>/<wnid>/<anything>.JPEG            (torchvision's ImageFolder)
 * - ilsvrc-val:  <dir>/ILSVRC2012_val_NNNNNNNN.JPEG + a ground-truth file (see docs/models.md, "Accuracy")
 * - class names: <dir>/<class name>/*.jpg, matched to a model's labels file (eval-class-folders.ts)
 * Class indices follow the standard order: the 1000 wnids sorted (synsets file).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { cropResizeNormalize, decodeImage, DEFAULT_CROP } from '../models/preprocess.ts';
import { mulberry32 } from '../contract/stats/describe.ts';
import { readRegularFile, UnsafeFileError } from '../contract/safe-read.ts';

/** One labelled image file. */
export interface EvalItem {
  file: string;
  /** 0-based class in the 1000-class order (sorted wnids). */
  label1000: number;
}

/** An eval set ready for one resolution and class space. */
export interface PreparedEvalSet {
  tensors: Float32Array[];
  /** Labels in the model's class space (1001-class models: label1000 + 1). */
  labels: number[];
  files: string[];
  /** Identity of (images, resolution), for caches of derived data. */
  key: string;
  /** Files skipped because they could not be read or decoded, with the reason. */
  skipped: Array<{ file: string; reason: string }>;
  note?: string;
}

/** The eval set cannot be used: names the folder or file and the fix. */
export class EvalSetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvalSetError';
  }
}

export const IMAGE_EXT = /\.(jpe?g|png)$/i;
export const WNID = /^n\d{8}$/;
const SYNSET_FILES = ['synsets_1000.txt', 'synsets.txt', 'synset_words.txt', 'LOC_synset_mapping.txt'];
const ILSVRC_VAL = /^ILSVRC2012_val_\d{8}\.(jpe?g|png)$/i;
const GROUND_TRUTH_FILES = ['val.txt', 'ILSVRC2012_val_labels.txt', 'ground_truth.txt'];

/** Find the synsets list beside the set (the folder, its parents, or their labels/), first word of each line a wnid. */
function findSynsets(dir: string): string[] | null {
  const places = [dir, dirname(dir), dirname(dirname(dir))].flatMap((d) => [d, join(d, 'labels')]);
  for (const place of places) {
    for (const name of SYNSET_FILES) {
      const file = join(place, name);
      if (!existsSync(file)) continue;
      const wnids = readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.trim().split(/\s+/)[0])
        .filter((w) => WNID.test(w));
      if (wnids.length === 1000) return wnids;
    }
  }
  return null;
}

/** List the labelled images of a folder in any supported layout, sorted by path. */
export function listEvalItems(dir: string): EvalItem[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new EvalSetError(`eval set ${dir}: not a folder`);
  const entries = readdirSync(dir, { withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && IMAGE_EXT.test(e.name))
    .map((e) => e.name)
    .sort();
  const subdirs = entries
    .filter((e) => e.isDirectory() && WNID.test(e.name))
    .map((e) => e.name)
    .sort();

  if (files.length && files.every((f) => ILSVRC_VAL.test(f))) return ilsvrcVal(dir, files);

  let pairs: Array<{ file: string; wnid: string }>;
  if (subdirs.length) {
    pairs = subdirs.flatMap((wnid) =>
      readdirSync(join(dir, wnid))
        .filter((f) => IMAGE_EXT.test(f))
        .sort()
        .map((f) => ({ file: join(dir, wnid, f), wnid })),
    );
  } else {
    pairs = files.filter((f) => WNID.test(f.slice(0, 9))).map((f) => ({ file: join(dir, f), wnid: f.slice(0, 9) }));
  }
  if (pairs.length === 0) {
    throw new EvalSetError(
      `eval set ${dir}: no labelled images found. Expected <wnid>_*.JPEG files, one sub-folder per wnid, or ILSVRC2012_val_*.JPEG with a ground-truth file`,
    );
  }
  const distinct = [...new Set(pairs.map((p) => p.wnid))].sort();
  const synsets = findSynsets(dir) ?? (distinct.length === 1000 ? distinct : null);
  if (!synsets) {
    throw new EvalSetError(
      `eval set ${dir}: its images cover ${distinct.length} classes, so the class order cannot be inferred; put synsets.txt (the 1000 wnids in standard order) in the folder or its parent`,
    );
  }
  const index = new Map(synsets.map((w, i) => [w, i]));
  return pairs.map(({ file, wnid }) => {
    const label1000 = index.get(wnid);
    if (label1000 === undefined) throw new EvalSetError(`${file}: wnid ${wnid} is not one of the 1000 ImageNet classes`);
    return { file, label1000 };
  });
}

/** ILSVRC2012 validation: a ground-truth file of `<file> <class>` lines (caffe's val.txt) or one class per line in file order. */
function ilsvrcVal(dir: string, files: string[]): EvalItem[] {
  const gtFile = [dir, dirname(dir)].flatMap((d) => GROUND_TRUTH_FILES.map((n) => join(d, n))).find(existsSync);
  if (!gtFile) {
    throw new EvalSetError(
      `eval set ${dir}: ILSVRC2012 validation images need a ground-truth file (${GROUND_TRUTH_FILES.join(' or ')}) with 0-based class indices in sorted-wnid order`,
    );
  }
  const lines = readFileSync(gtFile, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const byName = new Map<string, number>();
  lines.forEach((line, i) => {
    const parts = line.split(/\s+/);
    const [name, cls] = parts.length >= 2 ? [parts[0], Number(parts[1])] : [`ILSVRC2012_val_${String(i + 1).padStart(8, '0')}.JPEG`, Number(parts[0])];
    if (!Number.isInteger(cls) || cls < 0 || cls > 999) throw new EvalSetError(`${gtFile}:${i + 1}: expected a class index 0..999, got '${line}'`);
    byName.set(name, cls);
  });
  return files.map((f) => {
    const label1000 = byName.get(f);
    if (label1000 === undefined) throw new EvalSetError(`${gtFile}: no ground truth for ${f}`);
    return { file: join(dir, f), label1000 };
  });
}

/** Class names of a labels file: one a line, blank lines and surrounding spaces dropped. */
export function readLabelsFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new EvalSetError(`labels file ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** A seeded subset of `n` items (all of them, in order, when n ≥ the set). */
export function seededSubset<T>(items: T[], n: number, seed: number): T[] {
  if (n >= items.length) return items;
  const idx = items.map((_, i) => i);
  const random = mulberry32(seed);
  for (let i = idx.length - 1; i > 0; i--) {
    const k = Math.floor(random() * (i + 1));
    [idx[i], idx[k]] = [idx[k], idx[i]];
  }
  return idx
    .slice(0, n)
    .sort((a, b) => a - b)
    .map((i) => items[i]);
}

/** Options for preparing a set. */
export interface PrepareOptions {
  resolution: number;
  classes: number;
  samples: number;
  seed: number;
  /** Folder for the preprocessed-tensor cache; none = no cache. */
  cacheDir?: string;
  /** Central-crop fraction before the resize (TF-slim's 0.875; 1.0 for sets already cropped). */
  crop?: number;
}

type CacheMeta = { files: string[]; labels1000: number[]; skipped: PreparedEvalSet['skipped'] };

/** Identity of the chosen files (paths, sizes, mtimes) at one resolution. */
export function cacheKey(chosen: EvalItem[], resolution: number, crop: number): string {
  const stamp = chosen
    .map((it) => {
      const st = statSync(it.file);
      return `${it.file}:${st.size}:${st.mtimeMs}`;
    })
    .join('\n');
  // The default crop keeps its old key, so caches written before the crop option stay valid.
  return createHash('sha256')
    .update(`${resolution}${crop === DEFAULT_CROP ? '' : ` crop ${crop}`}\n${stamp}`)
    .digest('hex')
    .slice(0, 32);
}

/** Cache file (metadata; tensors beside it in `.f32`) of the chosen items at one resolution. */
export function cacheFile(cacheDir: string, chosen: EvalItem[], resolution: number, crop: number): string {
  return join(cacheDir, 'eval-tensors', `${cacheKey(chosen, resolution, crop)}.json`);
}

/** Whether a complete cache entry exists: reads only the small metadata and the tensor file's size. */
function cacheIsComplete(file: string, size: number): boolean {
  if (!existsSync(file) || !existsSync(`${file}.f32`)) return false;
  const meta = JSON.parse(readFileSync(file, 'utf8')) as CacheMeta;
  return statSync(`${file}.f32`).size === meta.files.length * size * 4;
}

export function readCache(file: string, size: number): { meta: CacheMeta; tensors: Float32Array[] } {
  const meta = JSON.parse(readFileSync(file, 'utf8')) as CacheMeta;
  const buf = readFileSync(`${file}.f32`);
  const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  return { meta, tensors: meta.files.map((_, i) => all.slice(i * size, (i + 1) * size)) };
}

function writeCache(file: string, meta: CacheMeta, tensors: Float32Array[], size: number): void {
  mkdirSync(dirname(file), { recursive: true });
  const joined = new Float32Array(tensors.length * size);
  tensors.forEach((t, i) => joined.set(t, i * size));
  writeFileSync(`${file}.f32.tmp`, new Uint8Array(joined.buffer));
  renameSync(`${file}.f32.tmp`, `${file}.f32`);
  writeFileSync(`${file}.tmp`, JSON.stringify(meta));
  renameSync(`${file}.tmp`, file);
}

/** Decode each item once and preprocess it at every resolution; unreadable files are named and skipped. */
export function decodeAll(chosen: EvalItem[], resolutions: number[], crop: number): { meta: CacheMeta; tensors: Float32Array[][] } {
  const meta: CacheMeta = { files: [], labels1000: [], skipped: [] };
  const tensors = resolutions.map(() => [] as Float32Array[]);
  for (const item of chosen) {
    try {
      // An image is refused unread when it is a FIFO, a device or a symlink to one, or over the cap: named in the note.
      const img = decodeImage(readRegularFile(item.file), item.file);
      resolutions.forEach((r, k) => tensors[k].push(cropResizeNormalize(img, r, crop)));
      meta.files.push(item.file);
      meta.labels1000.push(item.label1000);
    } catch (e) {
      meta.skipped.push({ file: item.file, reason: e instanceof UnsafeFileError ? e.reason : (e as Error).message });
    }
  }
  return { meta, tensors };
}

/** Fill the cache for the resolutions that lack a complete entry, decoding each image once for all of them. */
export function warmChosen(chosen: EvalItem[], resolutions: number[], cacheDir: string, crop: number): void {
  const todo = resolutions.filter((r) => !cacheIsComplete(cacheFile(cacheDir, chosen, r, crop), r * r * 3));
  if (todo.length === 0) return;
  const { meta, tensors } = decodeAll(chosen, todo, crop);
  todo.forEach((r, k) => writeCache(cacheFile(cacheDir, chosen, r, crop), meta, tensors[k], r * r * 3));
}

/**
 * Decode each chosen image once and preprocess it for every resolution, filling the cache
 * (decoding dominates: ~25 ms a photo here, the resize ~4 ms). A run calls this before its
 * jobs so that no job process decodes anything.
 */
export function warmEvalSetCache(dir: string, o: Omit<PrepareOptions, 'resolution' | 'classes'> & { resolutions: number[]; cacheDir: string }): void {
  warmChosen(seededSubset(listEvalItems(dir), o.samples, o.seed), o.resolutions, o.cacheDir, o.crop ?? DEFAULT_CROP);
}

/** List, subset, decode and preprocess (cached per file list and resolution). */
export async function loadEvalSet(dir: string, o: PrepareOptions): Promise<PreparedEvalSet> {
  const size = o.resolution * o.resolution * 3;
  const chosen = seededSubset(listEvalItems(dir), o.samples, o.seed);
  const crop = o.crop ?? DEFAULT_CROP;
  const key = cacheKey(chosen, o.resolution, crop);
  let meta: CacheMeta;
  let tensors: Float32Array[];
  if (o.cacheDir) {
    warmChosen(chosen, [o.resolution], o.cacheDir, crop);
    ({ meta, tensors } = readCache(cacheFile(o.cacheDir, chosen, o.resolution, crop), size));
  } else {
    const decoded = decodeAll(chosen, [o.resolution], crop);
    meta = decoded.meta;
    tensors = decoded.tensors[0];
  }
  if (tensors.length === 0)
    throw new EvalSetError(`eval set ${dir}: none of the ${chosen.length} chosen images could be decoded (first: ${meta.skipped[0]?.reason})`);
  const note = meta.skipped.length
    ? `${meta.skipped.length} unreadable image(s) skipped: ${meta.skipped
        .slice(0, 5)
        .map((s) => basename(s.file))
        .join(', ')}${meta.skipped.length > 5 ? ', …' : ''}`
    : undefined;
  return {
    tensors,
    labels: meta.labels1000.map((l) => (o.classes === 1001 ? l + 1 : l)),
    files: meta.files,
    key,
    skipped: meta.skipped,
    ...(note ? { note } : {}),
  };
}
