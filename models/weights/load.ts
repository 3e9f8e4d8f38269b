/**
 * Load real MobileNet V1 weights from a local path, whatever the format:
 * - `*.tflite`                       → TFLite flatbuffer (float32 or uint8 quantized)
 * - `model.json` (or any `*.json`)   → TensorFlow.js Layers model, shards beside it
 * - a folder containing `model.json` → the same
 * - `*.onnx`                         → ONNX (float32; batch norm folded into the convs)
 * Anything else is a WeightsError naming the path.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { WeightsError, type CanonicalWeights } from './canonical.ts';
import { loadTfjsLayers } from './tfjs-layers.ts';
import { loadTfliteFile } from './tflite.ts';
import { loadOnnxFile } from './onnx.ts';

export async function loadWeightsFile(path: string): Promise<CanonicalWeights> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (e) {
    throw new WeightsError(path, undefined, `cannot open weights (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (isDir) {
    const modelJson = join(path, 'model.json');
    try {
      await stat(modelJson);
    } catch {
      throw new WeightsError(path, undefined, 'folder has no model.json: expected a TensorFlow.js Layers model folder, a .tflite file or a model.json');
    }
    return loadTfjsLayers(modelJson);
  }
  const lower = path.toLowerCase();
  if (lower.endsWith('.tflite')) return loadTfliteFile(path);
  if (lower.endsWith('.json')) return loadTfjsLayers(path);
  if (lower.endsWith('.onnx')) return loadOnnxFile(path);
  throw new WeightsError(
    path,
    undefined,
    'unrecognised weights file: expected a .tflite file, an .onnx file, a TensorFlow.js model.json, or a folder containing model.json',
  );
}
