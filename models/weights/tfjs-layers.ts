/**
 * Official TensorFlow.js Layers MobileNet V1 (Keras 2.1.4 `keras.applications.MobileNet`
 * converted to `model.json` + binary shards) → canonical weights.
 *
 * Layers used: conv1 + conv1_bn, conv_dw_N + conv_dw_N_bn, conv_pw_N + conv_pw_N_bn
 * (N = 1…13) and conv_preds (1×1 conv with bias, 1000 classes, no background class).
 * Each weights-manifest group's `paths` are concatenated and its weights laid out
 * back to back in manifest order. float32 (and int32) are read as is; quantized
 * entries (`quantization: {dtype: 'uint8' | 'uint16', scale, min}`) are dequantized
 * real = q · scale + min, `float16` entries widened. Batch norm is folded with the
 * epsilon from each BatchNormalization layer's config:
 *   s = γ / sqrt(var + ε);  kernel · s per output channel;  bias = β + (b − mean) · s
 * (b = 0: the Keras convs have no bias). Layouts: conv1 [3,3,3,C] is already HWIO;
 * depthwise [3,3,C,1] → [3,3,C]; pointwise [1,1,in,out] → [in,out];
 * conv_preds [1,1,in,1000] → [in,1000].
 *
 * source.sha256 is the SHA-256 of model.json alone (the shards are not hashed): the
 * manifest pins every shard's name and byte length, and every shard is checked
 * against it here, but a shard edited in place at the same length would not change
 * the hash.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve as resolvePath, sep } from 'node:path';
import { realpathSync } from 'node:fs';
import { ALPHAS, resolutionProblem, scaledChannels } from '../spec.ts';
import { checkDeclaredLayers } from './tfjs-layer-attributes.ts';
import { WeightsError, specOf, validateWeights, type CanonicalWeights, type LayerWeights, type Precision } from './canonical.ts';

/** One entry of a weights-manifest group. */
export interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number };
}

/** One weights-manifest group: shards concatenated, weights back to back. */
export interface ManifestGroup {
  paths: string[];
  weights: ManifestWeight[];
}

/** A decoded weight tensor. */
export interface NamedTensor {
  shape: number[];
  values: Float32Array;
  /** 'float32', 'int32', or the quantized storage type ('uint8', 'uint16', 'float16'). */
  stored: string;
}

interface KerasLayer {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function product(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** float16 bits → number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Checks the manifest's shape and returns it as a validated array. */
export function parseManifest(json: unknown, file: string): ManifestGroup[] {
  if (!Array.isArray(json))
    throw new WeightsError(
      file,
      undefined,
      `weightsManifest is ${json === undefined ? 'missing' : `${json === null ? 'null' : typeof json === 'object' ? 'an object' : `a ${typeof json}`}, not a list`}: expected [{paths: [...], weights: [...]}, ...] (one entry per weights group)`,
    );
  return json.map((g, gi) => {
    if (!isObject(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights) || !g.paths.every((p) => typeof p === 'string')) {
      throw new WeightsError(file, undefined, `weightsManifest[${gi}] is not {paths: string[], weights: [...]}`);
    }
    const weights = g.weights.map((w, wi): ManifestWeight => {
      const where = `weightsManifest[${gi}].weights[${wi}]`;
      if (!isObject(w) || typeof w.name !== 'string') throw new WeightsError(file, undefined, `${where} has no name`);
      if (!Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
        throw new WeightsError(file, w.name, `shape ${JSON.stringify(w.shape)} is not a list of non-negative integers`);
      }
      if (typeof w.dtype !== 'string') throw new WeightsError(file, w.name, 'has no dtype');
      const out: ManifestWeight = { name: w.name, shape: w.shape as number[], dtype: w.dtype };
      if (w.quantization !== undefined) {
        const q = w.quantization;
        if (!isObject(q) || typeof q.dtype !== 'string') throw new WeightsError(file, w.name, 'quantization has no dtype');
        if (q.dtype === 'uint8' || q.dtype === 'uint16') {
          if (typeof q.scale !== 'number' || typeof q.min !== 'number' || !Number.isFinite(q.scale) || !Number.isFinite(q.min)) {
            throw new WeightsError(file, w.name, `${q.dtype} quantization needs finite numeric scale and min, got ${JSON.stringify(q)}`);
          }
          out.quantization = { dtype: q.dtype, scale: q.scale, min: q.min };
        } else if (q.dtype === 'float16') {
          out.quantization = { dtype: 'float16' };
        } else {
          throw new WeightsError(file, w.name, `quantization dtype ${q.dtype}, expected uint8, uint16 or float16`);
        }
      } else if (w.dtype !== 'float32' && w.dtype !== 'int32') {
        throw new WeightsError(file, w.name, `dtype ${w.dtype}, expected float32 or int32`);
      }
      return out;
    });
    return { paths: g.paths as string[], weights };
  });
}

const inside = (root: string, path: string) => path.startsWith(root + sep);
/** The real path (symlinks resolved) where it exists, else the path. */
const realOr = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return resolvePath(p);
  }
};

