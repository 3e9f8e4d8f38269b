/**
 * Parity on the official weights (issue 2, item 6): every .tflite file (float and uint8,
 * dequantized) and every TensorFlow.js Layers folder in shared/data/weights, run by every
 * runtime (tfjs cpu, tfjs wasm, ORT-node cpu, ORT-web wasm), agrees with the reference on a
 * few real photos preprocessed at the model's resolution: max |Δlogit| ≤ 1e-4 · max(1, range)
 * (the bound and why: test/parity/helpers.ts) and the same top-1 wherever the reference's
 * top-2 gap exceeds twice the bound (a real photo can be a genuine near tie; the bound on
 * every logit is then the stronger check anyway).
 *
 * tfjs-cpu (plain JS, ~2.5 s a pass at 0.75-224) runs only the first photo on models above
 * BIG_MACS. Skips, saying why, without shared/data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mobilenetV1 } from '../../models/spec.ts';
import { loadWeightsFile } from '../../models/weights/load.ts';
import { ReferenceNetwork } from '../../models/reference/index.ts';
import { skipWithoutSharedData } from '../helpers/data.ts';
import { RUNTIMES, compare, describe, listPhotos, listRealModels, photoTensor, seededSubset } from './helpers.ts';

const skip = skipWithoutSharedData();
/** Photos per model (a seeded choice among the 1000; the same for every model). */
const PHOTOS = 3;
const PHOTO_SEED = 2;
/** Above this many MACs tfjs-cpu gets one photo only. */
const BIG_MACS = 150e6;

const models = skip ? [] : listRealModels();

test('the real weights are there: 13 .tflite files and 2 tfjs Layers folders', { skip }, () => {
  const ids = models.map((m) => m.id);
  assert.equal(ids.filter((id) => id.startsWith('tflite/')).length, 13, ids.join(', '));
  assert.equal(ids.filter((id) => id.startsWith('tfjs/')).length, 2, ids.join(', '));
});

const photos = skip ? [] : seededSubset(listPhotos(), PHOTOS, PHOTO_SEED);

for (const m of models) {
  test(`real ${m.id}: every runtime matches the reference on ${PHOTOS} photos`, { skip }, async (t) => {
    const weights = await loadWeightsFile(m.path);
    assert.deepEqual([weights.alpha, weights.resolution], [m.alpha, m.resolution], 'α and resolution as the name says');
    assert.equal(weights.classes, m.id.startsWith('tfjs/') ? 1000 : 1001, 'class count');
    const inputs = photos.map((p) => photoTensor(p.file, weights.resolution));
    const reference = new ReferenceNetwork(weights);
    const expected = inputs.map((x) => reference.infer(x));
    const big = mobilenetV1(m.alpha, m.resolution).macs > BIG_MACS;

    for (const rt of RUNTIMES) {
      await t.test(rt.name, async () => {
        const model = await rt.create(weights, rt.options);
        try {
          assert.equal(model.effective().backend, rt.options.backend, `${rt.name}: effective backend`);
          const n = rt.name === 'tfjs-cpu' && big ? 1 : inputs.length;
          for (let i = 0; i < n; i++) {
            const photo = photos[i].file.split('/').pop();
            const got = await model.run(inputs[i]);
            assert.equal(got.length, expected[i].length, 'class count');
            const c = compare(expected[i], got);
            t.diagnostic(`${m.id} ${rt.name} ${photo}: ${describe(c)}`);
            assert.ok(c.maxAbsDiff <= c.bound, `${m.id} ${rt.name} ${photo}: max|Δlogit| ${c.maxAbsDiff} > bound ${c.bound} (range ${c.range})`);
            if (c.top2Gap > 2 * c.bound) assert.equal(c.top1, c.refTop1, `${m.id} ${rt.name} ${photo}: top-1`);
            else t.diagnostic(`${m.id} ${photo}: near tie (top-2 gap ${c.top2Gap} ≤ 2·bound), top-1 not compared`);
          }
        } finally {
          await model.dispose();
        }
      });
    }
  });
}
