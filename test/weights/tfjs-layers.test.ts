/** The official TensorFlow.js Layers MobileNets load with batch norm folded; broken copies fail with a WeightsError. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WeightsError, validateWeights } from '../../models/weights/canonical.ts';
import { loadTfjsLayers, type ManifestGroup } from '../../models/weights/tfjs-layers.ts';
import { WEIGHTS_DIR, skipWithoutSharedData } from '../helpers/data.ts';

const skip = skipWithoutSharedData();
const DIR = join(WEIGHTS_DIR, 'tfjs');
const M025 = join(DIR, 'mobilenet_v1_0.25_224');

async function rejectsWeights(fn: () => Promise<unknown>, ...fragments: string[]): Promise<WeightsError> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof WeightsError, `expected a WeightsError, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`);
  for (const f of fragments) assert.ok(caught.message.includes(f), `message ${JSON.stringify(caught.message)} lacks ${JSON.stringify(f)}`);
  return caught;
}

/** Copies the 0.25 model into a fresh temp dir (writable copies, never in the project), runs fn, cleans up. */
async function withCopy<T>(fn: (dir: string, modelJson: string, json: any) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'mobilenet-bench-tfjs-'));
  try {
    for (const f of await readdir(M025)) await writeFile(join(dir, f), await readFile(join(M025, f)));
    const modelJson = join(dir, 'model.json');
    return await fn(dir, modelJson, JSON.parse(await readFile(modelJson, 'utf8')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Independent read of one float32 weight straight from its shard(s), by manifest order. */
async function rawWeight(folder: string, name: string): Promise<{ shape: number[]; values: Float32Array }> {
  const json = JSON.parse(await readFile(join(folder, 'model.json'), 'utf8'));
  for (const g of json.weightsManifest as ManifestGroup[]) {
    let offset = 0;
    for (const w of g.weights) {
      const n = w.shape.reduce((a, b) => a * b, 1);
      if (w.name === name) {
        const bytes = Buffer.concat(await Promise.all(g.paths.map((p) => readFile(join(folder, p)))));
        const values = new Float32Array(n);
        for (let i = 0; i < n; i++) values[i] = bytes.readFloatLE(offset + 4 * i);
        return { shape: w.shape, values };
      }
      offset += 4 * n;
    }
  }
  throw new Error(`${name} not in manifest`);
}

for (const [alpha, stem] of [
  [0.25, 8],
  [0.75, 24],
] as const) {
  test(`loads tfjs mobilenet_v1_${alpha}_224`, { skip }, async () => {
    const modelJson = join(DIR, `mobilenet_v1_${alpha}_224`, 'model.json');
    const w = await loadTfjsLayers(modelJson);
    assert.equal(w.alpha, alpha);
    assert.equal(w.resolution, 224);
    assert.equal(w.classes, 1000);
    assert.equal(w.precision, 'float32');
    assert.equal(w.batchNormFolded, true);
    assert.deepEqual(w.input, {});
    assert.equal(w.layers[0].bias.length, stem);
    assert.equal(w.layers.length, 28);
    validateWeights(w);
    const sha = createHash('sha256')
      .update(await readFile(modelJson))
      .digest('hex');
    assert.deepEqual(w.source, { kind: 'tfjs-layers', file: modelJson, sha256: sha });
    assert.ok(w.layers.every((l) => !l.kernelQuantization && !l.biasQuantization));
  });
}

test('batch norm is folded with the config epsilon: s = γ/√(var+ε), kernel·s, bias = β − mean·s', { skip }, async () => {
  const w = await loadTfjsLayers(join(M025, 'model.json'));
  const eps = 0.001; // conv_*_bn epsilon in the Keras 2.1.4 config
  const fold = async (kernelName: string, bn: string, channels: number, layer: string) => {
    const k = await rawWeight(M025, kernelName);
    const [g, b, m, v] = await Promise.all(['gamma', 'beta', 'moving_mean', 'moving_variance'].map((p) => rawWeight(M025, `${bn}/${p}`)));
    const got = w.layers.find((l) => l.name === layer)!;
    assert.equal(got.kernel.length, k.values.length);
    for (let i = 0; i < k.values.length; i++) {
      const c = i % channels;
      const s = g.values[c] / Math.sqrt(v.values[c] + eps);
      assert.ok(Math.abs(got.kernel[i] - k.values[i] * s) <= 1e-6 * Math.max(1, Math.abs(k.values[i] * s)), `${layer} kernel[${i}]`);
    }
    for (let c = 0; c < channels; c++) {
      const s = g.values[c] / Math.sqrt(v.values[c] + eps);
      const want = b.values[c] - m.values[c] * s;
      assert.ok(Math.abs(got.bias[c] - want) <= 1e-6 * Math.max(1, Math.abs(want)), `${layer} bias[${c}]`);
    }
  };
  await fold('conv1/kernel', 'conv1_bn', 8, 'conv0'); // [3,3,3,8] HWIO as is
  await fold('conv_dw_2/depthwise_kernel', 'conv_dw_2_bn', 16, 'dw2'); // [3,3,16,1] → [3,3,16]
  await fold('conv_pw_1/kernel', 'conv_pw_1_bn', 16, 'pw1'); // [1,1,8,16] → [8,16]
  const preds = await rawWeight(M025, 'conv_preds/kernel');
  const predsBias = await rawWeight(M025, 'conv_preds/bias');
  assert.deepEqual(preds.shape, [1, 1, 256, 1000]);
  assert.deepEqual(w.layers[27].kernel, preds.values);
  assert.deepEqual(w.layers[27].bias, predsBias.values);
});

test('the epsilon comes from the layer config', { skip }, async () => {
  await withCopy(async (_dir, modelJson, json) => {
    const bn = json.modelTopology.model_config.config.layers.find((l: any) => l.name === 'conv1_bn');
    bn.config.epsilon = 1;
    await writeFile(modelJson, JSON.stringify(json));
    const w = await loadTfjsLayers(modelJson);
    const [g, b, m, v] = await Promise.all(['gamma', 'beta', 'moving_mean', 'moving_variance'].map((p) => rawWeight(M025, `conv1_bn/${p}`)));
    for (let c = 0; c < 8; c++) {
      const want = b.values[c] - (m.values[c] * g.values[c]) / Math.sqrt(v.values[c] + 1);
      assert.ok(Math.abs(w.layers[0].bias[c] - want) < 1e-5 * Math.max(1, Math.abs(want)));
    }
  });
});

test('a missing shard names model.json, the shard and its weights', { skip }, async () => {
  await withCopy(async (dir, modelJson) => {
    await unlink(join(dir, 'group3-shard1of1'));
    await rejectsWeights(() => loadTfjsLayers(modelJson), modelJson, '[conv_dw_1/depthwise_kernel]', 'shard group3-shard1of1', 'ENOENT');
  });
});

test('a shard of the wrong length names the weights and the sizes', { skip }, async () => {
  await withCopy(async (dir, modelJson) => {
    await truncate(join(dir, 'group30-shard1of1'), 100);
    await rejectsWeights(
      () => loadTfjsLayers(modelJson),
      modelJson,
      '[conv_pw_1/kernel]',
      'hold 100 bytes, expected 512',
      'conv_pw_1/kernel [1,1,8,16] float32 = 512',
    );
  });
});

test('a wrong-shape tensor names the tensor and the expected shape', { skip }, async () => {
  await withCopy(async (_dir, modelJson, json) => {
    const entry = json.weightsManifest.flatMap((g: any) => g.weights).find((x: any) => x.name === 'conv_pw_5/kernel');
    entry.shape = [1, 64, 1, 64]; // same byte count, wrong layout
    await writeFile(modelJson, JSON.stringify(json));
    await rejectsWeights(() => loadTfjsLayers(modelJson), `${modelJson} [conv_pw_5/kernel]: shape is [1,64,1,64], expected [1,1,64,64]`);
  });
});

test('a missing weight and a corrupt model.json are WeightsErrors', { skip }, async () => {
  await withCopy(async (_dir, modelJson, json) => {
    const g = json.weightsManifest.find((x: any) => x.weights.some((w: any) => w.name === 'conv_dw_7_bn/gamma'));
    g.weights[0].name = 'something_else/gamma';
    await writeFile(modelJson, JSON.stringify(json));
    await rejectsWeights(() => loadTfjsLayers(modelJson), '[conv_dw_7_bn/gamma]', 'missing from the weights manifest');
    await writeFile(modelJson, '{"modelTopology": ');
    await rejectsWeights(() => loadTfjsLayers(modelJson), modelJson, 'not valid JSON');
    await rejectsWeights(() => loadTfjsLayers(join(_dir, 'nope.json')), 'nope.json', 'ENOENT');
  });
});

test('uint8 / uint16 / float16 quantized manifests are dequantized (q·scale + min)', { skip }, async () => {
  await withCopy(async (dir, modelJson, json) => {
    const reference = await loadTfjsLayers(modelJson);
    const groups = json.weightsManifest as any[];
    // conv_preds/kernel + bias → uint8 and uint16; conv_pw_13/kernel → float16.
    const preds = groups.find((g) => g.weights[0].name === 'conv_preds/kernel');
    const k = await rawWeight(M025, 'conv_preds/kernel');
    const b = await rawWeight(M025, 'conv_preds/bias');
    const quantize = (v: Float32Array, levels: number) => {
      let min = Infinity;
      let max = -Infinity;
      for (const x of v) {
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
      const scale = (max - min) / (levels - 1);
      return { q: Array.from(v, (x) => Math.round((x - min) / scale)), scale, min };
    };
    const qk = quantize(k.values, 256);
    const qb = quantize(b.values, 65536);
    const shard = Buffer.alloc(qk.q.length + 2 * qb.q.length);
    qk.q.forEach((x, i) => shard.writeUInt8(x, i));
    qb.q.forEach((x, i) => shard.writeUInt16LE(x, qk.q.length + 2 * i));
    await writeFile(join(dir, preds.paths[0]), shard);
    preds.weights[0].quantization = { dtype: 'uint8', scale: qk.scale, min: qk.min };
    preds.weights[1].quantization = { dtype: 'uint16', scale: qb.scale, min: qb.min };

    const pw13 = groups.find((g) => g.weights[0].name === 'conv_pw_13/kernel');
    const h = await rawWeight(M025, 'conv_pw_13/kernel');
    const f16 = Buffer.alloc(2 * h.values.length);
    h.values.forEach((x, i) => f16.writeUInt16LE(toHalf(x), 2 * i));
    await writeFile(join(dir, pw13.paths[0]), f16);
    pw13.weights[0].quantization = { dtype: 'float16' };
    await writeFile(modelJson, JSON.stringify(json));

    const w = await loadTfjsLayers(modelJson);
    assert.equal(w.precision, 'uint8-dequantized');
    validateWeights(w);
    qk.q.forEach((q, i) => assert.equal(w.layers[27].kernel[i], Math.fround(q * qk.scale + qk.min)));
    qb.q.forEach((q, i) => assert.equal(w.layers[27].bias[i], Math.fround(q * qb.scale + qb.min)));
    for (let i = 0; i < k.values.length; i += 97) assert.ok(Math.abs(w.layers[27].kernel[i] - k.values[i]) <= qk.scale / 2 + 1e-6);
    const ref = reference.layers.find((l) => l.name === 'pw13')!.kernel;
    const got = w.layers.find((l) => l.name === 'pw13')!.kernel;
    // (toHalf flushes |x| < 2^-14 to zero, so those are skipped.)
    for (let i = 0; i < ref.length; i += 31)
      if (Math.abs(h.values[i]) >= 2 ** -14) assert.ok(Math.abs(got[i] - ref[i]) <= Math.abs(ref[i]) * 2 ** -10 + 1e-6, `pw13[${i}]`);
  });
});

/** number → IEEE half bits (round to nearest; normal range only, enough for weights). */
function toHalf(x: number): number {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = ((u >>> 23) & 0xff) - 127 + 15;
  if (exp <= 0) return sign; // flush tiny values to zero
  if (exp >= 31) return sign | 0x7c00;
  const mant = u & 0x7fffff;
  let h = sign | (exp << 10) | (mant >>> 13);
  if (mant & 0x1000) h++; // round half up
  return h;
}
