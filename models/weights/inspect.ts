/**
 * What a user's model file is, read synchronously for the plan: format, α, resolution, class
 * count and precision, inferred from its tensors. TFLite and ONNX files are loaded whole (they
 * are small and their loaders are synchronous); a TF.js model.json is read without its shards
 * (the manifest gives every shape), so a shard problem fails the job at load, by name.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { WeightsError, type Precision } from './canonical.ts';
import type { WeightsFile } from './mirror.ts';
import { loadOnnx } from './onnx.ts';
import { inferAlpha, loadTflite } from './tflite.ts';
import { findHead, kerasLayers, parseManifest } from './tfjs-layers.ts';
import { checkDeclaredLayers } from './tfjs-layer-attributes.ts';
import { resolutionProblem } from '../spec.ts';

export interface ModelFileInfo extends WeightsFile {
  alpha: number;
  resolution: number;
  classes: number;
}

function inspectTfjs(path: string): ModelFileInfo {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new WeightsError(path, undefined, `cannot read model.json (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new WeightsError(path, undefined, 'model.json is not a JSON object');
  // The loader's own readers: a malformed topology or manifest (an object where a list belongs) gets the same message at plan time as at load.
  const layers = kerasLayers((json as Record<string, unknown>).modelTopology, path);
  const manifest = parseManifest((json as Record<string, unknown>).weightsManifest, path);
  const shapes = new Map(manifest.flatMap((g) => g.weights).map((w) => [w.name, w]));
  const shape = (name: string) => {
    const s = shapes.get(name)?.shape;
    if (!s) throw new WeightsError(path, name, 'missing from the weights manifest: not MobileNet V1 (Keras names conv1, conv_dw_N, conv_pw_N)');
    return s;
  };
  const stem = shape('conv1/kernel')[3];
  const last = shape('conv_pw_13/kernel')[3];
  const alpha = inferAlpha(stem, last);
  if (alpha === undefined)
    throw new WeightsError(path, 'conv1', `not MobileNet V1: conv1 has ${stem} output channels and conv_pw_13 ${last}; no width multiplier gives both`);
  const input = layers.find((l) => l.class_name === 'InputLayer');
  const bis = (input?.config.batch_input_shape ?? input?.config.batchInputShape) as number[] | undefined;
  if (!Array.isArray(bis) || bis.length !== 4 || bis[1] !== bis[2] || !Number.isInteger(bis[1])) {
    throw new WeightsError(path, input?.name ?? 'InputLayer', `batch_input_shape ${JSON.stringify(bis)}, expected [null, N, N, 3]`);
  }
  const tooLarge = resolutionProblem(bis[1]);
  if (tooLarge) throw new WeightsError(path, input?.name ?? 'InputLayer', `batch_input_shape ${JSON.stringify(bis)}: ${tooLarge}`);
  const head = findHead(layers, path);
  const k = shape(`${head.name}/kernel`);
  // Every layer's declared attributes against its weights and the spec, so a changed layer is refused at plan time by name.
  checkDeclaredLayers(layers, (name) => shapes.get(name)?.shape, { alpha, resolution: bis[1], classes: k[k.length - 1] }, head, path);
  const precision: Precision = [...shapes.values()].some((w) => w.quantization?.dtype === 'uint8') ? 'uint8-dequantized' : 'float32';
  return { format: 'tfjs-layers', path, precision, alpha, resolution: bis[1], classes: k[k.length - 1] };
}

/** Inspect a model file or TF.js folder; throws WeightsError naming the problem. */
export function inspectModelFile(path: string): ModelFileInfo {
  if (!existsSync(path)) throw new WeightsError(path, undefined, 'no such file: give a .tflite, .onnx or TF.js model.json (or its folder)');
  if (statSync(path).isDirectory()) return inspectTfjs(join(path, 'model.json'));
  const lower = path.toLowerCase();
  if (lower.endsWith('.json')) return inspectTfjs(path);
  if (lower.endsWith('.tflite')) {
    const w = loadTflite(new Uint8Array(readFileSync(path)), path);
    return { format: 'tflite', path, precision: w.precision, alpha: w.alpha, resolution: w.resolution, classes: w.classes };
  }
  if (lower.endsWith('.onnx')) {
    const w = loadOnnx(new Uint8Array(readFileSync(path)), path);
    return { format: 'onnx', path, precision: w.precision, alpha: w.alpha, resolution: w.resolution, classes: w.classes };
  }
  throw new WeightsError(path, undefined, 'unrecognised model file: expected a .tflite file, an .onnx file, a TF.js model.json or a folder holding one');
}

/** A model's default name: the file's name without extension (a folder's or model.json's folder name). */
export function defaultModelName(path: string): string {
  const base = basename(path);
  const name = base === 'model.json' ? basename(dirname(path)) : base.replace(/\.(tflite|onnx|json)$/i, '');
  return name.replace(/[^A-Za-z0-9._-]/g, '_') || 'model';
}
