/**
 * Shared pieces of the parity tests (issue 2, item 6): the runtimes compared with the
 * reference, the agreement bound, real photos decoded once and preprocessed once per
 * resolution, and the weight files in shared/data.
 *
 * THE BOUND. Every runtime must give logits with
 *
 *     max_i |logit_i − reference_i|  ≤  PARITY_REL_TOL · max(1, range(reference logits))
 *
 * with PARITY_REL_TOL = 1e-4, so a spread of 20 logits (a typical trained model) allows
 * 2e-3. Why this size:
 * - The runtimes run the identical network from the identical float32 weights; they differ
 *   only in float32 rounding: each accumulates a dot product of up to 9·1024 terms (the fc
 *   layer: 1024 terms) in its own order and blocking (im2col + GEMM, direct convs, SIMD
 *   lanes, fused bias), and the reference accumulates in JS doubles and rounds
 *   once per output. One layer's relative error is ~√K·2⁻²⁴ ≈ 1e-6; through 27 layers the
 *   errors add up to at most ~1e-5 of the logit range. Measured here: ≤ 4e-6 of the range on
 *   all 16 synthetic variants, on every real model and on the 1000 photos (see the
 *   diagnostics), so 1e-4 leaves a 25× head-room for another machine's SIMD width.
 * - A real bug in a runtime (a transposed kernel, a 'same' pad on the wrong side, a missing
 *   bias, ReLU instead of ReLU6) moves logits by a sizeable fraction of their range, far
 *   above 1e-4 of it.
 * - uint8 models are dequantized to float32 at load (real = scale·(q − zero point)) and every
 *   runtime runs those float weights, so they behave exactly like float models here: same
 *   bound. (Integer-arithmetic TFLite execution is not one of our runtimes.)
 * - max(1, ·) keeps the bound meaningful if a range is tiny (never the case in practice).
 *
 * TOP-1. Within the bound a logit moves by at most `bound`, so the top-1 can only flip when the
 * reference's top-1/top-2 gap is ≤ 2·bound. Synthetic tests assert the gap first (a near tie
 * is then a failure of the test data, found at once, never a flaky pass/fail). Real photos do
 * have genuine near ties: there top-1 is asserted where the gap exceeds 2·bound, and the
 * 1000-photo test asks for ≥ 99.5 % agreement.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import '../runtimes/fixtures.ts';
import type { CreateModel, RuntimeOptions } from '../../models/runtime.ts';
import { createOrtNodeModel } from '../../models/onnx/ort-node.ts';
import { createOrtWebModel } from '../../models/onnx/ort-web.ts';
import { createTfjsModel } from '../../models/tfjs.ts';
import { decodeImage, cropResizeNormalize, type RgbImage } from '../../models/preprocess.ts';
import { IMAGES_DIR, IMAGE_LABELS_TSV, WEIGHTS_DIR } from '../helpers/data.ts';
import { argmax, compareLogits } from '../runtimes/fixtures.ts';
import { seededSubset } from '../../harness/eval-set.ts';

export { argmax, compareLogits, seededSubset };

/** Relative agreement bound (see the header). */
export const PARITY_REL_TOL = 1e-4;

/** The bound for one reference output. */
export function parityBound(range: number): number {
  return PARITY_REL_TOL * Math.max(1, range);
}

/** One runtime under test, compared with the reference. */
export interface ParityRuntime {
  name: 'tfjs-cpu' | 'tfjs-wasm' | 'ort-node' | 'ort-web';
  create: CreateModel;
  options: RuntimeOptions;
}

/**
 * The four runtimes, one thread each (a fixed thread split keeps the accumulation order,
 * hence the logits, identical from run to run and machine to machine). tfjs is a process-wide
 * singleton: tfjs-cpu and tfjs-wasm models must not be alive at the same time.
 */
export const RUNTIMES: ParityRuntime[] = [
  { name: 'tfjs-cpu', create: createTfjsModel, options: { backend: 'cpu' } },
  { name: 'tfjs-wasm', create: createTfjsModel, options: { backend: 'wasm' } },
  { name: 'ort-node', create: createOrtNodeModel, options: { backend: 'cpu', threads: 1 } },
  { name: 'ort-web', create: createOrtWebModel, options: { backend: 'wasm', threads: 1 } },
];

