/**
 * A user's own MobileNet V1: a real fine-tuned 5-class model built from the shared data
 * (test/helpers/own-model.ts), run with `--model … --eval-set …` on Node and Chromium with the
 * reference, tfjs and ORT beside official 0.25-128; and the refusals, each by name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOwnModel, editTfjsModel, insertLayerAfter, type OwnModel } from '../helpers/own-model.ts';
import { runCli, STACK } from '../helpers/cli.ts';
import { skipWithoutSharedData } from '../helpers/data.ts';
import { resolveConfig } from '../../harness/config/schema.ts';
import { planJobs } from '../../harness/plan.ts';
import { loadTfjsLayers } from '../../models/weights/tfjs-layers.ts';
import { loadOnnx } from '../../models/weights/onnx.ts';
import { exportOnnx } from '../../models/onnx/export.ts';
import { listClassFolderItems } from '../../harness/eval-class-folders.ts';

const skip = skipWithoutSharedData();
const dir = mkdtempSync(join(tmpdir(), 'own-model-'));
let own: OwnModel;
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a fine-tuned model built from the shared data runs on Node and Chromium with reference, tfjs and ORT, beside official 0.25-128', {
  skip,
  timeout: 240_000,
}, async () => {
  own = await buildOwnModel(dir);
  const config = join(dir, 'bench.config.json');
  writeFileSync(
    config,
    JSON.stringify({ sampling: { warmupSamples: 1, minSamples: 5, minTimeMs: 100, maxSamples: 20, maxTimeMs: 500 }, precision: ['float32'] }),
  );
  const out = join(dir, 'results');
  const r = runCli(
    [
      'run',
      '-c',
      config,
      '--model',
      own.modelJson,
      '--eval-set',
      own.evalDir,
      '--target',
      'node,chromium',
      '--impl',
      'reference,tfjs:wasm,ort-web:wasm',
      '--alpha',
      '0.25',
      '--resolution',
      '128',
      '--out',
      out,
    ],
    { timeoutMs: 230_000 },
  );
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const results = readFileSync(join(out, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const mine = results.filter((x) => x.model);
  assert.deepEqual(mine.map((x) => x.id).sort(), [
    'chromium/ort-web-wasm/own_tfjs_0.25_128',
    'chromium/reference/own_tfjs_0.25_128',
    'chromium/tfjs-wasm/own_tfjs_0.25_128',
    'node/ort-web-wasm/own_tfjs_0.25_128',
    'node/reference/own_tfjs_0.25_128',
    'node/tfjs-wasm/own_tfjs_0.25_128',
  ]);
  // The official variant of the same α × resolution keeps its id, beside the user's model.
  assert.ok(results.some((x) => x.id === 'node/reference/0.25_128' && !x.model));
  for (const x of mine) {
    assert.equal(x.status, 'ok', `${x.id}: ${x.error}`);
    assert.equal(x.model.classes, 5);
    assert.equal(x.accuracy.n, own.heldBackImages);
    // Far above chance (20 %) on the held-back photos.
    assert.ok(x.accuracy.top1 >= 0.6, `${x.id}: top-1 ${x.accuracy.top1}`);
    assert.equal(x.accuracy.agreementTop1, 1, `${x.id} disagrees with the reference`);
    assert.ok(x.accuracy.maxAbsLogitDelta < 1e-2, `${x.id}: max |Δ| ${x.accuracy.maxAbsLogitDelta}`);
    assert.deepEqual(x.accuracy.confusion.classes, own.classes);
    const total = x.accuracy.confusion.matrix.flat().reduce((a: number, b: number) => a + b, 0);
    assert.equal(total, own.heldBackImages);
    assert.match(x.accuracy.preprocessing, /\[-1, 1\].*crop 0\.875/);
  }
  const report = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(report, /own_tfjs_0\.25_128/);
  // The decision's report: the model beside official 0.25-128 on each target's chart, the legend saying whose data each top-1 is on.
  assert.equal(report.match(/<section id="target-\d+-own-models"/g)?.length, 2, 'node and chromium each have a "Your models" section');
  assert.match(report, /own_tfjs · top-1 on your photos/);
  assert.match(report, /official 0\.25_128 · ImageNet top-1 \(TF-slim published\), not your photos/);
  assert.match(report, /The two accuracies are on different data and classes/);
  // Each user-model job's confusion matrix, class names from the labels; the preprocessing stated.
  const tables = report.match(/<figure class="card confusion">[\s\S]*?<\/figure>/g) ?? [];
  assert.deepEqual(
    tables.flatMap((t) => [...t.matchAll(/<code class="job">([^<]+)<\/code>/g)].map((m) => m[1])).sort(),
    mine.map((x) => x.id).sort(),
    'every user-model job is named under a confusion table',
  );
  for (const t of tables) for (const c of own.classes) assert.match(t, new RegExp(`<th scope="col">${c}</th>`));
  assert.match(report, /Preprocessing: <strong>own_tfjs<\/strong>: [^<]*\[-1, 1\]/);
  // The recommendation under a latency budget is among the user's models, on the user's photos.
  const recs = report.match(/<ul class="recs own-recs">[\s\S]*?<\/ul>/g) ?? [];
  assert.equal(recs.length, 2, 'one list of your models per target');
  for (const list of recs) assert.match(list, /own_tfjs_0\.25_128[\s\S]*top-1 on your photos/);
});

test('the ONNX form of the same model reads back to the same weights, with the classes and variant inferred', { skip: skip || undefined }, async () => {
  const tfjs = await loadTfjsLayers(own.modelJson);
  const onnx = loadOnnx(readFileSync(own.onnx), own.onnx);
  assert.deepEqual([onnx.alpha, onnx.resolution, onnx.classes], [0.25, 128, 5]);
  tfjs.layers.forEach((l, i) => assert.deepEqual(onnx.layers[i].kernel, l.kernel, l.name));
});

test('refusals name the cause: a non-V1 layer, labels that do not fit the head, an eval folder with unknown classes', { skip: skip || undefined }, async () => {
  // A MobileNet V1 whose pw3 has other channels: no longer V1, and the message names the layer.
  const w = await loadTfjsLayers(own.modelJson);
  const broken = exportOnnx(w).slice();
  const bad = join(dir, 'not_v1.onnx');
  // Rewrite pw3's weight dims [32, 32, 1, 1] → [31, …] by rebuilding from a changed tensor list is long; change via the loader's input instead:
  const layers = w.layers.map((l) => (l.name === 'pw3' ? { ...l, kernel: l.kernel.slice(0, l.kernel.length - 32), bias: l.bias.slice(0, -1) } : l));
  assert.ok(broken.length > 0);
  assert.throws(() => exportOnnx({ ...w, layers }), /pw3/);
  writeFileSync(bad, Buffer.from('not an onnx model'));
  const labels5 = own.labels;
  const labels3 = join(dir, 'labels3.txt');
  writeFileSync(labels3, 'dog\nbird\nfish\n');
  const plan = planJobs(
    resolveConfig({
      implementations: ['reference'],
      variants: { alpha: [0.25], resolution: [128] },
      models: [
        { file: own.modelJson, labels: labels5 },
        { name: 'wronglabels', file: own.onnx, labels: labels3 },
        { name: 'garbage', file: bad },
      ],
    }),
  );
  assert.ok(
    plan.jobs.some((j) => j.id === 'node/reference/own_tfjs_0.25_128'),
    'the good model still runs',
  );
  const reasons = new Map(plan.skipped.map((s) => [s.id, s.reason]));
  // Refusals are failures to be written, not impossible pairs.
  assert.ok(
    plan.skipped.every((s) => s.refused),
    'every refusal is marked to be written as failed',
  );
  assert.match(reasons.get('node/reference/wronglabels_0.25_128') ?? '', /3 class names.*5 outputs/);
  assert.match(reasons.get('node/reference/garbage') ?? '', /refused: .*not_v1\.onnx/);
  assert.throws(() => listClassFolderItems(own.evalDir, ['dog', 'bird', 'fish', 'snake']), /'car' is not among the model's 4 classes/);
});

test('the ONNX reader sees the 27 convolutions of the exported model; bytes that are not ONNX get a message, not a stack', {
  skip: skip || undefined,
}, async () => {
  const w = await loadTfjsLayers(own.modelJson);
  // Widen pw5 and dw6 consistently (a plausible edit): the graph is valid ONNX but not V1.
  const onnx = exportOnnx(w);
  const g = loadOnnx(onnx, 'ok.onnx');
  assert.equal(g.classes, 5);
  const { readOnnxGraph } = await import('../../models/onnx/reader.ts');
  const graph = readOnnxGraph(onnx);
  assert.equal(graph.nodes.filter((n) => n.op === 'Conv').length, 27);
  // A tiny made-up graph: the stem then a Gemm (no blocks): refused at dw1.
  const { syntheticWeights } = await import('../../models/weights/synthetic.ts');
  const s = syntheticWeights(0.25, 128, { seed: 3 });
  const bytes = exportOnnx(s);
  const cut = readOnnxGraph(bytes);
  assert.ok(cut.nodes.length > 0);
  assert.throws(
    () => loadOnnx(new Uint8Array([0x3a, 0x02, 0x0a, 0x00]), 'tiny.onnx'),
    (e: Error) => /tiny\.onnx/.test(e.message) && !STACK.test(e.message),
  );
});

test('through the CLI: a 14th block, a layer with other channels and a second Dense in the head are failed jobs naming the layer, and the good model still runs', {
  skip: skip || undefined,
  timeout: 120_000,
}, async () => {
  const layers = (await loadTfjsLayers(own.modelJson)).layers;
  const last = layers.find((l) => l.name === 'pw13')!.bias.length;
  // A 14th depthwise block after conv_pw_13 (with its weights): a network MobileNet V1 is not.
  const extraBlock = editTfjsModel(
    own.modelJson,
    join(dir, 'extra_block'),
    (j) =>
      insertLayerAfter(j, 'conv_pw_13_relu', {
        class_name: 'DepthwiseConv2D',
        name: 'conv_dw_14',
        config: { kernel_size: [3, 3], strides: [1, 1], padding: 'same', depth_multiplier: 1, use_bias: false },
      }),
    [{ name: 'conv_dw_14/depthwise_kernel', shape: [3, 3, last, 1], values: new Float32Array(9 * last) }],
  );
  // pw3 with 64 outputs from 16 inputs instead of 32 → 32 (the same bytes, so only the shapes say it).
  const otherChannels = editTfjsModel(own.modelJson, join(dir, 'pw3_channels'), (j) => {
    const w = j.weightsManifest[0].weights.find((x) => x.name === 'conv_pw_3/kernel')!;
    assert.deepEqual(w.shape, [1, 1, 32, 32]);
    w.shape = [1, 1, 16, 64];
  });
  // A two-layer MLP head: a second Dense after the classifier, which the canonical network has no place for.
  const extraDense = editTfjsModel(
    own.modelJson,
    join(dir, 'extra_dense'),
    (j) => insertLayerAfter(j, 'predictions', { class_name: 'Dense', name: 'predictions_2', config: { units: 5, activation: 'linear', use_bias: true } }),
    [
      { name: 'predictions_2/kernel', shape: [5, 5], values: new Float32Array(25) },
      { name: 'predictions_2/bias', shape: [5], values: new Float32Array(5) },
    ],
  );
  const config = join(dir, 'refusals.config.json');
  writeFileSync(
    config,
    JSON.stringify({ sampling: { warmupSamples: 1, minSamples: 5, minTimeMs: 100, maxSamples: 20, maxTimeMs: 500 }, precision: ['float32'] }),
  );
  const out = join(dir, 'refusals');
  const r = runCli(
    [
      'run',
      '-c',
      config,
      '--model',
      [own.modelJson, extraBlock, otherChannels, extraDense].join(','),
      '--eval-set',
      own.evalDir,
      '--target',
      'node',
      '--impl',
      'reference',
      '--alpha',
      '0.25',
      '--resolution',
      '128',
      '--out',
      out,
    ],
    { timeoutMs: 110_000 },
  );
  assert.equal(r.status, 1, `refusals are failures, so run exits 1\n${r.stderr}${r.stdout}`);
  assert.doesNotMatch(r.stderr + r.stdout, STACK);
  // The run's summary lists each refusal with the failures, its cause on the line.
  for (const id of ['extra_block', 'pw3_channels', 'extra_dense'])
    assert.match(r.stdout, new RegExp(`Failed or invalid:[\\s\\S]*node/reference/${id}: failed: refused: `));
  const results = new Map(
    readFileSync(join(out, 'results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .map((x) => [x.id, x]),
  );
  assert.equal(results.get('node/reference/own_tfjs_0.25_128')?.status, 'ok', 'the good model runs');
  assert.equal(results.get('node/reference/0.25_128')?.status, 'ok', 'the official variant runs');
  const failed = (id: string) => {
    const x = results.get(id);
    assert.equal(x?.status, 'failed', `${id}: ${JSON.stringify(x?.status)} (${x?.error})`);
    return x.error as string;
  };
  assert.match(failed('node/reference/extra_block'), /refused: .*not MobileNet V1: the first layer that differs from the spec is conv_dw_14/);
  // The manifest's shape changed, not the topology's filters: the file contradicts itself there first.
  assert.match(
    failed('node/reference/pw3_channels'),
    /refused: .*conv_pw_3 declares 32 filters, its weights conv_pw_3\/kernel hold 64.*the first layer that differs is conv_pw_3/,
  );
  assert.match(failed('node/reference/extra_dense'), /refused: .*unsupported op in the head: 2 classifier layers \(predictions, predictions_2\)/);
  // The report lists them with the failures.
  const report = readFileSync(join(out, 'report.html'), 'utf8');
  const problems = report.slice(report.indexOf('id="problems"'));
  for (const id of ['extra_block', 'pw3_channels', 'extra_dense']) assert.match(problems, new RegExp(`node/reference/${id}`));
});
