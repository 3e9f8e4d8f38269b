/**
 * Every runtime runs the same network: ort-node (cpu), ort-web (wasm), tfjs (cpu, wasm) agree
 * with the reference on synthetic weights: same top-1 and max |Δlogit| ≤ 1e-4 · max(1, range).
 * Resolutions 128 and 224 put every stride-2 conv on an even size; 97 puts all five on odd sizes.
 */
import './fixtures.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CreateModel, RuntimeOptions } from '../../models/runtime.ts';
import { syntheticWeights } from '../../models/weights/synthetic.ts';
import { createReferenceModel } from '../../models/reference/index.ts';
import { createOrtNodeModel } from '../../models/onnx/ort-node.ts';
import { createOrtWebModel } from '../../models/onnx/ort-web.ts';
import { createTfjsModel } from '../../models/tfjs.ts';
import { argmax, compareLogits, logitTolerance, seededInput } from './fixtures.ts';

const RUNTIMES: Array<[name: string, create: CreateModel, options: RuntimeOptions]> = [
  ['ort-node cpu', createOrtNodeModel, { backend: 'cpu', threads: 1 }],
  ['ort-web wasm', createOrtWebModel, { backend: 'wasm', threads: 1 }],
  ['tfjs cpu', createTfjsModel, { backend: 'cpu' }],
  ['tfjs wasm', createTfjsModel, { backend: 'wasm' }],
];

for (const resolution of [128, 224, 97]) {
  test(`α 0.25, ${resolution}: all runtimes match the reference`, async (t) => {
    const weights = syntheticWeights(0.25, resolution);
    const input = seededInput(resolution);
    const reference = await createReferenceModel(weights, { backend: 'js' });
    const expected = await reference.run(input);
    await reference.dispose();
    assert.equal(expected.length, 1001);
    for (const [name, create, options] of RUNTIMES) {
      await t.test(name, async () => {
        const model = await create(weights, options);
        try {
          const got = await model.run(input);
          const again = await model.run(input);
          assert.notEqual(got, again, 'run() returns a fresh array each time');
          assert.deepEqual(again, got, 'same input, same logits');
          assert.equal(got.length, expected.length);
          const { maxAbsDiff, range, top2Gap } = compareLogits(expected, got);
          const bound = logitTolerance(range);
          t.diagnostic(
            `${name} @${resolution}: max|Δ| ${maxAbsDiff.toExponential(2)}, range ${range.toFixed(2)}, bound ${bound.toExponential(2)}, top-2 gap ${top2Gap.toExponential(2)}`,
          );
          assert.ok(maxAbsDiff <= bound, `${name}: max|Δlogit| ${maxAbsDiff} > ${bound}`);
          // Only a near tie could flip the top-1 within the bound; this seed has none.
          assert.ok(top2Gap > 2 * bound, `reference top-2 gap ${top2Gap} too small to compare top-1`);
          assert.equal(argmax(got), argmax(expected), `${name}: top-1`);
          const eff = model.effective();
          assert.equal(eff.backend, options.backend, `${name}: effective backend`);
        } finally {
          await model.dispose();
        }
      });
    }
  });
}
