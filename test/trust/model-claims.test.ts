/**
 * Models must be what they claim (issue 28, item 4): a declared input of 100000 × 100000 is
 * refused as a failed job and the run goes on; a failure line is always storable; a TF.js
 * topology whose declared layer attributes disagree with its weights or with the spec is refused
 * naming the first layer that differs; a weightsManifest that is an object gets a message, not a
 * TypeError. Built from seeded synthetic weights, so no shared data is needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { syntheticWeights } from '../../models/weights/synthetic.ts';
import { writeTfjsLayers } from '../../models/weights/tfjs-layers-writer.ts';
import { loadTfjsLayers } from '../../models/weights/tfjs-layers.ts';
import { inspectModelFile } from '../../models/weights/inspect.ts';
import { JobResultSchema } from '../../contract/results.ts';
import { storableResult } from '../../harness/storable-failure.ts';
import { resolveConfig } from '../../harness/config/schema.ts';
import { planJobs } from '../../harness/plan.ts';
import { runCli, STACK } from '../helpers/cli.ts';
import { tempDir } from '../helpers/temp-dirs.ts';

type Json = {
  modelTopology: { config: { layers: Array<{ class_name: string; name: string; config: Record<string, unknown> }> } };
  weightsManifest: unknown;
};

/** A valid 0.25 × 128 TF.js Layers model, its model.json then changed by `edit`. */
function model(name: string, edit: (j: Json) => void = () => {}): string {
  const file = writeTfjsLayers(syntheticWeights(0.25, 128, { seed: 1 }), join(tempDir('model-claims-'), name));
  const json = JSON.parse(readFileSync(file, 'utf8')) as Json;
  edit(json);
  writeFileSync(file, JSON.stringify(json));
  return file;
}
const layer = (j: Json, name: string) => j.modelTopology.config.layers.find((l) => l.name === name)!;

/** Refused both where the plan inspects the file and where a job loads it, with `pattern`, never a TypeError. */
async function refusedEverywhere(file: string, pattern: RegExp, label = ''): Promise<void> {
  assert.throws(
    () => inspectModelFile(file),
    (e: Error) => e.name === 'WeightsError' && pattern.test(e.message),
    `${label} at plan time`,
  );
  await assert.rejects(loadTfjsLayers(file), (e: Error) => e.name === 'WeightsError' && pattern.test(e.message), `${label} at load`);
}

