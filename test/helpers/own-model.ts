/**
 * A real fine-tuned MobileNet V1, built offline from the shared data: the official 0.25-128
 * backbone (the uint8 .tflite, the only official 0.25 model trained at 128, dequantized to float),
 * and a 5-class head fit by ridge regression on its pooled features. The shared set has one
 * photo per ImageNet class, so each of the 5 classes is a group of ImageNet classes (dogs,
 * birds, fish, snakes, cars): several real photos per class, some held back for the eval set.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { referenceNetworkFor } from '../../models/reference/index.ts';
import { cropResizeNormalize, decodeImage } from '../../models/preprocess.ts';
import type { CanonicalWeights } from '../../models/weights/canonical.ts';
import { loadTfliteFile } from '../../models/weights/tflite.ts';
import { exportOnnx } from '../../models/onnx/export.ts';
import { writeTfjsLayers } from '../../models/weights/tfjs-layers-writer.ts';
import { IMAGE_LABELS_TSV, IMAGES_DIR, WEIGHTS_DIR } from './data.ts';

/** Each class: the ImageNet 1000-class indices it groups. */
export const OWN_CLASSES: Record<string, number[]> = {
  dog: [151, 153, 157, 160, 162, 167, 172, 178, 180, 187, 207, 208],
  bird: [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18],
  fish: [0, 1, 2, 3, 4, 5, 6, 389, 390, 391, 392, 393],
  snake: [52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63],
  car: [436, 468, 511, 609, 627, 656, 661, 717, 751, 817, 407, 734],
};
/** Photos per class used to fit the head; the rest are held back for the eval set. */
export const TRAIN_PER_CLASS = 8;
const RESOLUTION = 128;
const RIDGE = 1e-2;

/** Solve (A) x = b for a symmetric positive definite A (Gaussian elimination with pivoting); A is n×n row-major. */
function solve(a: Float64Array, b: Float64Array, n: number, m: number): Float64Array {
  const A = Float64Array.from(a);
  const B = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]) > Math.abs(A[p * n + c])) p = r;
    if (p !== c) {
      for (let k = 0; k < n; k++) [A[c * n + k], A[p * n + k]] = [A[p * n + k], A[c * n + k]];
      for (let k = 0; k < m; k++) [B[c * m + k], B[p * m + k]] = [B[p * m + k], B[c * m + k]];
    }
    for (let r = c + 1; r < n; r++) {
      const f = A[r * n + c] / A[c * n + c];
      if (f === 0) continue;
      for (let k = c; k < n; k++) A[r * n + k] -= f * A[c * n + k];
      for (let k = 0; k < m; k++) B[r * m + k] -= f * B[c * m + k];
    }
  }
  const x = new Float64Array(n * m);
  for (let r = n - 1; r >= 0; r--) {
    for (let k = 0; k < m; k++) {
      let s = B[r * m + k];
      for (let j = r + 1; j < n; j++) s -= A[r * n + j] * x[j * m + k];
      x[r * m + k] = s / A[r * n + r];
    }
  }
  return x;
}

/** Mirror an NHWC tensor left to right (the training augmentation). */
function flip(t: Float32Array, size: number): Float32Array {
  const out = new Float32Array(t.length);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) out[(y * size + x) * 3 + c] = t[(y * size + (size - 1 - x)) * 3 + c];
  return out;
}

export interface OwnModel {
  modelJson: string;
  onnx: string;
  labels: string;
  evalDir: string;
  classes: string[];
  trainImages: number;
  heldBackImages: number;
}

