/**
 * Parity on synthetic weights (issue 2, item 6): for all 16 variants (α 1, 0.75, 0.5, 0.25 ×
 * resolution 224, 192, 160, 128), every runtime (tfjs cpu, tfjs wasm, ORT-node cpu, ORT-web
 * wasm) agrees with the reference on the same seeded input tensors: identical top-1 and
 * max |Δlogit| ≤ 1e-4 · max(1, logit range) (the bound and why: test/parity/helpers.ts).
 *
 * Two seeded inputs per variant; tfjs-cpu (plain JS, ~3 s at 1.0-224) runs only the first on
 * variants above BIG_MACS. Synthetic weights need no data, so this file always runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALPHAS, RESOLUTIONS, mobilenetV1 } from '../../models/spec.ts';
import { syntheticWeights } from '../../models/weights/synthetic.ts';
import { ReferenceNetwork } from '../../models/reference/index.ts';
import { seededInput } from '../runtimes/fixtures.ts';
import { RUNTIMES, compare, describe } from './helpers.ts';

/** Input seeds: uniform [-1, 1] NHWC tensors like a preprocessed photo. */
const INPUT_SEEDS = [7, 8];
/** Above this many MACs tfjs-cpu gets one input only (0.5-224 and up: ≥ ~1 s a pass). */
const BIG_MACS = 150e6;

for (const alpha of ALPHAS) {
  for (const resolution of RESOLUTIONS) {
    const name = `${alpha}_${resolution}`;
    test(`synthetic ${name}: every runtime matches the reference`, async (t) => {
      const weights = syntheticWeights(alpha, resolution);
      const inputs = INPUT_SEEDS.map((seed) => seededInput(resolution, seed));
      const reference = new ReferenceNetwork(weights);
      const expected = inputs.map((x) => reference.infer(x));
      const big = mobilenetV1(alpha, resolution).macs > BIG_MACS;

      for (const rt of RUNTIMES) {
        await t.test(rt.name, async () => {
          const model = await rt.create(weights, rt.options);
          try {
            assert.equal(model.effective().backend, rt.options.backend, `${rt.name}: effective backend`);
            const n = rt.name === 'tfjs-cpu' && big ? 1 : inputs.length;
            for (let i = 0; i < n; i++) {
              const got = await model.run(inputs[i]);
              assert.equal(got.length, expected[i].length, 'class count');
              const c = compare(expected[i], got);
              t.diagnostic(`${name} ${rt.name} input ${INPUT_SEEDS[i]}: ${describe(c)}`);
              // A near tie in the reference would make the top-1 check meaningless: fail loudly.
              assert.ok(c.top2Gap > 2 * c.bound, `${name} input ${INPUT_SEEDS[i]}: reference top-2 gap ${c.top2Gap} ≤ 2·bound ${c.bound}; choose another seed`);
              assert.ok(
                c.maxAbsDiff <= c.bound,
                `${name} ${rt.name} input ${INPUT_SEEDS[i]}: max|Δlogit| ${c.maxAbsDiff} > bound ${c.bound} (range ${c.range})`,
              );
              assert.equal(c.top1, c.refTop1, `${name} ${rt.name} input ${INPUT_SEEDS[i]}: top-1`);
            }
          } finally {
            await model.dispose();
          }
        });
      }
    });
  }
}