test('a user model declaring a 100000 × 100000 input is a failed job naming the limit; the run goes on, writes its report and ends', {
  timeout: 120_000,
}, () => {
  const file = model('huge', (j) => {
    layer(j, 'input_1').config.batch_input_shape = [null, 100000, 100000, 3];
  });
  const out = join(tempDir('model-claims-run-'), 'run');
  const r = runCli(['run', '--quick', '--model', file, '--target', 'node', '--impl', 'reference', '--alpha', '0.25', '--resolution', '128', '--out', out]);
  assert.equal(r.status, 1, `a refused model is a failed job: exit 1\n${r.stderr}${r.stdout}`);
  assert.doesNotMatch(r.stderr + r.stdout, STACK);
  const lines = readFileSync(join(out, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const refused = lines.find((l) => l.id === 'node/reference/huge');
  assert.equal(refused?.status, 'failed');
  assert.match(refused.error, /input_1.*100000.*above the limit of 2048 pixels/);
  assert.equal(lines.find((l) => l.id === 'node/reference/0.25_128')?.status, 'ok', 'the official variant still runs');
  assert.ok(existsSync(join(out, 'report.html')), 'the report is written');
  assert.notEqual(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).endedAt, null, 'endedAt is set');
});

test('a resolution below 32 or not an integer is refused the same way', async () => {
  for (const r of [16, 128.5]) {
    const file = model(`res${r}`, (j) => {
      layer(j, 'input_1').config.batch_input_shape = [null, r, r, 3];
    });
    await refusedEverywhere(file, /input_1.*(below 32|not an integer|expected \[null, N, N, 3\])/);
  }
});

test('the fallback failure line is itself always storable: planned figures out of bounds are left out and named', () => {
  const plan = planJobs(resolveConfig({ implementations: ['reference'], variants: { alpha: [0.25], resolution: [128] } }));
  const job = { ...plan.jobs[0], resolution: 100000, analytic: { macs: 1e15, params: 2e5 } };
  const r = storableResult(job, 'failed', "node: the job's result could not be stored: …");
  assert.ok(JobResultSchema.safeParse(r).success, JSON.stringify(JobResultSchema.safeParse(r).error?.issues));
  assert.match(r.error ?? '', /could not be stored: ….*analytic\.macs lie outside the results bounds/);
  // A job whose figures are in bounds keeps them all.
  assert.deepEqual(storableResult(plan.jobs[0], 'failed', 'x').analytic, { ...plan.jobs[0].analytic, gmacPerSecond: null });
});

test('conv_pw_3 declaring 48 filters while its weights hold 32 is refused naming conv_pw_3, at plan time and at load', async () => {
  const file = model('filters', (j) => {
    layer(j, 'conv_pw_3').config.filters = 48;
  });
  await refusedEverywhere(file, /\[conv_pw_3\]: conv_pw_3 declares 48 filters, its weights conv_pw_3\/kernel hold 32.*first layer that differs is conv_pw_3/);
});

test('every declared attribute that shapes the network is checked against the weights and the spec, naming the first layer that differs', async () => {
  const cases: Array<[string, (j: Json) => void, RegExp]> = [
    [
      'kernel_size',
      (j) => void (layer(j, 'conv_pw_4').config.kernel_size = [3, 3]),
      /conv_pw_4 declares kernel_size \[3,3\].*first layer that differs .*conv_pw_4/,
    ],
    ['strides', (j) => void (layer(j, 'conv_dw_4').config.strides = [1, 1]), /conv_dw_4 declares strides \[1,1\], MobileNet V1 has \[2, 2\].*is conv_dw_4/],
    [
      'depth_multiplier',
      (j) => void (layer(j, 'conv_dw_5').config.depth_multiplier = 2),
      /conv_dw_5 declares depth_multiplier 2, its weights .* hold 1.*is conv_dw_5/,
    ],
    ['use_bias', (j) => void (layer(j, 'conv_pw_6').config.use_bias = true), /conv_pw_6 declares use_bias true, the weights manifest has no conv_pw_6\/bias/],
    ['padding', (j) => void (layer(j, 'conv_pw_7').config.padding = 'valid'), /conv_pw_7 declares padding "valid", MobileNet V1 uses "same".*is conv_pw_7/],
    ['activation', (j) => void (layer(j, 'conv1').config.activation = 'relu'), /conv1 declares activation "relu", expected "linear".*is conv1/],
    [
      'relu6',
      (j) => void (layer(j, 'conv_dw_2_relu').config.activation = 'sigmoid'),
      /conv_dw_2_relu is a Activation "sigmoid", expected ReLU6.*is conv_dw_2_relu/,
    ],
    ['dense units', (j) => void (layer(j, 'predictions').config.units = 7), /predictions declares 7 units, its weights predictions\/kernel hold 1001/],
    [
      'first of two',
      (j) => {
        layer(j, 'conv_pw_9').config.filters = 1;
        layer(j, 'conv_dw_2').config.kernel_size = [5, 5];
      },
      /is conv_dw_2$/,
    ],
  ];
  for (const [name, edit, pattern] of cases) await refusedEverywhere(model(name.replace(/ /g, '_'), edit), pattern, name);
});

test('the unchanged model is accepted, so the checks hold for what the writer writes', async () => {
  const file = model('ok');
  assert.equal(inspectModelFile(file).resolution, 128);
  assert.equal((await loadTfjsLayers(file)).layers.length, 28);
});

test('a weightsManifest given as an object is a clear refusal, not a raw TypeError', async () => {
  const file = model('manifest_object', (j) => {
    j.weightsManifest = { paths: ['weights.bin'], weights: [] };
  });
  await refusedEverywhere(file, /weightsManifest is an object, not a list: expected \[\{paths/);
  const plan = planJobs(resolveConfig({ implementations: ['reference'], variants: { alpha: [0.25], resolution: [128] }, models: [{ file }] }));
  const reason = plan.skipped.find((s) => s.refused)?.reason ?? '';
  assert.doesNotMatch(reason, /TypeError|is not a function/);
});
