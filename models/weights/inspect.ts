/**
 * What a user's model file is, read synchronously for the plan: format, α, resolution, class
 * count and precision, inferred from its tensors. TFLite and ONNX files are loaded whole (they
 * are small and their loaders are synchronous); a TF.js model.json is read without its shards
 * (the manifest gives every shape), so a shard problem fails the job at load, by name.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { WeightsError, specOf, type Precision } from './canonical.ts';
import type { WeightsFile } from './mirror.ts';
import { loadOnnx } from './onnx.ts';
import { inferAlpha, loadTflite } from './tflite.ts';
import { findHead } from './tfjs-layers.ts';

export interface ModelFileInfo extends WeightsFile {
  alpha: number;
  resolution: number;
  classes: number;
}

type Layer = { class_name: string; name: string; config: Record<string, unknown> };

function inspectTfjs(path: string): ModelFileInfo {
  let json: { modelTopology?: unknown; weightsManifest?: Array<{ weights?: Array<{ name: string; shape: number[]; quantization?: { dtype: string } }> }> };
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new WeightsError(path, undefined, `cannot read model.json (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const topology = json.modelTopology as { model_config?: { config?: { layers?: unknown } }; config?: { layers?: unknown } } | undefined;
  const raw = (topology?.model_config?.config?.layers ?? topology?.config?.layers) as Array<Layer & { config: Record<string, unknown> }> | undefined;
  if (!Array.isArray(raw)) throw new WeightsError(path, undefined, 'modelTopology has no layer list: not a TF.js Layers model');
  const layers = raw.map((l) => ({ class_name: l.class_name, name: l.name ?? (l.config?.name as string), config: l.config ?? {} }));
  const shapes = new Map((json.weightsManifest ?? []).flatMap((g) => g.weights ?? []).map((w) => [w.name, w]));
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
  const head = findHead(layers, path);
  const k = shape(`${head.name}/kernel`);
  checkBackboneShapes(shape, { alpha, resolution: bis[1], classes: k[k.length - 1] }, path);
  const precision: Precision = [...shapes.values()].some((w) => w.quantization?.dtype === 'uint8') ? 'uint8-dequantized' : 'float32';
  return { format: 'tfjs-layers', path, precision, alpha, resolution: bis[1], classes: k[k.length - 1] };
}

/**
 * Every backbone kernel's shape in the manifest against the spec, so a changed layer (pw3 with other
 * channels) is refused at plan time by name rather than failing each job at load.
 */
function checkBackboneShapes(shape: (name: string) => number[], variant: { alpha: number; resolution: number; classes: number }, path: string): void {
  for (const l of specOf(variant).layers) {
    const kernel: [string, number[]] | null =
      l.kind === 'conv'
        ? ['conv1/kernel', [3, 3, l.inChannels, l.outChannels]]
        : l.kind === 'depthwise'
          ? [`conv_dw_${l.name.slice(2)}/depthwise_kernel`, [3, 3, l.inChannels, 1]]
          : l.kind === 'pointwise'
            ? [`conv_pw_${l.name.slice(2)}/kernel`, [1, 1, l.inChannels, l.outChannels]]
            : null;
    if (!kernel) continue;
    const [name, expected] = kernel;
    const got = shape(name);
    if (got.length !== expected.length || got.some((d, i) => d !== expected[i])) {
      throw new WeightsError(
        path,
        name,
        `shape is [${got}], expected [${expected}]: not MobileNet V1 α ${variant.alpha} × ${variant.resolution}, the first layer that differs from the spec is ${name.split('/')[0]}`,
      );
    }
  }
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
