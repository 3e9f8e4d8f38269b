/** The official TFLite files load into canonical weights; corrupt ones fail with a WeightsError naming file and tensor. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WeightsError, validateWeights } from '../../models/weights/canonical.ts';
import { loadTflite, loadTfliteFile, parseTflite } from '../../models/weights/tflite.ts';
import { WEIGHTS_DIR, skipWithoutSharedData } from '../helpers/data.ts';

const skip = skipWithoutSharedData();
const DIR = join(WEIGHTS_DIR, 'tflite');
const files = existsSync(DIR)
  ? readdirSync(DIR)
      .filter((f) => f.endsWith('.tflite'))
      .sort()
  : [];
const QUANT_128 = 'mobilenet_v1_0.25_128_quant.tflite';
const FLOAT_224 = 'mobilenet_v1_0.25_224.tflite';

/** Asserts `fn` rejects with a WeightsError whose message contains every fragment. */
async function rejectsWeights(fn: () => unknown, ...fragments: (string | RegExp)[]): Promise<WeightsError> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof WeightsError, `expected a WeightsError, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`);
  for (const f of fragments) {
    if (typeof f === 'string') assert.ok(caught.message.includes(f), `message ${JSON.stringify(caught.message)} lacks ${JSON.stringify(f)}`);
    else assert.match(caught.message, f);
  }
  return caught;
}

/**
 * An independent, deliberately naive walk of the flatbuffer (no shared code with the loader):
 * finds a tensor by name and returns its shape, quantization and raw buffer bytes.
 */
function rawTensor(bytes: Uint8Array, name: string) {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (p: number) => v.getUint32(p, true);
  const field = (table: number, slot: number) => {
    const vt = table - v.getInt32(table, true);
    if (4 + 2 * slot >= v.getUint16(vt, true)) return 0;
    const off = v.getUint16(vt + 4 + 2 * slot, true);
    return off ? table + off : 0;
  };
  const ref = (p: number) => p + u32(p);
  const vec = (table: number, slot: number) => {
    const f = field(table, slot);
    if (!f) return { start: 0, len: 0 };
    const p = ref(f);
    return { start: p + 4, len: u32(p) };
  };
  const str = (table: number, slot: number) => {
    const p = ref(field(table, slot));
    return new TextDecoder().decode(bytes.subarray(p + 4, p + 4 + u32(p)));
  };
  const model = u32(0);
  const subgraph = ref(vec(model, 2).start);
  const tensors = vec(subgraph, 0);
  for (let i = 0; i < tensors.len; i++) {
    const t = ref(tensors.start + 4 * i);
    if (str(t, 3) !== name) continue;
    const shapeV = vec(t, 0);
    const shape = Array.from({ length: shapeV.len }, (_, j) => v.getInt32(shapeV.start + 4 * j, true));
    const bufferIndex = u32(field(t, 2));
    const q = ref(field(t, 4));
    const scale = v.getFloat32(vec(q, 2).start, true);
    const zeroPoint = Number(v.getBigInt64(vec(q, 3).start, true));
    const buffer = ref(vec(model, 4).start + 4 * bufferIndex);
    const data = vec(buffer, 0);
    return { shape, scale, zeroPoint, data: bytes.subarray(data.start, data.start + data.len) };
  }
  throw new Error(`tensor ${name} not found`);
}

async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'mobilenet-bench-tflite-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('all 13 official .tflite files are here', { skip }, () => {
  assert.equal(files.length, 13, `found ${files.join(', ')}`);
});

for (const f of files) {
  test(`loads ${f}`, { skip }, async () => {
    const m = /^mobilenet_v1_([\d.]+)_(\d+)(_quant)?\.tflite$/.exec(f);
    assert.ok(m, f);
    const w = await loadTfliteFile(join(DIR, f));
    assert.equal(w.alpha, Number(m[1]));
    assert.equal(w.resolution, Number(m[2]));
    assert.equal(w.classes, 1001);
    assert.equal(w.precision, m[3] ? 'uint8-dequantized' : 'float32');
    assert.equal(w.batchNormFolded, true);
    assert.equal(w.source.kind, 'tflite');
    assert.match(w.source.kind === 'tflite' ? w.source.sha256 : '', /^[0-9a-f]{64}$/);
    assert.deepEqual(
      w.layers.map((l) => l.name),
      ['conv0', ...Array.from({ length: 13 }, (_, i) => [`dw${i + 1}`, `pw${i + 1}`]).flat(), 'fc'],
    );
    validateWeights(w);
    if (m[3]) {
      assert.deepEqual(w.input.quantization, { scale: 1 / 128, zeroPoint: 128 });
      for (const l of w.layers) {
        assert.ok(l.kernelQuantization && l.kernelQuantization.scale > 0, `${l.name} kernel scale`);
        assert.ok(l.kernelQuantization.zeroPoint >= 0 && l.kernelQuantization.zeroPoint <= 255);
        assert.ok(l.biasQuantization && l.biasQuantization.zeroPoint === 0, `${l.name} bias zero point`);
      }
    } else {
      assert.equal(w.input.quantization, undefined);
      assert.ok(w.layers.every((l) => !l.kernelQuantization && !l.biasQuantization));
    }
  });
}