/** Comparison of one runtime's logits with the reference's on one input. */
export interface Comparison {
  maxAbsDiff: number;
  range: number;
  top2Gap: number;
  bound: number;
  refTop1: number;
  top1: number;
}

export function compare(reference: Float32Array, got: Float32Array): Comparison {
  const { maxAbsDiff, range, top2Gap } = compareLogits(reference, got);
  return { maxAbsDiff, range, top2Gap, bound: parityBound(range), refTop1: argmax(reference), top1: argmax(got) };
}

/** One line for t.diagnostic. */
export function describe(c: Comparison): string {
  return `max|Δ| ${c.maxAbsDiff.toExponential(2)} (${(c.maxAbsDiff / Math.max(1, c.range)).toExponential(2)} of range ${c.range.toFixed(2)}; bound ${c.bound.toExponential(2)}), top-2 gap ${c.top2Gap.toExponential(2)}, top-1 ${c.refTop1}/${c.top1}`;
}

// ---------------------------------------------------------------------------------------------
// Real weights

/** One official weight file in shared/data/weights. */
export interface RealModel {
  /** e.g. tflite/mobilenet_v1_0.25_128_quant.tflite or tfjs/mobilenet_v1_0.25_224 */
  id: string;
  path: string;
  alpha: number;
  resolution: number;
}

/** Every .tflite file and every tfjs model folder present, sorted by id. */
export function listRealModels(dir = WEIGHTS_DIR): RealModel[] {
  const out: RealModel[] = [];
  const parse = (name: string) => {
    const m = /^mobilenet_v1_([\d.]+)_(\d+)/.exec(name);
    if (!m) throw new Error(`unexpected weights name ${name}`);
    return { alpha: Number(m[1]), resolution: Number(m[2]) };
  };
  const tflite = join(dir, 'tflite');
  if (existsSync(tflite)) {
    for (const f of readdirSync(tflite).filter((f) => f.endsWith('.tflite'))) {
      out.push({ id: `tflite/${f}`, path: join(tflite, f), ...parse(f) });
    }
  }
  const tfjs = join(dir, 'tfjs');
  if (existsSync(tfjs)) {
    for (const d of readdirSync(tfjs).filter((d) => existsSync(join(tfjs, d, 'model.json')))) {
      out.push({ id: `tfjs/${d}`, path: join(tfjs, d), ...parse(d) });
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

// ---------------------------------------------------------------------------------------------
// Photos

/** One labelled photo of the ImageNet sample. */
export interface Photo {
  file: string;
  /** 0-based class, 1000-class order (a 1001-class model's label is this + 1). */
  label1000: number;
}

/** The 1000 photos with their labels, from the labels tsv, in file order. */
export function listPhotos(): Photo[] {
  const lines = readFileSync(IMAGE_LABELS_TSV, 'utf8').split('\n').filter(Boolean);
  const header = lines.shift()!.split('\t');
  const fileCol = header.indexOf('file');
  const labelCol = header.indexOf('label_1000');
  if (fileCol < 0 || labelCol < 0) throw new Error(`${IMAGE_LABELS_TSV}: expected file and label_1000 columns, got ${header}`);
  return lines.map((line) => {
    const cols = line.split('\t');
    return { file: join(IMAGES_DIR, cols[fileCol]), label1000: Number(cols[labelCol]) };
  });
}

const decoded = new Map<string, RgbImage>();
const preprocessed = new Map<string, Float32Array>();

/**
 * The standard eval preprocessing (models/preprocess.ts: decode, central crop 87.5 %, bilinear
 * resize, [-1, 1]) of one photo at one resolution, decoded once per process and resized once
 * per resolution; every runtime and model gets this same tensor.
 */
export function photoTensor(file: string, resolution: number): Float32Array {
  const key = `${resolution}:${file}`;
  let t = preprocessed.get(key);
  if (!t) {
    let img = decoded.get(file);
    if (!img) {
      img = decodeImage(readFileSync(file), basename(file));
      decoded.set(file, img);
    }
    t = cropResizeNormalize(img, resolution);
    preprocessed.set(key, t);
  }
  return t;
}
