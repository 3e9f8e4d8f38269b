/** loadWeightsFile dispatches on what the path is, and refuses anything else clearly. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WeightsError } from '../../models/weights/canonical.ts';
import { loadWeightsFile } from '../../models/weights/load.ts';
import { WEIGHTS_DIR, skipWithoutSharedData } from '../helpers/data.ts';

const skip = skipWithoutSharedData();

test('a .tflite file, a model.json and a tfjs folder all load', { skip }, async () => {
  const t = await loadWeightsFile(join(WEIGHTS_DIR, 'tflite', 'mobilenet_v1_0.5_160_quant.tflite'));
  assert.equal(t.source.kind, 'tflite');
  assert.deepEqual([t.alpha, t.resolution, t.classes, t.precision], [0.5, 160, 1001, 'uint8-dequantized']);
  const folder = join(WEIGHTS_DIR, 'tfjs', 'mobilenet_v1_0.25_224');
  const a = await loadWeightsFile(folder);
  const b = await loadWeightsFile(join(folder, 'model.json'));
  assert.equal(a.source.kind, 'tfjs-layers');
  assert.deepEqual(a.source, b.source);
  assert.deepEqual([a.alpha, a.resolution, a.classes, a.precision], [0.25, 224, 1000, 'float32']);
});

test('anything else is a WeightsError naming the path', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mobilenet-bench-load-'));
  try {
    const other = join(dir, 'weights.bin');
    await writeFile(other, 'x');
    for (const [path, what] of [
      [other, 'unrecognised weights file'],
      [dir, 'folder has no model.json'],
      [join(dir, 'absent.tflite'), 'ENOENT'],
    ] as const) {
      await assert.rejects(loadWeightsFile(path), (e: unknown) => {
        assert.ok(e instanceof WeightsError, String(e));
        assert.ok(e.message.startsWith(path) && e.message.includes(what), e.message);
        return true;
      });
    }
    const fake = join(dir, 'fake.tflite');
    await writeFile(fake, new Uint8Array(64));
    await assert.rejects(loadWeightsFile(fake), (e: unknown) => e instanceof WeightsError && e.message.includes('identifier'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