/** Build the model and its eval set under `dir`. */
export async function buildOwnModel(dir: string): Promise<OwnModel> {
  const official = await loadTfliteFile(join(WEIGHTS_DIR, 'tflite', 'mobilenet_v1_0.25_128_quant.tflite'));
  const backbone: CanonicalWeights = { ...official, precision: 'float32', quantized: undefined, input: {}, layers: official.layers.slice(0, -1) };
  const features = backbone.layers[backbone.layers.length - 1].bias.length;
  // An identity classifier: the "logits" are the pooled features.
  const identity = new Float32Array(features * features);
  for (let i = 0; i < features; i++) identity[i * features + i] = 1;
  const extractor = referenceNetworkFor({
    ...backbone,
    classes: features,
    layers: [...backbone.layers, { name: 'fc', kernel: identity, bias: new Float32Array(features) }],
  });

  const fileOf = new Map(
    readFileSync(IMAGE_LABELS_TSV, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'))
      .map(([f, , l1000]) => [Number(l1000), f]),
  );
  const classes = Object.keys(OWN_CLASSES);
  const X: Float32Array[] = [];
  const Y: number[] = [];
  const evalDir = join(dir, 'eval');
  let heldBack = 0;
  for (const [c, name] of classes.entries()) {
    mkdirSync(join(evalDir, name), { recursive: true });
    for (const [i, idx] of OWN_CLASSES[name].entries()) {
      const file = fileOf.get(idx)!;
      if (i >= TRAIN_PER_CLASS) {
        symlinkSync(join(IMAGES_DIR, file), join(evalDir, name, file));
        heldBack++;
        continue;
      }
      const t = cropResizeNormalize(decodeImage(readFileSync(join(IMAGES_DIR, file)), file), RESOLUTION, 0.875);
      for (const v of [t, flip(t, RESOLUTION)]) {
        X.push(extractor.infer(v).slice());
        Y.push(c);
      }
    }
  }
  // Ridge regression on [features, 1] → one-hot targets.
  const n = features + 1;
  const m = classes.length;
  const xtx = new Float64Array(n * n);
  const xty = new Float64Array(n * m);
  X.forEach((x, s) => {
    const row = [...x, 1];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) xtx[i * n + j] += row[i] * row[j];
      xty[i * m + Y[s]] += row[i];
    }
  });
  for (let i = 0; i < features; i++) xtx[i * n + i] += RIDGE * X.length;
  const w = solve(xtx, xty, n, m);
  const kernel = Float32Array.from(w.subarray(0, features * m));
  const bias = Float32Array.from(w.subarray(features * m));
  const tuned: CanonicalWeights = { ...backbone, classes: m, layers: [...backbone.layers, { name: 'fc', kernel, bias }] };

  const modelJson = writeTfjsLayers(tuned, join(dir, 'own_tfjs'));
  const labels = join(dir, 'labels.txt');
  writeFileSync(labels, `${classes.join('\n')}\n`);
  writeFileSync(join(dir, 'own_tfjs', 'labels.txt'), `${classes.join('\n')}\n`);
  const onnx = join(dir, 'own.onnx');
  writeFileSync(onnx, exportOnnx(tuned));
  return { modelJson, onnx, labels, evalDir, classes, trainImages: X.length, heldBackImages: heldBack };
}

/** One tensor appended to an edited model's shard. */
export interface ExtraTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

/**
 * A copy of a TF.js Layers model (model.json, weights.bin and labels.txt) in `dir`, its model.json
 * changed by `edit` and `extra` tensors appended to the shard and the manifest: the refusal fixtures
 * (a 14th block, a second Dense in the head, a layer with other channels), each a file a user could have.
 */
export function editTfjsModel(modelJson: string, dir: string, edit: (json: TfjsModelJson) => void, extra: ExtraTensor[] = []): string {
  const from = join(modelJson, '..');
  const json = JSON.parse(readFileSync(modelJson, 'utf8')) as TfjsModelJson;
  edit(json);
  const shard = readFileSync(join(from, 'weights.bin'));
  const appended = extra.map((t) => Buffer.from(t.values.buffer, t.values.byteOffset, t.values.byteLength));
  json.weightsManifest[0].weights.push(...extra.map((t) => ({ name: t.name, shape: t.shape, dtype: 'float32' })));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'weights.bin'), Buffer.concat([shard, ...appended]));
  writeFileSync(join(dir, 'labels.txt'), readFileSync(join(from, 'labels.txt')));
  const file = join(dir, 'model.json');
  writeFileSync(file, JSON.stringify(json));
  return file;
}

/** The parts of a TF.js Layers model.json the fixtures edit. */
export interface TfjsModelJson {
  modelTopology: { config: { layers: Array<{ class_name: string; name: string; config: Record<string, unknown>; inbound_nodes: unknown[] }> } };
  weightsManifest: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[]; dtype: string }> }>;
}

/** Insert `layer` after the layer named `after`. */
export function insertLayerAfter(json: TfjsModelJson, after: string, layer: { class_name: string; name: string; config: Record<string, unknown> }): void {
  const layers = json.modelTopology.config.layers;
  const at = layers.findIndex((l) => l.name === after);
  if (at < 0) throw new Error(`no layer ${after} in the fixture`);
  layers.splice(at + 1, 0, { ...layer, config: { name: layer.name, ...layer.config }, inbound_nodes: [[[after, 0, 0, {}]]] });
}
