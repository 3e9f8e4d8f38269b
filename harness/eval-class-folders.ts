/**
 * The folder-per-class layout of a user's own eval set (`DIR/<class name>/*.jpg`, as Keras
 * `image_dataset_from_directory` and torchvision `ImageFolder` write it), matched by name to a
 * model's labels file; and the input normalisation a fine-tuned model was trained with. The
 * tensors are the shared, cached [-1, 1] ones (eval-set.ts), renormalised per model.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Normalization } from './config/schema.ts';
import {
  EvalSetError,
  IMAGE_EXT,
  WNID,
  cacheFile,
  cacheKey,
  decodeAll,
  readCache,
  seededSubset,
  warmChosen,
  type EvalItem,
  type PreparedEvalSet,
} from './eval-set.ts';
import { DEFAULT_CROP } from '../models/preprocess.ts';

/** Sub-folders holding images whose names are not ImageNet wnids: the class-name layout. */
export function classFolders(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !WNID.test(e.name) && readdirSync(join(dir, e.name)).some((f) => IMAGE_EXT.test(f)))
    .map((e) => e.name)
    .sort();
}

/** Whether a folder is in the class-name layout (and not an ImageNet one). */
export function isClassFolderSet(dir: string): boolean {
  return classFolders(dir).length > 0;
}

/** Match a folder name to a label: exactly, else ignoring case, spaces and underscores. */
function labelIndex(labels: string[], folder: string): number {
  const exact = labels.indexOf(folder);
  if (exact >= 0) return exact;
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replace(/[\s_-]+/g, ' ')
      .trim();
  return labels.findIndex((l) => norm(l) === norm(folder));
}

/** The labelled images, each class folder matched to its index in `labels`; unknown classes are refused by name. */
export function listClassFolderItems(dir: string, labels: string[], labelsFile = 'the labels file'): EvalItem[] {
  const folders = classFolders(dir);
  if (folders.length === 0) throw new EvalSetError(`eval set ${dir}: no class folders with images (expected ${dir}/<class name>/*.jpg)`);
  const unknown = folders.filter((f) => labelIndex(labels, f) < 0);
  if (unknown.length) {
    throw new EvalSetError(
      `eval set ${dir}: class folder${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `'${u}'`).join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not among the model's ${labels.length} classes in ${labelsFile} (${labels.slice(0, 10).join(', ')}${labels.length > 10 ? ', …' : ''}): rename the folder to its label, or remove it`,
    );
  }
  return classFolderImages(dir, folders).map(({ file, folder }) => ({ file, label1000: labelIndex(labels, folder) }));
}

/** Every image a class-folder set scores, with its class folder: the one listing the scorer and the eval-set hash share. */
export function classFolderImages(dir: string, folders = classFolders(dir)): Array<{ file: string; folder: string }> {
  return folders.flatMap((folder) =>
    readdirSync(join(dir, folder))
      .filter((x) => IMAGE_EXT.test(x))
      .sort()
      .map((x) => ({ file: join(dir, folder, x), folder })),
  );
}

/** List, subset, decode and preprocess a class-folder set (the tensor cache is shared with eval-set.ts). */
export function loadClassFolderSet(
  dir: string,
  labels: string[],
  o: { resolution: number; samples: number; seed: number; cacheDir?: string; crop?: number; labelsFile?: string },
): PreparedEvalSet {
  const chosen = seededSubset(listClassFolderItems(dir, labels, o.labelsFile), o.samples, o.seed);
  const crop = o.crop ?? DEFAULT_CROP;
  const size = o.resolution * o.resolution * 3;
  let files: string[];
  let tensors: Float32Array[];
  let skipped: PreparedEvalSet['skipped'];
  if (o.cacheDir) {
    warmChosen(chosen, [o.resolution], o.cacheDir, crop);
    const c = readCache(cacheFile(o.cacheDir, chosen, o.resolution, crop), size);
    ({ files, skipped } = c.meta);
    tensors = c.tensors;
  } else {
    const d = decodeAll(chosen, [o.resolution], crop);
    ({ files, skipped } = d.meta);
    tensors = d.tensors[0];
  }
  if (tensors.length === 0)
    throw new EvalSetError(`eval set ${dir}: none of the ${chosen.length} chosen images could be decoded (first: ${skipped[0]?.reason})`);
  // Labels from the paths, not the cache: two models may order the same folders differently.
  const labelOf = new Map(chosen.map((c) => [c.file, c.label1000]));
  const note = skipped.length
    ? `${skipped.length} unreadable image(s) skipped: ${skipped
        .slice(0, 5)
        .map((s) => basename(s.file))
        .join(', ')}`
    : undefined;
  return {
    tensors,
    labels: files.map((f) => labelOf.get(f) ?? labelIndex(labels, basename(dirname(f)))),
    files,
    key: `${cacheKey(chosen, o.resolution, crop)}:classes:${labels.join('|')}`,
    skipped,
    ...(note ? { note } : {}),
  };
}

/** How a normalisation reads in results and reports. */
export function describeNormalization(n: Normalization): string {
  return n === 'minus1to1' ? '[-1, 1] (p / 127.5 − 1)' : `(p / 255 − mean) / std, mean [${n.mean.join(', ')}], std [${n.std.join(', ')}]`;
}

/** Renormalise [-1, 1] NHWC tensors to a model's own normalisation (pure; minus1to1 returns them as they are). */
export function renormalize(tensors: Float32Array[], n: Normalization): Float32Array[] {
  if (n === 'minus1to1') return tensors;
  return tensors.map((t) => {
    const out = new Float32Array(t.length);
    for (let i = 0; i < t.length; i++) {
      const c = i % 3;
      out[i] = ((t[i] + 1) / 2 - n.mean[c]) / n.std[c];
    }
    return out;
  });
}