test('the sha256 in source is the file hash', { skip }, async () => {
  const { createHash } = await import('node:crypto');
  const bytes = await readFile(join(DIR, QUANT_128));
  const w = await loadTfliteFile(join(DIR, QUANT_128));
  assert.equal(w.source.kind === 'tflite' && w.source.sha256, createHash('sha256').update(bytes).digest('hex'));
});

test('uint8 kernels and int32 biases equal scale·(q − zp), read independently, transposed to canonical', { skip }, async () => {
  const bytes = new Uint8Array(await readFile(join(DIR, QUANT_128)));
  const w = loadTflite(bytes, QUANT_128);

  // pw3 at α 0.25: TFLite OHWI [32,1,1,32] → canonical [in=32, out=32].
  const k = rawTensor(bytes, 'MobilenetV1/MobilenetV1/Conv2d_3_pointwise/weights_quant/FakeQuantWithMinMaxVars');
  assert.deepEqual(k.shape, [32, 1, 1, 32]);
  const pw3 = w.layers.find((l) => l.name === 'pw3')!;
  assert.deepEqual(pw3.kernelQuantization, { scale: k.scale, zeroPoint: k.zeroPoint });
  for (let o = 0; o < 32; o++) {
    for (let i = 0; i < 32; i++) {
      assert.equal(pw3.kernel[i * 32 + o], Math.fround(k.scale * (k.data[o * 32 + i] - k.zeroPoint)), `pw3[${i},${o}]`);
    }
  }
  const b = rawTensor(bytes, 'MobilenetV1/MobilenetV1/Conv2d_3_pointwise/Conv2D_Fold_bias');
  const bv = new DataView(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  for (let o = 0; o < 32; o++) assert.equal(pw3.bias[o], Math.fround(b.scale * bv.getInt32(4 * o, true)));

  // conv0: OHWI [8,3,3,3] → HWIO [3,3,3,8].
  const c = rawTensor(bytes, 'MobilenetV1/MobilenetV1/Conv2d_0/weights_quant/FakeQuantWithMinMaxVars');
  const conv0 = w.layers[0];
  for (let o = 0; o < 8; o++)
    for (let h = 0; h < 3; h++)
      for (let x = 0; x < 3; x++)
        for (let i = 0; i < 3; i++) {
          assert.equal(conv0.kernel[((h * 3 + x) * 3 + i) * 8 + o], Math.fround(c.scale * (c.data[((o * 3 + h) * 3 + x) * 3 + i] - c.zeroPoint)));
        }
  // Bias scale = input scale × kernel scale.
  assert.ok(Math.abs(conv0.biasQuantization!.scale / ((1 / 128) * c.scale) - 1) < 1e-5);
});

test('float32 kernels are copied exactly, depthwise [1,3,3,C] → [3,3,C]', { skip }, async () => {
  const bytes = new Uint8Array(await readFile(join(DIR, FLOAT_224)));
  const w = loadTflite(bytes, FLOAT_224);
  const v = (d: Uint8Array) => new DataView(d.buffer, d.byteOffset, d.byteLength);
  const dw = rawTensor(bytes, 'MobilenetV1/Conv2d_1_depthwise/depthwise_weights');
  assert.deepEqual(dw.shape, [1, 3, 3, 8]);
  const dw1 = w.layers.find((l) => l.name === 'dw1')!;
  for (let j = 0; j < 72; j++) assert.equal(dw1.kernel[j], v(dw.data).getFloat32(4 * j, true));
  const fc = rawTensor(bytes, 'MobilenetV1/Logits/Conv2d_1c_1x1/weights');
  assert.deepEqual(fc.shape, [1001, 1, 1, 256]);
  const fcw = w.layers[27];
  for (const [i, o] of [
    [0, 0],
    [255, 1000],
    [17, 523],
    [200, 3],
  ]) {
    assert.equal(fcw.kernel[i * 1001 + o], v(fc.data).getFloat32(4 * (o * 256 + i), true));
  }
});

test('a truncated file is a WeightsError naming the file, at every cut', { skip }, async () => {
  const bytes = new Uint8Array(await readFile(join(DIR, QUANT_128)));
  await withTemp(async (dir) => {
    const cut = join(dir, QUANT_128);
    await writeFile(cut, bytes.subarray(0, bytes.length >> 1));
    await rejectsWeights(() => loadTfliteFile(cut), cut, /outside the \d+-byte buffer|buffer holds/);
  });
  // (The last 14 bytes of this file are an unreferenced vtable/table left by TOCO: cutting only
  // those leaves a complete model, so the cuts stop short of them.)
  for (const n of [0, 3, 7, 8, 12, 64, 1000, 4096, 100_000, 250_000, 400_000, bytes.length - 100, bytes.length - 16]) {
    await rejectsWeights(() => loadTflite(bytes.subarray(0, n), QUANT_128), QUANT_128);
  }
});

test('a byte-flipped header and a wrong identifier are WeightsErrors', { skip }, async () => {
  const bytes = new Uint8Array(await readFile(join(DIR, QUANT_128)));
  const flipped = bytes.slice();
  for (let i = 0; i < 4; i++) flipped[i] ^= 0xff;
  await rejectsWeights(() => loadTflite(flipped, QUANT_128), QUANT_128, 'root offset', 'outside');

  const wrongId = bytes.slice();
  wrongId.set(new TextEncoder().encode('TFL2'), 4);
  await rejectsWeights(() => loadTflite(wrongId, QUANT_128), QUANT_128, 'file identifier is "TFL2", expected "TFL3"');

  await rejectsWeights(() => loadTflite(new TextEncoder().encode('{"modelTopology": {}}'), 'model.json'), 'model.json', 'identifier');
});

test('a buffer of the wrong length names the tensor, the sizes, shape and type', { skip }, async () => {
  const bytes = new Uint8Array(await readFile(join(DIR, QUANT_128)));
  const name = 'MobilenetV1/MobilenetV1/Conv2d_3_pointwise/weights_quant/FakeQuantWithMinMaxVars';
  const m = parseTflite(bytes, QUANT_128);
  const t = m.tensors.find((x) => x.name === name)!;
  const data = m.buffers[t.buffer];
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint32(data.byteOffset - bytes.byteOffset - 4, 1000, true); // the vector's length field
  await rejectsWeights(() => loadTflite(copy, QUANT_128), `${QUANT_128} [${name}]: buffer holds 1000 bytes, expected 1024 for shape [32,1,1,32] uint8`);
});

test('a tensor of the wrong shape names the tensor and the expected shape', { skip }, async () => {
  const bytes = new Uint8Array(await readFile(join(DIR, QUANT_128)));
  const name = 'MobilenetV1/MobilenetV1/Conv2d_5_depthwise/weights_quant/FakeQuantWithMinMaxVars';
  const m = parseTflite(bytes, QUANT_128);
  // Find the shape vector [1,3,3,64] of that tensor in the file and make it [1,3,3,63].
  const needle = new Uint8Array(new Int32Array([4, 1, 3, 3, 64]).buffer);
  const copy = bytes.slice();
  const hits: number[] = [];
  for (let p = 0; p + needle.length <= copy.length; p += 4) {
    if (needle.every((b, j) => copy[p + j] === b)) hits.push(p);
  }
  assert.ok(hits.length >= 1 && m.tensors.some((t) => t.name === name));
  // Patch each candidate and keep the one that moved our tensor's shape.
  for (const p of hits) {
    const trial = copy.slice();
    new DataView(trial.buffer).setInt32(p + 16, 63, true);
    const t = parseTflite(trial, QUANT_128).tensors.find((x) => x.name === name)!;
    if (t.shape[3] === 63) {
      await rejectsWeights(() => loadTflite(trial, QUANT_128), `${QUANT_128} [${name}]`, 'kernel shape is [1,3,3,63], expected [1,3,3,64]');
      return;
    }
  }
  assert.fail('shape vector of the dw5 kernel not found');
});

test('random corruption never escapes as anything but a WeightsError', { skip }, async () => {
  const bytes = new Uint8Array(await readFile(join(DIR, QUANT_128)));
  const m = parseTflite(bytes, QUANT_128);
  // Corrupt only the structure (everything outside the big constant buffers), where flips matter.
  const dataRanges = m.buffers.filter((b) => b.length > 0).map((b) => [b.byteOffset - bytes.byteOffset, b.byteOffset - bytes.byteOffset + b.length]);
  const inData = (p: number) => dataRanges.some(([a, b]) => p >= a && p < b);
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  let failures = 0;
  for (let trial = 0; trial < 150; trial++) {
    const copy = bytes.slice();
    for (let k = 0; k < 4; k++) {
      let p: number;
      do p = Math.floor(rand() * copy.length);
      while (inData(p));
      copy[p] = Math.floor(rand() * 256);
    }
    try {
      loadTflite(copy, QUANT_128);
    } catch (e) {
      assert.ok(e instanceof WeightsError, `trial ${trial}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      assert.ok(e.message.startsWith(QUANT_128));
      failures++;
    }
  }
  assert.ok(failures > 0, 'some corruption should be detected');
});