/** Reads all shards of the manifest (relative to `dir`) and decodes every weight. */
async function readManifestWeights(groups: ManifestGroup[], dir: string, file: string): Promise<Map<string, NamedTensor>> {
  const out = new Map<string, NamedTensor>();
  for (const [gi, g] of groups.entries()) {
    const names = g.weights.map((w) => w.name).join(', ');
    const chunks: Uint8Array[] = [];
    for (const p of g.paths) {
      // A manifest names shards beside it; a path that leaves the model's folder is refused, not read.
      const shard = resolvePath(dir, p);
      if (isAbsolute(p) || !inside(resolvePath(dir), shard) || !inside(realOr(dir), realOr(shard))) {
        throw new WeightsError(
          file,
          names,
          `shard path '${p}' of weights group ${gi + 1} leaves the model's folder ${dir}; a manifest may only name files inside it`,
        );
      }
      try {
        chunks.push(new Uint8Array(await readFile(shard)));
      } catch (e) {
        throw new WeightsError(
          file,
          names,
          `shard ${p} of weights group ${gi + 1} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        );
      }
    }
    const total = chunks.reduce((a, c) => a + c.length, 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.length;
    }

    const sizes = g.weights.map((w) => product(w.shape) * BYTES[w.quantization?.dtype ?? w.dtype]);
    const expected = sizes.reduce((a, b) => a + b, 0);
    if (total !== expected) {
      const layout = g.weights.map((w, i) => `${w.name} [${w.shape}] ${w.quantization?.dtype ?? w.dtype} = ${sizes[i]}`).join('; ');
      throw new WeightsError(file, names, `shards ${g.paths.join(' + ')} hold ${total} bytes, expected ${expected} (${layout})`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    g.weights.forEach((w, wi) => {
      const n = product(w.shape);
      const values = new Float32Array(n);
      const q = w.quantization;
      const stored = q?.dtype ?? w.dtype;
      if (stored === 'float32') for (let i = 0; i < n; i++) values[i] = view.getFloat32(offset + 4 * i, true);
      else if (stored === 'int32') for (let i = 0; i < n; i++) values[i] = view.getInt32(offset + 4 * i, true);
      else if (stored === 'float16') for (let i = 0; i < n; i++) values[i] = halfToFloat(view.getUint16(offset + 2 * i, true));
      else if (stored === 'uint8') for (let i = 0; i < n; i++) values[i] = view.getUint8(offset + i) * q!.scale! + q!.min!;
      else for (let i = 0; i < n; i++) values[i] = view.getUint16(offset + 2 * i, true) * q!.scale! + q!.min!;
      offset += sizes[wi];
      if (out.has(w.name)) throw new WeightsError(file, w.name, 'appears twice in the weights manifest');
      out.set(w.name, { shape: w.shape, values, stored });
    });
  }
  return out;
}

/** The Keras layer list from either the Keras 2.x (`model_config`) or the tfjs (`modelTopology.config`) form. */
export function kerasLayers(topology: unknown, file: string): KerasLayer[] {
  if (!isObject(topology)) throw new WeightsError(file, undefined, 'modelTopology is missing');
  const model = isObject(topology.model_config) ? topology.model_config : topology;
  const config = model.config;
  const list = Array.isArray(config) ? config : isObject(config) && Array.isArray(config.layers) ? config.layers : undefined;
  if (!list) throw new WeightsError(file, undefined, 'modelTopology has no layer list (model_config.config.layers)');
  return list.map((l, i) => {
    if (!isObject(l) || typeof l.class_name !== 'string' || !isObject(l.config)) {
      throw new WeightsError(file, undefined, `layer ${i} of the topology is not {class_name, config}`);
    }
    const name = typeof l.name === 'string' ? l.name : typeof l.config.name === 'string' ? l.config.name : `layer ${i}`;
    return { class_name: l.class_name, name, config: l.config };
  });
}

/** Infers α from conv1 and conv_pw_13 output channels (max(floor(c·α), 8)). */
function inferAlpha(stem: number, last: number): number | undefined {
  const fits = (a: number) => scaledChannels(32, a) === stem && scaledChannels(1024, a) === last;
  const official = ALPHAS.find(fits);
  if (official !== undefined) return official;
  const guess = Math.round((last / 1024) * 1000) / 1000;
  return guess > 0 && guess <= 1 && fits(guess) ? guess : undefined;
}

/** The backbone's layers (conv1, conv_dw_N, conv_pw_N and their batch norms and ReLUs) and the input. */
const BACKBONE_LAYER = /^(conv1|conv_(dw|pw)_\d+)(_bn|_relu)?$/;
/** Head layers that carry no weights and change nothing at inference (the pool is the spec's own). */
const INERT_HEAD_LAYERS = new Set([
  'GlobalAveragePooling2D',
  'AveragePooling2D',
  'Dropout',
  'SpatialDropout2D',
  'Reshape',
  'Flatten',
  'Activation',
  'Softmax',
  'ReLU',
]);

/**
 * Only MobileNet V1's 13 blocks before the head: a 14th block, or any other layer between the stem
 * and conv_pw_13, would be silently left out of the canonical network (every runtime would compute
 * another model than the file's), so it is refused, naming the first such layer.
 */
function checkBackboneLayers(layersList: ReadonlyArray<{ class_name: string; name: string }>, file: string): void {
  const lastBackbone = layersList.findLastIndex((l) => BACKBONE_LAYER.test(l.name));
  const extra = layersList.find((l, i) => {
    const block = /^conv_(?:dw|pw)_(\d+)/.exec(l.name);
    if (block) return Number(block[1]) < 1 || Number(block[1]) > 13;
    return i < lastBackbone && l.class_name !== 'InputLayer' && !BACKBONE_LAYER.test(l.name);
  });
  if (extra) {
    throw new WeightsError(
      file,
      extra.name,
      `not MobileNet V1: the first layer that differs from the spec is ${extra.name} (a ${extra.class_name}); MobileNet V1 is conv1 then 13 blocks conv_dw_N, conv_pw_N (N = 1…13), each with its batch norm and ReLU, then the head`,
    );
  }
}

/**
 * The classifier: the one Conv2D (official `conv_preds`, 1×1) or Dense layer after the backbone
 * (the transfer-learning shape: pool, optional dropout, dense). Anything else in the head is refused
 * by name, since the canonical network (and every runtime built from it) has no place for it.
 */
export function findHead(layersList: Array<{ class_name: string; name: string; config: Record<string, unknown> }>, file: string) {
  checkBackboneLayers(layersList, file);
  const head = layersList.filter((l) => l.class_name !== 'InputLayer' && !BACKBONE_LAYER.test(l.name));
  const unsupported = head.find((l) => !INERT_HEAD_LAYERS.has(l.class_name) && l.class_name !== 'Conv2D' && l.class_name !== 'Dense');
  if (unsupported) {
    throw new WeightsError(
      file,
      unsupported.name,
      `unsupported op in the head: a ${unsupported.class_name} layer; a MobileNet V1 head may hold only pooling, dropout, reshape/flatten, an activation and one Dense or 1×1 Conv2D classifier`,
    );
  }
  const classifiers = head.filter((l) => l.class_name === 'Conv2D' || l.class_name === 'Dense');
  if (classifiers.length !== 1) {
    throw new WeightsError(
      file,
      classifiers[1]?.name ?? 'conv_preds',
      classifiers.length
        ? `unsupported op in the head: ${classifiers.length} classifier layers (${classifiers.map((l) => l.name).join(', ')}), expected exactly one Dense or 1×1 Conv2D after conv_pw_13`
        : 'no classifier after conv_pw_13: expected one Dense or 1×1 Conv2D layer (the official conv_preds)',
    );
  }
  return classifiers[0];
}

/** Loads a TensorFlow.js Layers MobileNet V1 from its model.json (shards beside it) and validates it. */
export async function loadTfjsLayers(modelJsonPath: string): Promise<CanonicalWeights> {
  const file = modelJsonPath;
  let raw: Uint8Array;
  try {
    raw = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new WeightsError(file, undefined, `cannot read model.json (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(raw));
  } catch (e) {
    throw new WeightsError(file, undefined, `not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(json)) throw new WeightsError(file, undefined, 'model.json is not a JSON object');
  try {
    return await convert(json, raw, file);
  } catch (e) {
    if (e instanceof WeightsError) throw e;
    throw new WeightsError(file, undefined, `unexpected error while loading: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function convert(json: Record<string, unknown>, raw: Uint8Array, file: string): Promise<CanonicalWeights> {
  const layersList = kerasLayers(json.modelTopology, file);
  const byName = new Map(layersList.map((l) => [l.name, l]));
  const groups = parseManifest(json.weightsManifest, file);
  const tensors = await readManifestWeights(groups, dirname(file), file);

  const get = (name: string): NamedTensor => {
    const t = tensors.get(name);
    if (!t) throw new WeightsError(file, name, 'missing from the weights manifest');
    return t;
  };
  const layer = (name: string, className: string): KerasLayer => {
    const l = byName.get(name);
    if (!l) throw new WeightsError(file, name, `layer missing from modelTopology, expected a ${className}`);
    if (l.class_name !== className) throw new WeightsError(file, name, `layer is a ${l.class_name}, expected a ${className}`);
    return l;
  };

  // α from channel counts, resolution from the input layer, classes from conv_preds.
  const stem = get('conv1/kernel').shape[3];
  const last = get('conv_pw_13/kernel').shape[3];
  const alpha = stem === undefined || last === undefined ? undefined : inferAlpha(stem, last);
  if (alpha === undefined) {
    throw new WeightsError(
      file,
      'conv1/kernel',
      `conv1 has ${stem} output channels and conv_pw_13 has ${last}: no width multiplier α gives max(floor(32α), 8) = ${stem} and floor(1024α) = ${last}`,
    );
  }
  const inputLayer = layersList.find((l) => l.class_name === 'InputLayer');
  const bis = inputLayer?.config.batch_input_shape ?? inputLayer?.config.batchInputShape;
  if (!Array.isArray(bis) || bis.length !== 4 || bis[3] !== 3 || !Number.isInteger(bis[1]) || bis[1] !== bis[2]) {
    throw new WeightsError(file, inputLayer?.name ?? 'InputLayer', `batch_input_shape is ${JSON.stringify(bis)}, expected [null, N, N, 3]`);
  }
  const resolution = bis[1] as number;
  const tooLarge = resolutionProblem(resolution);
  if (tooLarge) throw new WeightsError(file, inputLayer?.name ?? 'InputLayer', `batch_input_shape ${JSON.stringify(bis)}: ${tooLarge}`);
  const head = findHead(layersList, file);
  const headKernel = get(`${head.name}/kernel`);
  const classes = headKernel.shape[headKernel.shape.length - 1];
  if (!Number.isInteger(classes) || classes < 1) {
    throw new WeightsError(file, `${head.name}/kernel`, `shape [${headKernel.shape}] gives ${classes} classes, expected at least 1`);
  }
  const spec = specOf({ alpha, resolution, classes });
  checkDeclaredLayers(layersList, (name) => tensors.get(name)?.shape, { alpha, resolution, classes }, head, file);

  const expectShape = (name: string, shape: number[]): NamedTensor => {
    const t = get(name);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new WeightsError(
        file,
        name,
        `shape is [${t.shape}], expected [${shape}]: not MobileNet V1 α ${alpha} × ${resolution}, the first layer that differs from the spec is ${name.split('/')[0]}`,
      );
    }
    return t;
  };
  const checkConv = (l: KerasLayer, stride: number) => {
    const strides = l.config.strides;
    if (Array.isArray(strides) && (strides[0] !== stride || strides[1] !== stride)) {
      throw new WeightsError(file, l.name, `strides ${JSON.stringify(strides)}, expected [${stride}, ${stride}]`);
    }
    if (l.config.padding !== undefined && l.config.padding !== 'same') {
      throw new WeightsError(file, l.name, `padding ${JSON.stringify(l.config.padding)}, expected "same"`);
    }
  };

  /** Folds `<bn>` into kernel (output channel = last axis, `channels` of them) and returns (kernel, bias). */
  const fold = (kernel: Float32Array, convBias: Float32Array | undefined, bnName: string, channels: number) => {
    const bn = layer(bnName, 'BatchNormalization');
    const eps = bn.config.epsilon === undefined ? 1e-3 : bn.config.epsilon;
    if (typeof eps !== 'number' || !(eps >= 0)) throw new WeightsError(file, bnName, `epsilon ${JSON.stringify(eps)}, expected a non-negative number`);
    const ones = new Float32Array(channels).fill(1);
    const zeros = new Float32Array(channels);
    const gamma = bn.config.scale === false ? ones : expectShape(`${bnName}/gamma`, [channels]).values;
    const beta = bn.config.center === false ? zeros : expectShape(`${bnName}/beta`, [channels]).values;
    const mean = expectShape(`${bnName}/moving_mean`, [channels]).values;
    const variance = expectShape(`${bnName}/moving_variance`, [channels]).values;
    const scale = new Float64Array(channels);
    const bias = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      if (!(variance[c] + eps > 0)) throw new WeightsError(file, `${bnName}/moving_variance`, `[${c}] + ε is ${variance[c] + eps}, expected > 0`);
      scale[c] = gamma[c] / Math.sqrt(variance[c] + eps);
      bias[c] = beta[c] + ((convBias ? convBias[c] : 0) - mean[c]) * scale[c];
    }
    const out = new Float32Array(kernel.length);
    for (let i = 0; i < kernel.length; i++) out[i] = kernel[i] * scale[i % channels];
    return { kernel: out, bias };
  };
  const optionalBias = (l: KerasLayer, channels: number) => (l.config.use_bias === true ? expectShape(`${l.name}/bias`, [channels]).values : undefined);

  const layers: LayerWeights[] = [];
  for (const l of spec.layers) {
    if (l.kind === 'conv') {
      const k = layer('conv1', 'Conv2D');
      checkConv(k, l.stride);
      const kernel = expectShape('conv1/kernel', [3, 3, l.inChannels, l.outChannels]).values;
      layers.push({ name: l.name, ...fold(kernel, optionalBias(k, l.outChannels), 'conv1_bn', l.outChannels) });
    } else if (l.kind === 'depthwise') {
      const n = `conv_dw_${l.name.slice(2)}`;
      const k = layer(n, 'DepthwiseConv2D');
      checkConv(k, l.stride);
      if (k.config.depth_multiplier !== undefined && k.config.depth_multiplier !== 1) {
        throw new WeightsError(file, n, `depth_multiplier ${JSON.stringify(k.config.depth_multiplier)}, expected 1`);
      }
      // [3,3,C,1] and [3,3,C] share the memory order.
      const kernel = expectShape(`${n}/depthwise_kernel`, [3, 3, l.inChannels, 1]).values;
      layers.push({ name: l.name, ...fold(kernel, optionalBias(k, l.outChannels), `${n}_bn`, l.outChannels) });
    } else if (l.kind === 'pointwise') {
      const n = `conv_pw_${l.name.slice(2)}`;
      const k = layer(n, 'Conv2D');
      checkConv(k, 1);
      // [1,1,in,out] and [in,out] share the memory order.
      const kernel = expectShape(`${n}/kernel`, [1, 1, l.inChannels, l.outChannels]).values;
      layers.push({ name: l.name, ...fold(kernel, optionalBias(k, l.outChannels), `${n}_bn`, l.outChannels) });
    } else if (l.kind === 'fc') {
      // A 1×1 conv [1,1,in,classes] (the official conv_preds) or a Dense [in,classes] (transfer learning): same memory order.
      const shape = head.class_name === 'Dense' ? [l.inChannels, l.outChannels] : [1, 1, l.inChannels, l.outChannels];
      const kernel = expectShape(`${head.name}/kernel`, shape).values;
      const bias = head.config.use_bias === false ? new Float32Array(l.outChannels) : expectShape(`${head.name}/bias`, [l.outChannels]).values;
      layers.push({ name: l.name, kernel, bias });
    }
  }

  // Precision has two values: a manifest with any uint8-quantized weight is 'uint8-dequantized';
  // float16/uint16 storage (not in the official models) is recorded as float32.
  const stored = new Set([...tensors.values()].map((t) => t.stored));
  const precision: Precision = stored.has('uint8') ? 'uint8-dequantized' : 'float32';
  const weights: CanonicalWeights = {
    alpha,
    resolution,
    classes,
    precision,
    source: { kind: 'tfjs-layers', file, sha256: createHash('sha256').update(raw).digest('hex') },
    batchNormFolded: true,
    input: {},
    layers,
  };
  validateWeights(weights, file);
  return weights;
}
