/** Where the shared real weights and photos live, and how a test skips honestly without them. */
import { existsSync } from 'node:fs';
import { resolve, join } from 'node:path';

/** ../shared/data from the project root, or MOBILENET_BENCH_DATA. */
export const SHARED_DATA = resolve(process.env.MOBILENET_BENCH_DATA ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data'));

/** Real official weights laid out as in shared/data/weights (tflite/, tfjs/). */
export const WEIGHTS_DIR = join(SHARED_DATA, 'weights');
/** 1000 labelled ImageNet photos, one per class. */
export const IMAGES_DIR = join(SHARED_DATA, 'images', 'imagenet-sample');
/** file, wnid, 1000-class label, 1001-class label per line. */
export const IMAGE_LABELS_TSV = join(SHARED_DATA, 'images', 'imagenet-sample.labels.tsv');

/** Pass as `{ skip }` to a test: false when the data is there, else the reason. */
export function skipWithoutSharedData(): false | string {
  return existsSync(WEIGHTS_DIR) ? false : `real weights not found at ${SHARED_DATA}: set MOBILENET_BENCH_DATA to a folder laid out like shared/data`;
}
