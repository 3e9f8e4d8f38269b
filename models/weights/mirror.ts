/**
 * Official weight files in a local folder laid out like the official releases
 * (and like shared/data/weights): tflite/mobilenet_v1_<α>_<res>[_quant].tflite and
 * tfjs/mobilenet_v1_<α>_<res>/model.json.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { variantName, type Variant } from '../spec.ts';
import type { Precision } from './canonical.ts';

/** One weight file for a variant, in a format our loaders read. */
export interface WeightsFile {
  format: 'tflite' | 'tfjs-layers' | 'onnx';
  precision: Precision;
  path: string;
}

/** Relative paths, in order of preference, where the official files for a variant and precision live. */
export function officialFileNames(v: Variant, precision: Precision): Array<Omit<WeightsFile, 'path'> & { relative: string }> {
  const name = `mobilenet_v1_${variantName(v)}`;
  return precision === 'float32'
    ? [
        // Keras/tfjs Layers first: the official float release for all 16 variants (what `models fetch` gets).
        { format: 'tfjs-layers', precision, relative: join('tfjs', name, 'model.json') },
        { format: 'tflite', precision, relative: join('tflite', `${name}.tflite`) },
      ]
    : [{ format: 'tflite', precision, relative: join('tflite', `${name}_quant.tflite`) }];
}

/** Every file present in `dir` for this variant and precision (possibly several formats, possibly none). */
export function findWeightsFiles(dir: string, v: Variant, precision: Precision): WeightsFile[] {
  return officialFileNames(v, precision)
    .map(({ relative, ...rest }) => ({ ...rest, path: join(dir, relative) }))
    .filter((f) => existsSync(f.path));
}

/** A mirror may be the weights folder itself or a data folder holding weights/ (and images/, labels/) like shared/data. */
export function mirrorWeightsDir(mirror: string): string {
  return existsSync(join(mirror, 'weights')) && !existsSync(join(mirror, 'tflite')) && !existsSync(join(mirror, 'tfjs')) ? join(mirror, 'weights') : mirror;
}

/** The labelled image folder a data-folder mirror carries (images/<set>/), if any. */
export function mirrorEvalSet(mirror: string): string | undefined {
  const images = join(mirror, 'images');
  if (!existsSync(images)) return undefined;
  const sets = readdirSync(images, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return sets.length ? join(images, sets[0]) : undefined;
}
