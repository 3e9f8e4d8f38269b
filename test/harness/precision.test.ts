/** uint8 in the plan: integer kernels where the runtime has them, dequantized for tfjs, stable ids. */
import test from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../harness/config/schema.ts';
import { planJobs } from '../../harness/plan.ts';
import { WEIGHTS_DIR, skipWithoutSharedData } from '../helpers/data.ts';

test('uint8: integer kernels for reference and ORT, dequantized for tfjs; uint8-dequantized asked explicitly', { skip: skipWithoutSharedData() }, () => {
  const plan = planJobs(
    resolveConfig({
      weights: { source: 'official', mirror: WEIGHTS_DIR },
      precision: ['uint8'],
      implementations: ['reference', 'tfjs:wasm', 'ort-node:cpu', 'ort-web:wasm'],
      variants: { alpha: [0.25], resolution: [128] },
    }),
  );
  const byId = Object.fromEntries(plan.jobs.map((j) => [j.id, j.precision]));
  assert.deepEqual(byId, {
    'node/reference/0.25_128-uint8': 'uint8',
    'node/tfjs-wasm/0.25_128-uint8': 'uint8-dequantized',
    'node/ort-node-cpu/0.25_128-uint8': 'uint8',
    'node/ort-web-wasm/0.25_128-uint8': 'uint8',
  });
  const both = planJobs(
    resolveConfig({
      weights: { source: 'official', mirror: WEIGHTS_DIR },
      precision: ['uint8', 'uint8-dequantized'],
      implementations: ['reference', 'tfjs:wasm'],
      variants: { alpha: [0.25], resolution: [128] },
    }),
  );
  // tfjs's uint8 row would be the dequantized one twice: it runs once, under the explicit id.
  assert.deepEqual(Object.fromEntries(both.jobs.map((j) => [j.id, j.precision])), {
    'node/reference/0.25_128-uint8': 'uint8',
    'node/reference/0.25_128-uint8-dequantized': 'uint8-dequantized',
    'node/tfjs-wasm/0.25_128-uint8-dequantized': 'uint8-dequantized',
  });
});

test('a wrong precision is refused with the allowed ones', () => {
  assert.throws(() => resolveConfig({ precision: ['int8' as never] }), /float32.*uint8.*uint8-dequantized/s);
});
